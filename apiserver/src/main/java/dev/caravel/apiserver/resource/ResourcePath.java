package dev.caravel.apiserver.resource;

import java.util.Optional;

/**
 * Where a path of Kubernetes' OpenAPI document (or a request) points: group-version,
 * resource, subresource and whether the namespaced form was used. After {@code /api/v1} or
 * {@code /apis/{group}/{version}} a path reads
 * <pre>
 *   [watch/] [namespaces/{namespace}/] resource [/{name} [/subresource [/{path}]]]
 * </pre>
 * so {@code /api/v1/namespaces/{name}/finalize} is the namespaces resource itself.
 *
 * @param subresource the subresource, or null
 */
public record ResourcePath(GroupVersion groupVersion, String resource, String subresource, boolean namespaced) {

    /**
     * The place of {@code path}; empty for paths that are not a resource's ({@code /version/},
     * {@code /apis/apps/}, {@code /api/v1/}).
     */
    public static Optional<ResourcePath> parse(String path) {
        String[] segs = path.replaceAll("^/+|/+$", "").split("/");
        int i;
        GroupVersion gv;
        if (segs.length >= 3 && segs[0].equals("api")) {
            gv = new GroupVersion("", segs[1]);
            i = 2;
        } else if (segs.length >= 4 && segs[0].equals("apis")) {
            gv = new GroupVersion(segs[1], segs[2]);
            i = 3;
        } else {
            return Optional.empty();
        }
        if (segs[i].equals("watch")) {
            i++;
        }
        boolean namespaced = false;
        if (segs.length - i >= 3 && segs[i].equals("namespaces") && segs[i + 1].equals("{namespace}")) {
            namespaced = true;
            i += 2;
        }
        if (i >= segs.length) {
            return Optional.empty();
        }
        String subresource = segs.length - i >= 3 ? segs[i + 2] : null;
        return Optional.of(new ResourcePath(gv, segs[i], subresource, namespaced));
    }
}
