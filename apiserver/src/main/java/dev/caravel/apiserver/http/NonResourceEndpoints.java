package dev.caravel.apiserver.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.discovery.DiscoveryDocuments;
import dev.caravel.apiserver.discovery.ServedDocument;
import dev.caravel.apiserver.openapi.OpenApiDocuments;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The paths that are not resources: health, version, discovery and OpenAPI. Anything else that
 * is not a resource request is a 404 Status, as Kubernetes answers an unknown path.
 */
public final class NonResourceEndpoints {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final List<String> HEALTH = List.of("/healthz", "/livez", "/readyz");

    private final DiscoveryDocuments discovery;
    private final OpenApiDocuments openapi;
    private final byte[] version;

    public NonResourceEndpoints(DiscoveryDocuments discovery, OpenApiDocuments openapi) {
        this.discovery = discovery;
        this.openapi = openapi;
        try {
            this.version = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(ServerVersion.info());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The answer for {@code request}, or empty when the path is not one of these. */
    public Optional<ApiResponse> handle(ApiRequest request) {
        String path = request.path();
        String trimmed = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        for (String health : HEALTH) {
            if (trimmed.equals(health) || trimmed.startsWith(health + "/")) {
                return Optional.of(ApiResponse.text(200, "ok").withHeader("X-Content-Type-Options", "nosniff"));
            }
        }
        if (trimmed.equals("/version")) {
            return Optional.of(ApiResponse.json(200, version));
        }
        if (trimmed.startsWith("/openapi/")) {
            String hash = request.query().has("hash") ? request.query().first("hash") : null;
            return openapi.get(path, hash, request.header("accept")).map(doc -> served(request, doc));
        }
        if (trimmed.equals("/api") || trimmed.startsWith("/api/") || trimmed.equals("/apis") || trimmed.startsWith("/apis/")) {
            return discovery.get(path, request.header("accept")).map(doc -> served(request, doc));
        }
        return Optional.empty();
    }

    /** A 404 for a path nothing serves, with the body Kubernetes' mux sends. */
    public static StatusException notFound() {
        return new StatusException(dev.caravel.apiserver.api.Status.failure(404,
                dev.caravel.apiserver.api.StatusReason.NOT_FOUND, "the server could not find the requested resource",
                new dev.caravel.apiserver.api.StatusDetails("", "", "", "", List.of(), 0)));
    }

    private static ApiResponse served(ApiRequest request, ServedDocument doc) {
        if (doc.matches(request.header("if-none-match"))) {
            ApiResponse notModified = new ApiResponse(304, Map.of(), null, null).withHeader("ETag", doc.etag());
            for (Map.Entry<String, String> h : doc.headers().entrySet()) {
                notModified = notModified.withHeader(h.getKey(), h.getValue());
            }
            return notModified;
        }
        ApiResponse response = ApiResponse.of(200, doc.contentType(), doc.body()).withHeader("ETag", doc.etag());
        for (Map.Entry<String, String> h : doc.headers().entrySet()) {
            response = response.withHeader(h.getKey(), h.getValue());
        }
        return response;
    }
}
