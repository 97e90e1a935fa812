package dev.caravel.apiserver.metrics;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.http.Stage;

/**
 * Counts and times every request in {@link RequestMetrics}. A failure is counted with the code
 * its Status will be answered with, then passed on unchanged; a watch is counted when its stream
 * ends, with the time it was open, as kube-apiserver counts it.
 */
public final class RequestMetricsStage implements Stage {

    private final RequestMetrics metrics;

    public RequestMetricsStage(RequestMetrics metrics) {
        this.metrics = metrics;
    }

    @Override
    public ApiResponse handle(ApiRequest request, Chain next) throws Exception {
        long start = System.nanoTime();
        ApiResponse response;
        try {
            response = next.proceed(request);
        } catch (Throwable e) {
            metrics.observe(request, StatusException.statusOf(e).code(), System.nanoTime() - start);
            throw e;
        }
        if (response.streamer() == null) {
            metrics.observe(request, response.code(), System.nanoTime() - start);
            return response;
        }
        ApiResponse.Streamer inner = response.streamer();
        int code = response.code();
        return new ApiResponse(code, response.headers(), response.body(), out -> {
            try {
                inner.stream(out);
            } finally {
                metrics.observe(request, code, System.nanoTime() - start);
            }
        });
    }
}
