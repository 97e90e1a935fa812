package dev.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * The resources the API server serves: the built-in ones, and later those that
 * CustomResourceDefinitions add and remove while the server runs.
 *
 * <p>Readers take a {@link Snapshot}: immutable, numbered by a generation that grows with each
 * change. Whoever derives something from the catalogue (discovery documents, OpenAPI, the
 * REST mapping) keeps the generation it derived from and derives again when
 * {@link #snapshot()} has moved on, or subscribes with {@link #subscribe}. Changes are
 * serialized by the catalogue's monitor and listeners are called under it, in change order,
 * each with the snapshot the change produced: a listener must not block or call back into
 * {@link #put} or {@link #remove}.
 *
 * <p>Why: {@code docs/decisions/0012-discovery-and-openapi.md}.
 */
public final class ResourceCatalogue {

    /** The data file naming the built-in resources served and what OpenAPI does not say of them. */
    static final String BUILT_IN_RESOURCE = "/dev/caravel/apiserver/resource/built-in-resources.json";

    /**
     * Group and version order of the built-in groups (kube-aggregator's priorities). Groups not
     * named come after them by name, as Kubernetes orders CRD groups (all of equal priority).
     */
    private final List<String> builtInGroupOrder;
    private final Map<String, List<String>> builtInVersionOrder;
    private final CopyOnWriteArrayList<Consumer<Snapshot>> listeners = new CopyOnWriteArrayList<>();

    /** Guarded by this: the definitions by group-version and resource; replaced, never mutated. */
    private Map<GroupVersion, Map<String, ResourceDefinition>> definitions;
    private volatile Snapshot snapshot;

    private ResourceCatalogue(List<String> groupOrder, Map<String, List<String>> versionOrder,
            Collection<ResourceDefinition> initial) {
        this.builtInGroupOrder = List.copyOf(groupOrder);
        this.builtInVersionOrder = Map.copyOf(versionOrder);
        this.definitions = new HashMap<>();
        for (ResourceDefinition d : initial) {
            definitions.computeIfAbsent(d.groupVersion(), gv -> new TreeMap<>()).put(d.resource(), d);
        }
        this.snapshot = build(1);
    }

    /**
     * A new catalogue holding Kubernetes' built-in resources as Caravel serves them, read from
     * {@link SchemaCatalogue#kubernetes()}'s paths and {@value #BUILT_IN_RESOURCE}. Each call
     * gives a catalogue of its own, so one server's CRDs are not seen by another in the same JVM.
     */
    public static ResourceCatalogue builtIn() {
        try (InputStream in = ResourceCatalogue.class.getResourceAsStream(BUILT_IN_RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + BUILT_IN_RESOURCE + " is missing");
            }
            return load(SchemaCatalogue.kubernetes(), in.readAllBytes());
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + BUILT_IN_RESOURCE, e);
        }
    }

    /**
     * A catalogue of the resources {@code dataFile} names, with kind, scope, verbs and
     * subresources read from the paths of {@code schemas}' document.
     *
     * @throws IllegalArgumentException when the data file names a resource the paths lack
     */
    static ResourceCatalogue load(SchemaCatalogue schemas, byte[] dataFile) throws IOException {
        JsonNode data = JsonTrees.read(dataFile);
        JsonNode pathsNode = schemas.section("paths")
                .orElseThrow(() -> new IllegalArgumentException("the OpenAPI document has no paths"));
        OpenApiPaths paths = OpenApiPaths.read(pathsNode);

        List<String> groupOrder = new ArrayList<>();
        Map<String, List<String>> versionOrder = new HashMap<>();
        for (JsonNode g : data.path("groups")) {
            String name = g.path("name").asText();
            groupOrder.add(name);
            List<String> versions = new ArrayList<>();
            g.path("versions").forEach(v -> versions.add(v.asText()));
            versionOrder.put(name, versions);
        }

        List<ResourceDefinition> resources = new ArrayList<>();
        for (JsonNode r : data.path("resources")) {
            resources.add(definition(paths, r));
        }
        return new ResourceCatalogue(groupOrder, versionOrder, resources);
    }

    private static ResourceDefinition definition(OpenApiPaths paths, JsonNode entry) {
        GroupVersion gv = GroupVersion.parse(entry.path("apiVersion").asText());
        String resource = entry.path("resource").asText();
        OpenApiPaths.Facts facts = paths.facts(gv, resource).orElseThrow(() -> new IllegalArgumentException(
                "the OpenAPI document has no paths for " + resource + " in " + gv));
        if (facts.kind == null) {
            throw new IllegalArgumentException("no operation on " + resource + " in " + gv + " names its kind");
        }
        List<String> omitted = strings(entry.path("omitSubresources"));
        List<SubresourceDefinition> subresources = new ArrayList<>();
        facts.subresources.forEach((name, s) -> {
            if (!omitted.contains(name) && s.kind != null && !s.verbs.isEmpty()) {
                subresources.add(new SubresourceDefinition(name, s.kind, List.copyOf(s.verbs)));
            }
        });
        for (String name : omitted) {
            if (!facts.subresources.containsKey(name)) {
                throw new IllegalArgumentException("cannot leave out " + resource + "/" + name + ": no such subresource");
            }
        }
        GroupVersion storage = null;
        if (entry.hasNonNull("storageVersion")) {
            storage = GroupVersion.parse(entry.get("storageVersion").asText());
        } else if (facts.verbs.contains("get") || facts.verbs.contains("list")) {
            storage = gv;
        }
        return new ResourceDefinition(gv, resource, entry.path("singular").asText(null), facts.kind.kind(),
                facts.namespaced, List.copyOf(facts.verbs), strings(entry.path("shortNames")),
                strings(entry.path("categories")), subresources, storage);
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /** The current resources. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** Adds or replaces a resource (a CRD becoming established, or changing). */
    public synchronized Snapshot put(ResourceDefinition definition) {
        Objects.requireNonNull(definition, "definition");
        Map<GroupVersion, Map<String, ResourceDefinition>> next = copy();
        next.computeIfAbsent(definition.groupVersion(), gv -> new TreeMap<>()).put(definition.resource(), definition);
        return publishLocked(next);
    }

    /** Removes a resource (a CRD deleted, or a version it no longer serves); false when absent. */
    public synchronized boolean remove(GroupVersion groupVersion, String resource) {
        Map<String, ResourceDefinition> served = definitions.get(groupVersion);
        if (served == null || !served.containsKey(resource)) {
            return false;
        }
        Map<GroupVersion, Map<String, ResourceDefinition>> next = copy();
        next.get(groupVersion).remove(resource);
        if (next.get(groupVersion).isEmpty()) {
            next.remove(groupVersion);
        }
        publishLocked(next);
        return true;
    }

    /**
     * Calls {@code listener} with every snapshot a later change produces, until the returned
     * handle is closed.
     */
    public AutoCloseable subscribe(Consumer<Snapshot> listener) {
        Objects.requireNonNull(listener, "listener");
        listeners.add(listener);
        return () -> listeners.remove(listener);
    }

    private Map<GroupVersion, Map<String, ResourceDefinition>> copy() {
        Map<GroupVersion, Map<String, ResourceDefinition>> next = new HashMap<>();
        definitions.forEach((gv, byName) -> next.put(gv, new TreeMap<>(byName)));
        return next;
    }

    private Snapshot publishLocked(Map<GroupVersion, Map<String, ResourceDefinition>> next) {
        definitions = next;
        Snapshot s = build(snapshot.generation() + 1);
        snapshot = s;
        for (Consumer<Snapshot> listener : listeners) {
            listener.accept(s);
        }
        return s;
    }

    private Snapshot build(long generation) {
        Map<String, List<GroupVersion>> versionsByGroup = new HashMap<>();
        for (GroupVersion gv : definitions.keySet()) {
            versionsByGroup.computeIfAbsent(gv.group(), g -> new ArrayList<>()).add(gv);
        }
        List<String> groupNames = new ArrayList<>(versionsByGroup.keySet());
        groupNames.sort(Comparator.comparingInt((String g) -> {
            int rank = builtInGroupOrder.indexOf(g);
            return rank < 0 ? Integer.MAX_VALUE : rank;
        }).thenComparing(Comparator.naturalOrder()));
        List<ApiGroup> groups = new ArrayList<>();
        for (String name : groupNames) {
            List<String> preferred = builtInVersionOrder.getOrDefault(name, List.of());
            List<GroupVersion> gvs = versionsByGroup.get(name);
            gvs.sort(Comparator.comparingInt((GroupVersion gv) -> {
                int rank = preferred.indexOf(gv.version());
                return rank < 0 ? Integer.MAX_VALUE : rank;
            }).thenComparing(GroupVersion::version, VersionPriority.ORDER));
            List<ApiGroup.Version> versions = new ArrayList<>();
            for (GroupVersion gv : gvs) {
                versions.add(new ApiGroup.Version(gv, List.copyOf(definitions.get(gv).values())));
            }
            groups.add(new ApiGroup(name, versions));
        }
        return new Snapshot(generation, groups);
    }

    /**
     * The served resources at one moment: groups in discovery's order (core first, then
     * kube-aggregator's priorities, then the rest by name), versions preferred first, resources
     * by name. Immutable.
     */
    public record Snapshot(long generation, List<ApiGroup> groups) {

        public Snapshot {
            groups = List.copyOf(groups);
        }

        public Optional<ApiGroup> group(String name) {
            return groups.stream().filter(g -> g.name().equals(name)).findFirst();
        }

        /** The resources of one group-version, by name; empty when it is not served. */
        public Optional<ApiGroup.Version> groupVersion(GroupVersion groupVersion) {
            return group(groupVersion.group()).flatMap(g -> g.versions().stream()
                    .filter(v -> v.groupVersion().equals(groupVersion)).findFirst());
        }

        public Optional<ResourceDefinition> resource(GroupVersion groupVersion, String resource) {
            return groupVersion(groupVersion).flatMap(v -> v.resources().stream()
                    .filter(r -> r.resource().equals(resource)).findFirst());
        }

        /** The resource serving a kind; several may (core and events.k8s.io events differ by group). */
        public Optional<ResourceDefinition> resourceFor(GroupVersionKind kind) {
            return groupVersion(new GroupVersion(kind.group(), kind.version())).flatMap(v -> v.resources().stream()
                    .filter(r -> r.kind().equals(kind.kind())).findFirst());
        }

        /** Every served resource, groups in order. */
        public List<ResourceDefinition> resources() {
            List<ResourceDefinition> all = new ArrayList<>();
            for (ApiGroup g : groups) {
                for (ApiGroup.Version v : g.versions()) {
                    all.addAll(v.resources());
                }
            }
            return all;
        }

        /** Every served group-version, groups in order, versions preferred first. */
        public List<GroupVersion> groupVersions() {
            List<GroupVersion> all = new ArrayList<>();
            for (ApiGroup g : groups) {
                g.versions().forEach(v -> all.add(v.groupVersion()));
            }
            return all;
        }
    }
}
