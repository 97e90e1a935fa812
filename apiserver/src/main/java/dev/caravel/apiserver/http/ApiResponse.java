package dev.caravel.apiserver.http;

import dev.caravel.apiserver.api.Status;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the pipeline answers: a code, headers and either a body or a stream writer.
 *
 * @param headers  header name to values (Warning may repeat)
 * @param body     the whole body; ignored when {@code streamer} is set
 * @param streamer writes a chunked body on the request's own thread; null for a plain response
 */
public record ApiResponse(int code, Map<String, List<String>> headers, byte[] body, Streamer streamer) {

    public static final String JSON = "application/json";

    /** Writes a streaming body until it is done or the client has gone. */
    @FunctionalInterface
    public interface Streamer {
        void stream(ResponseStream out) throws Exception;
    }

    public ApiResponse {
        Objects.requireNonNull(headers, "headers");
        body = body == null ? new byte[0] : body;
    }

    public static ApiResponse of(int code, String contentType, byte[] body) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        if (contentType != null) {
            headers.put("Content-Type", List.of(contentType));
        }
        return new ApiResponse(code, headers, body, null);
    }

    public static ApiResponse json(int code, byte[] body) {
        return of(code, JSON, body);
    }

    public static ApiResponse text(int code, String text) {
        return of(code, "text/plain; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    public static ApiResponse status(Status status) {
        ApiResponse response = json(status.code(), status.toResponseBody());
        int retry = status.retryAfterSeconds();
        return retry > 0 ? response.withHeader("Retry-After", Integer.toString(retry)) : response;
    }

    public static ApiResponse stream(String contentType, Streamer streamer) {
        Map<String, List<String>> headers = new LinkedHashMap<>();
        headers.put("Content-Type", List.of(contentType));
        return new ApiResponse(200, headers, null, streamer);
    }

    /** A copy with one more value for {@code name}. */
    public ApiResponse withHeader(String name, String value) {
        Map<String, List<String>> copy = new LinkedHashMap<>(headers);
        copy.merge(name, List.of(value), (a, b) -> {
            List<String> all = new java.util.ArrayList<>(a);
            all.addAll(b);
            return List.copyOf(all);
        });
        return new ApiResponse(code, copy, body, streamer);
    }

    public ApiResponse withWarnings(List<String> warnings) {
        ApiResponse response = this;
        for (String warning : warnings) {
            response = response.withHeader("Warning", "299 - " + dev.caravel.apiserver.api.GoQuote.quote(warning));
        }
        return response;
    }
}
