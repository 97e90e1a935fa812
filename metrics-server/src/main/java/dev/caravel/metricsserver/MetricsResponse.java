package dev.caravel.metricsserver;

import dev.caravel.apiserver.api.Status;

/** One HTTP answer: status code, content type and the whole body. */
record MetricsResponse(int code, String contentType, byte[] body) {

    static final String JSON = "application/json";

    static MetricsResponse json(byte[] body) {
        return new MetricsResponse(200, JSON, body);
    }

    static MetricsResponse text(int code, String text) {
        return new MetricsResponse(code, "text/plain; charset=utf-8", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    static MetricsResponse status(Status status) {
        return new MetricsResponse(status.code(), JSON, status.toResponseBody());
    }
}
