package dev.caravel.apiserver.http;

import dev.caravel.apiserver.request.QueryParameters;
import dev.caravel.apiserver.request.RequestInfo;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request as the pipeline sees it: immutable, its body already aggregated. A stage that
 * learns something about the request passes a copy on ({@link #withInfo}).
 *
 * @param headers         lower-cased names, the first value of each
 * @param info            null until the request-info stage has run
 * @param remoteAddress   the peer's IP address as a literal ({@code 127.0.0.1}, {@code ::1}), "" when unknown
 * @param repeatedHeaders every value of the headers that came more than once (lower-cased names);
 *                        empty for almost every request, so the common case costs no second map
 */
public record ApiRequest(String method, String path, String rawQuery, QueryParameters query,
                         Map<String, String> headers, byte[] body, RequestInfo info, String remoteAddress,
                         Map<String, List<String>> repeatedHeaders) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        rawQuery = rawQuery == null ? "" : rawQuery;
        query = query == null ? QueryParameters.parse(rawQuery) : query;
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
        remoteAddress = remoteAddress == null ? "" : remoteAddress;
        repeatedHeaders = repeatedHeaders == null ? Map.of() : Map.copyOf(repeatedHeaders);
    }

    public static ApiRequest of(String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
        return new ApiRequest(method, path, rawQuery, null, headers, body, null, "", Map.of());
    }

    public ApiRequest withInfo(RequestInfo newInfo) {
        return new ApiRequest(method, path, rawQuery, query, headers, body, newInfo, remoteAddress, repeatedHeaders);
    }

    /** A copy from {@code address}, the peer of the connection (the HTTP server knows it). */
    public ApiRequest withRemoteAddress(String address) {
        return new ApiRequest(method, path, rawQuery, query, headers, body, info, address, repeatedHeaders);
    }

    /** A copy that also knows every value of the headers sent more than once. */
    public ApiRequest withRepeatedHeaders(Map<String, List<String>> repeated) {
        return new ApiRequest(method, path, rawQuery, query, headers, body, info, remoteAddress, repeated);
    }

    /** The header's first value, or "" when absent. */
    public String header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    /** Every value of the header in the order sent (Impersonate-Group may repeat); empty when absent. */
    public List<String> headerValues(String name) {
        String key = name.toLowerCase(Locale.ROOT);
        List<String> all = repeatedHeaders.get(key);
        if (all != null) {
            return all;
        }
        String first = headers.get(key);
        return first == null ? List.of() : List.of(first);
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
