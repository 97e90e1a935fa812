package dev.caravel.apiserver.discovery;

import dev.caravel.apiserver.resource.ApiGroup;
import dev.caravel.apiserver.resource.ResourceCatalogue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The discovery documents of the served resources, ready to send.
 *
 * <p>Every document is written once per catalogue generation: the first request after the
 * catalogue changes (a CRD added or removed) rebuilds them all (a few milliseconds, some
 * 100 KB), and so every later request is a map lookup. Because an ETag is the hash of the
 * bytes, a change in the catalogue changes the tags of exactly the documents it changed.
 *
 * <p>Served paths, with or without a trailing slash:
 * <pre>
 *   /api                   APIVersions, or APIGroupDiscoveryList of the core group
 *   /apis                  APIGroupList, or APIGroupDiscoveryList of the other groups
 *   /api/v1                APIResourceList
 *   /apis/{group}          APIGroup
 *   /apis/{group}/{version} APIResourceList
 * </pre>
 * Thread-safe.
 */
public final class DiscoveryDocuments {

    private static final Map<String, String> VARY_ACCEPT = Map.of("Vary", "Accept");

    private final ResourceCatalogue catalogue;
    private final String serverAddress;
    private volatile Built built;

    /**
     * @param serverAddress the {@code host:port} clients reach the server at, which
     *                      {@code /api} reports in {@code serverAddressByClientCIDRs}
     */
    public DiscoveryDocuments(ResourceCatalogue catalogue, String serverAddress) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
    }

    /**
     * The document at {@code path} in the form {@code accept} asks for; empty when the path is
     * not a discovery path (a resource path such as {@code /api/v1/pods}, or a group or
     * version not served: the caller answers 404 as for any unknown path).
     *
     * @param path   the request path without query
     * @param accept the request's Accept header, or null
     * @throws dev.caravel.apiserver.api.StatusException 406 when the header accepts no form
     *                                                   the document exists in
     */
    public Optional<ServedDocument> get(String path, String accept) {
        String p = normalize(path);
        Built b = current();
        boolean root = p.equals("/api") || p.equals("/apis");
        Map<String, ServedDocument> legacy = b.legacy;
        if (!legacy.containsKey(p)) {
            return Optional.empty();
        }
        DiscoveryFormat format = DiscoveryFormat.choose(accept, root);
        return Optional.of(switch (format) {
            case LEGACY -> legacy.get(p);
            case AGGREGATED_V2 -> b.aggregatedV2.get(p);
            case AGGREGATED_V2BETA1 -> b.aggregatedV2beta1.get(p);
        });
    }

    private static String normalize(String path) {
        String p = path;
        while (p.length() > 1 && p.endsWith("/")) {
            p = p.substring(0, p.length() - 1);
        }
        return p;
    }

    private Built current() {
        ResourceCatalogue.Snapshot snapshot = catalogue.snapshot();
        Built b = built;
        if (b == null || b.generation != snapshot.generation()) {
            // Two threads may both build after a change; they build the same bytes, and the
            // last one kept is as good as the first.
            b = build(snapshot);
            built = b;
        }
        return b;
    }

    private Built build(ResourceCatalogue.Snapshot snapshot) {
        Map<String, ServedDocument> legacy = new HashMap<>();
        List<String> coreVersions = new ArrayList<>();
        List<ApiGroup> core = new ArrayList<>();
        List<ApiGroup> named = new ArrayList<>();
        for (ApiGroup g : snapshot.groups()) {
            if (g.name().isEmpty()) {
                core.add(g);
                g.versions().forEach(v -> coreVersions.add(v.groupVersion().version()));
            } else {
                named.add(g);
                legacy.put("/apis/" + g.name(), json(DiscoveryJson.apiGroup(g), Map.of()));
            }
            for (ApiGroup.Version v : g.versions()) {
                legacy.put("/" + v.groupVersion().pathPrefix(), json(DiscoveryJson.apiResourceList(v), Map.of()));
            }
        }
        legacy.put("/api", json(DiscoveryJson.apiVersions(coreVersions, serverAddress), VARY_ACCEPT));
        legacy.put("/apis", json(DiscoveryJson.apiGroupList(snapshot.groups()), VARY_ACCEPT));
        return new Built(snapshot.generation(), Map.copyOf(legacy),
                aggregated(DiscoveryFormat.AGGREGATED_V2, core, named),
                aggregated(DiscoveryFormat.AGGREGATED_V2BETA1, core, named));
    }

    private static Map<String, ServedDocument> aggregated(DiscoveryFormat format, List<ApiGroup> core,
            List<ApiGroup> named) {
        String apiVersion = format.apiVersion().orElseThrow();
        return Map.of(
                "/api", ServedDocument.json(format.contentType(),
                        DiscoveryJson.apiGroupDiscoveryList(apiVersion, core), VARY_ACCEPT),
                "/apis", ServedDocument.json(format.contentType(),
                        DiscoveryJson.apiGroupDiscoveryList(apiVersion, named), VARY_ACCEPT));
    }

    private static ServedDocument json(com.fasterxml.jackson.databind.node.ObjectNode doc, Map<String, String> headers) {
        return ServedDocument.json(DiscoveryFormat.LEGACY.contentType(), doc, headers);
    }

    /** The documents of one catalogue generation, by path. */
    private record Built(long generation, Map<String, ServedDocument> legacy,
            Map<String, ServedDocument> aggregatedV2, Map<String, ServedDocument> aggregatedV2beta1) {
    }
}
