package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.printer.ResourcePrinter;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.registry.Registry;
import dev.caravel.apiserver.registry.ResourceStrategy;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.resource.ResourceDefinition;

import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The custom resources being served: each established CRD compiled ({@link CustomResourceType}),
 * its versions in the resource catalogue, and the strategies the registry makes their stores
 * with. Changed only by the CRD controller (one thread); read by every request.
 */
final class ServedTypes {

    private final Registry registry;
    private final ResourceCatalogue catalogue;
    private final Clock clock;
    /** By CRD name: the type and the CRD fields it was compiled from (to skip recompiling the same). */
    private final Map<String, Installed> byCrd = new ConcurrentHashMap<>();
    private final Map<GroupResource, CustomResourceType> byResource = new ConcurrentHashMap<>();

    private record Installed(CustomResourceType type, JsonNode compiledFrom) {}

    ServedTypes(Registry registry, ResourceCatalogue catalogue, Clock clock) {
        this.registry = registry;
        this.catalogue = catalogue;
        this.clock = clock;
    }

    /** The strategy of a resource this package serves: the CRDs themselves, or a custom resource. */
    Optional<ResourceStrategy> strategyFor(ResourceDefinition definition) {
        if (definition.group().equals(CustomResources.GROUP) && definition.resource().equals(CustomResources.RESOURCE)) {
            return Optional.of(new CrdStrategy(definition, clock));
        }
        GroupResource resource = new GroupResource(definition.group(), definition.resource());
        if (!byResource.containsKey(resource)) {
            return Optional.empty();
        }
        return Optional.of(new CustomResourceStrategy(definition, () -> byResource.get(resource)));
    }

    /** The printer of a custom resource at the version {@code apiVersion} names, or its storage version's. */
    Optional<ResourcePrinter> printerFor(GroupResource resource, String apiVersion) {
        CustomResourceType type = byResource.get(resource);
        if (type == null) {
            return Optional.empty();
        }
        String version = apiVersion.substring(apiVersion.indexOf('/') + 1);
        return Optional.of(type.version(version).map(CustomResourceType.Served::printer).orElseGet(type::printer));
    }

    List<CustomResourceType> types() {
        return List.copyOf(byResource.values());
    }

    Set<String> crdNames() {
        return Set.copyOf(byCrd.keySet());
    }

    /**
     * Serves an established CRD, or follows its change: the versions it stopped serving leave the
     * catalogue, the others are put in it again (a new generation, so discovery and OpenAPI
     * follow). A change of the spec renews the stores (their field managers are typed by the
     * schema), which ends their watches, as the reference drops its serving info.
     *
     * @return false when nothing changed
     */
    boolean install(JsonNode crd) {
        String name = crd.path("metadata").path("name").asText();
        ObjectNode compiledFrom = CustomResources.JSON.createObjectNode();
        compiledFrom.set("spec", crd.path("spec"));
        compiledFrom.set("acceptedNames", crd.path("status").path("acceptedNames"));
        compiledFrom.put("terminating", crd.path("metadata").hasNonNull("deletionTimestamp"));
        Installed previous = byCrd.get(name);
        if (previous != null && previous.compiledFrom().equals(compiledFrom)) {
            return false;
        }
        CustomResourceType type = CustomResourceType.of(crd);
        Set<ResourceDefinition> next = new HashSet<>();
        type.served().forEach(s -> next.add(s.definition()));
        boolean specChanged = previous == null || !previous.compiledFrom().path("spec").equals(compiledFrom.path("spec"));
        // The new type first: a store made from here on is typed by the new schema.
        byCrd.put(name, new Installed(type, compiledFrom));
        byResource.put(type.groupResource(), type);
        if (previous != null) {
            GroupResource oldResource = previous.type().groupResource();
            if (!oldResource.equals(type.groupResource())) {
                byResource.remove(oldResource);
            }
            for (CustomResourceType.Served s : previous.type().served()) {
                if (!next.contains(s.definition())) {
                    catalogue.remove(s.definition().groupVersion(), s.definition().resource());
                    registry.release(s.definition());
                } else if (specChanged) {
                    registry.release(s.definition());
                }
            }
        }
        for (CustomResourceType.Served s : type.served()) {
            // The watch cache starts now, as a built-in resource's starts with the server: a client
            // that creates an object and watches from its resourceVersion must find it in the window.
            registry.store(s.definition()).reads();
            catalogue.put(s.definition());
        }
        return true;
    }

    /** Stops serving a CRD's resources; false when it was not served. */
    boolean uninstall(String crdName) {
        Installed installed = byCrd.remove(crdName);
        if (installed == null) {
            return false;
        }
        byResource.remove(installed.type().groupResource());
        for (CustomResourceType.Served s : installed.type().served()) {
            catalogue.remove(s.definition().groupVersion(), s.definition().resource());
            registry.release(s.definition());
        }
        return true;
    }

    /** A store of a served CRD's objects (every version's store reads the same keys). */
    Optional<GenericStore> storageStore(String crdName) {
        Installed installed = byCrd.get(crdName);
        if (installed == null) {
            return Optional.empty();
        }
        List<CustomResourceType.Served> versions = new ArrayList<>(installed.type().served());
        ResourceDefinition chosen = versions.stream()
                .filter(s -> s.definition().groupVersion().equals(installed.type().storageVersion()))
                .findFirst().orElse(versions.get(0)).definition();
        return Optional.of(registry.store(chosen));
    }
}
