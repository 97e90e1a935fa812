package dev.caravel.apiserver.http;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.request.RequestInfo;

import java.util.List;
import java.util.Objects;

/**
 * The stages a request runs through, listed in the order they run (DESIGN.md, "the path of a
 * request"). Only the stages that exist are here; authentication slots in before audit, priority
 * and fairness and authorization after it, when they are built.
 *
 * <pre>
 *   request info  ▶ audit (audit ID, RequestReceived ... ResponseComplete)
 *                 ▶ request metrics (apiserver_request_total, apiserver_request_duration_seconds)
 *                 ▶ handler (metrics, non-resource endpoints, or the resource's REST handler)
 * </pre>
 *
 * <p>Audit comes right after request info, as in kube-apiserver (after authentication there),
 * because the policy decides on the verb, resource and namespace; it turns later failures into
 * their Status answers itself, so that every answer carries the Audit-Id header.
 *
 * <p>Errors are not handled here: a stage throws and {@link HttpServer} writes the Status.
 */
public final class RequestPipeline {

    /** Reads verb, group, version, namespace, resource, subresource and name from the URL. */
    public static final Stage REQUEST_INFO = (request, next) ->
            next.proceed(request.withInfo(RequestInfo.parse(request.method(), request.path(), request.query())));

    private final List<Stage> stages;

    private RequestPipeline(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    /** The pipeline: request info first, {@code handler} last. */
    public static RequestPipeline of(Stage handler) {
        Objects.requireNonNull(handler, "handler");
        return new RequestPipeline(List.of(
                REQUEST_INFO,
                handler));
    }

    /**
     * The pipeline of the diagram: request info, {@code audit}, {@code requestMetrics}, then
     * {@code handler}.
     */
    public static RequestPipeline of(Stage audit, Stage requestMetrics, Stage handler) {
        Objects.requireNonNull(audit, "audit");
        Objects.requireNonNull(requestMetrics, "requestMetrics");
        Objects.requireNonNull(handler, "handler");
        return new RequestPipeline(List.of(
                REQUEST_INFO,
                audit,
                requestMetrics,
                handler));
    }

    public ApiResponse handle(ApiRequest request) throws Exception {
        return proceedFrom(0, request);
    }

    private ApiResponse proceedFrom(int index, ApiRequest request) throws Exception {
        if (index >= stages.size()) {
            throw StatusException.internalError("request pipeline: the last stage called proceed; it must answer");
        }
        ApiResponse response = stages.get(index).handle(request, next -> proceedFrom(index + 1, next));
        if (response == null) {
            throw new IllegalStateException("request pipeline: stage " + index + " answered null for " + request);
        }
        return response;
    }
}
