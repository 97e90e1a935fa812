package dev.caravel.apiserver.http;

import dev.caravel.apiserver.request.QueryParameters;
import dev.caravel.apiserver.request.RequestInfo;

import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * One request as the pipeline sees it: immutable, its body already aggregated. A stage that
 * learns something about the request passes a copy on ({@link #withInfo}).
 *
 * @param headers lower-cased names, the first value of each
 * @param info    null until the request-info stage has run
 */
public record ApiRequest(String method, String path, String rawQuery, QueryParameters query,
                         Map<String, String> headers, byte[] body, RequestInfo info) {

    public ApiRequest {
        Objects.requireNonNull(method, "method");
        Objects.requireNonNull(path, "path");
        rawQuery = rawQuery == null ? "" : rawQuery;
        query = query == null ? QueryParameters.parse(rawQuery) : query;
        headers = Map.copyOf(headers);
        body = body == null ? new byte[0] : body;
    }

    public static ApiRequest of(String method, String path, String rawQuery, Map<String, String> headers, byte[] body) {
        return new ApiRequest(method, path, rawQuery, null, headers, body, null);
    }

    public ApiRequest withInfo(RequestInfo newInfo) {
        return new ApiRequest(method, path, rawQuery, query, headers, body, newInfo);
    }

    /** The header's first value, or "" when absent. */
    public String header(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), "");
    }

    @Override
    public String toString() {
        return method + " " + path + (rawQuery.isEmpty() ? "" : "?" + rawQuery);
    }
}
