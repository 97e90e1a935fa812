package dev.caravel.apiserver.metrics;

import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;

import java.util.Optional;

/**
 * {@code /metrics}: the server's registry in Prometheus' text format. Any method is answered, as
 * kube-apiserver's handler answers any.
 */
public final class MetricsEndpoint {

    public static final String PATH = "/metrics";

    private final ServerMetrics metrics;

    public MetricsEndpoint(ServerMetrics metrics) {
        this.metrics = metrics;
    }

    /** The answer when {@code request} is for /metrics, else empty. */
    public Optional<ApiResponse> handle(ApiRequest request) {
        if (!request.path().equals(PATH)) {
            return Optional.empty();
        }
        return Optional.of(ApiResponse.of(200, metrics.textContentType(), metrics.scrapeText()));
    }
}
