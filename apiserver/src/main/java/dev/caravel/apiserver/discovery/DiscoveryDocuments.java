package dev.caravel.apiserver.discovery;

import dev.caravel.apiserver.resource.ApiGroup;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.VersionPriority;
import dev.caravel.apiserver.resource.ResourceCatalogue;

import java.util.ArrayList;
import java.util.Comparator;
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
    private final AggregatedGroupVersions aggregated;
    private volatile Built built;

    /**
     * @param serverAddress the {@code host:port} clients reach the server at, which
     *                      {@code /api} reports in {@code serverAddressByClientCIDRs}
     */
    public DiscoveryDocuments(ResourceCatalogue catalogue, String serverAddress) {
        this(catalogue, serverAddress, AggregatedGroupVersions.NONE);
    }

    /** Discovery of the server's resources and of the group-versions {@code aggregated} names. */
    public DiscoveryDocuments(ResourceCatalogue catalogue, String serverAddress, AggregatedGroupVersions aggregated) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.serverAddress = Objects.requireNonNull(serverAddress, "serverAddress");
        this.aggregated = Objects.requireNonNull(aggregated, "aggregated");
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
        // Read before the remote group-versions: a change between the two reads rebuilds again.
        long aggregatedGeneration = aggregated.generation();
        Built b = built;
        if (b == null || b.generation != snapshot.generation() || b.aggregatedGeneration != aggregatedGeneration) {
            // Two threads may both build after a change; they build the same bytes, and the
            // last one kept is as good as the first.
            b = build(snapshot, aggregatedGeneration);
            built = b;
        }
        return b;
    }

    private Built build(ResourceCatalogue.Snapshot snapshot, long aggregatedGeneration) {
        Map<String, ServedDocument> legacy = new HashMap<>();
        List<String> coreVersions = new ArrayList<>();
        List<DiscoveredGroup> core = new ArrayList<>();
        for (ApiGroup g : snapshot.groups()) {
            if (g.name().isEmpty()) {
                core.add(DiscoveredGroup.local(g));
                g.versions().forEach(v -> coreVersions.add(v.groupVersion().version()));
            }
            for (ApiGroup.Version v : g.versions()) {
                legacy.put("/" + v.groupVersion().pathPrefix(), json(DiscoveryJson.apiResourceList(v), Map.of()));
            }
        }
        List<DiscoveredGroup> named = mergeRemote(snapshot);
        for (DiscoveredGroup g : named) {
            legacy.put("/apis/" + g.name(), json(DiscoveryJson.apiGroup(g), Map.of()));
        }
        legacy.put("/api", json(DiscoveryJson.apiVersions(coreVersions, serverAddress), VARY_ACCEPT));
        legacy.put("/apis", json(DiscoveryJson.apiGroupList(named), VARY_ACCEPT));
        return new Built(snapshot.generation(), aggregatedGeneration, Map.copyOf(legacy),
                aggregated(DiscoveryFormat.AGGREGATED_V2, core, named),
                aggregated(DiscoveryFormat.AGGREGATED_V2BETA1, core, named));
    }

    /**
     * The named groups, the server's own in the catalogue's order (kube-aggregator's priorities)
     * with the backends' group-versions merged in as kube-aggregator orders APIServices: groups by
     * their highest groupPriorityMinimum, then by name; versions by versionPriority, then by
     * Kubernetes' version order. A backend's version of a group the server serves joins that group.
     */
    private List<DiscoveredGroup> mergeRemote(ResourceCatalogue.Snapshot snapshot) {
        List<AggregatedGroupVersions.Remote> remotes = aggregated.remoteGroupVersions();
        List<DiscoveredGroup> groups = new ArrayList<>();
        Map<String, Integer> groupPriority = new HashMap<>();
        for (ApiGroup g : snapshot.groups()) {
            if (!g.name().isEmpty()) {
                groups.add(DiscoveredGroup.local(g));
                int best = 0;
                for (ApiGroup.Version v : g.versions()) {
                    best = Math.max(best, aggregated.localPriority(v.groupVersion()).group());
                }
                groupPriority.put(g.name(), best);
            }
        }
        if (remotes.isEmpty()) {
            return groups;
        }
        Map<String, List<AggregatedGroupVersions.Remote>> remoteByGroup = new java.util.TreeMap<>();
        for (AggregatedGroupVersions.Remote r : remotes) {
            if (!r.groupVersion().group().isEmpty()) {
                remoteByGroup.computeIfAbsent(r.groupVersion().group(), k -> new ArrayList<>()).add(r);
            }
        }
        for (Map.Entry<String, List<AggregatedGroupVersions.Remote>> e : remoteByGroup.entrySet()) {
            String name = e.getKey();
            int index = -1;
            for (int i = 0; i < groups.size(); i++) {
                if (groups.get(i).name().equals(name)) {
                    index = i;
                }
            }
            List<DiscoveredGroup.Version> versions = new ArrayList<>();
            Map<GroupVersion, Integer> versionPriority = new HashMap<>();
            int best = 0;
            if (index >= 0) {
                for (DiscoveredGroup.Version v : groups.get(index).versions()) {
                    versions.add(v);
                    versionPriority.put(v.groupVersion(), aggregated.localPriority(v.groupVersion()).version());
                }
                best = groupPriority.get(name);
                groups.remove(index);
            }
            for (AggregatedGroupVersions.Remote r : e.getValue()) {
                versions.removeIf(v -> v.groupVersion().equals(r.groupVersion()));
                versions.add(new DiscoveredGroup.Version(r.groupVersion(), null, r));
                versionPriority.put(r.groupVersion(), r.priority().version());
                best = Math.max(best, r.priority().group());
            }
            versions.sort(Comparator.comparingInt((DiscoveredGroup.Version v) -> -versionPriority.get(v.groupVersion()))
                    .thenComparing(v -> v.groupVersion().version(), VersionPriority.ORDER));
            DiscoveredGroup merged = new DiscoveredGroup(name, versions);
            int at = groups.size();
            for (int i = 0; i < groups.size(); i++) {
                int other = groupPriority.getOrDefault(groups.get(i).name(), 0);
                if (other < best || (other == best && groups.get(i).name().compareTo(name) > 0)) {
                    at = i;
                    break;
                }
            }
            groups.add(at, merged);
            groupPriority.put(name, best);
        }
        return groups;
    }

    private static Map<String, ServedDocument> aggregated(DiscoveryFormat format, List<DiscoveredGroup> core,
            List<DiscoveredGroup> named) {
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
    private record Built(long generation, long aggregatedGeneration, Map<String, ServedDocument> legacy,
            Map<String, ServedDocument> aggregatedV2, Map<String, ServedDocument> aggregatedV2beta1) {
    }
}
