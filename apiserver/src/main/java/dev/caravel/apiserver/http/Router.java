package dev.caravel.apiserver.http;

/**
 * The pipeline's last stage: resource requests go to the REST handler of resources, other paths
 * to the {@link NonResourceEndpoints}; a path neither serves is a 404 Status.
 */
public final class Router implements Stage {

    private final NonResourceEndpoints nonResource;
    private final Stage resources;

    /** @param resources the REST handler; it answers every resource request (404 for unknown resources) */
    public Router(NonResourceEndpoints nonResource, Stage resources) {
        this.nonResource = nonResource;
        this.resources = resources;
    }

    @Override
    public ApiResponse handle(ApiRequest request, Chain next) throws Exception {
        if (request.info() != null && request.info().resourceRequest()) {
            return resources.handle(request, next);
        }
        return nonResource.handle(request).orElseThrow(NonResourceEndpoints::notFound);
    }
}
