package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.cache.WatchCache;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.storage.KeyValueStore;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * The stores of the served resources, one {@link GenericStore} per resource and group-version,
 * made on first use from the catalogue.
 */
public final class Registry implements AutoCloseable {

    /** The namespaces every cluster has from its start. */
    public static final List<String> SYSTEM_NAMESPACES = List.of("default", "kube-system", "kube-public", "kube-node-lease");

    private final KeyValueStore kv;
    private final ResourceCatalogue catalogue;
    private final ObjectValidator validator;
    private final Clock clock;
    private final boolean consistentListFromCache;
    private final WatchCache.Config cacheConfig;
    private final Map<ResourceDefinition, GenericStore> stores = new ConcurrentHashMap<>();
    /** Strategies of resources Kubernetes' built-in list does not know (CRDs and custom resources). */
    private final List<Function<ResourceDefinition, Optional<ResourceStrategy>>> strategyProviders =
            new CopyOnWriteArrayList<>();

    public Registry(KeyValueStore kv, ResourceCatalogue catalogue, ObjectValidator validator, Clock clock) {
        this(kv, catalogue, validator, clock, true, WatchCache.Config.defaults());
    }

    /**
     * @param consistentListFromCache whether lists without a resourceVersion are served from the
     *                                watch caches (Kubernetes 1.31+), or from storage
     * @param cacheConfig             the watch caches' sizes and intervals
     */
    public Registry(KeyValueStore kv, ResourceCatalogue catalogue, ObjectValidator validator, Clock clock,
                    boolean consistentListFromCache, WatchCache.Config cacheConfig) {
        this.kv = kv;
        this.catalogue = catalogue;
        this.validator = validator;
        this.clock = clock;
        this.consistentListFromCache = consistentListFromCache;
        this.cacheConfig = cacheConfig;
    }

    public ResourceCatalogue catalogue() {
        return catalogue;
    }

    public KeyValueStore kv() {
        return kv;
    }

    /** The store of a stored resource. */
    public GenericStore store(ResourceDefinition definition) {
        if (definition.storageVersion() == null) {
            throw StatusException.internalError("resource " + definition.resource() + " has no storage");
        }
        return stores.computeIfAbsent(definition,
                d -> new GenericStore(kv, strategyOf(d), validator, clock, consistentListFromCache, cacheConfig));
    }

    /**
     * Adds a source of strategies, asked before the built-in ones for each resource whose store is
     * made from then on: how the apiextensions package serves CRDs and custom resources.
     */
    public void addStrategies(Function<ResourceDefinition, Optional<ResourceStrategy>> provider) {
        strategyProviders.add(provider);
    }

    /**
     * Forgets the store of a resource no longer served (a CRD deleted, or a version it stopped
     * serving), stopping its watch cache so its watchers end. Its objects stay in storage.
     */
    public void release(ResourceDefinition definition) {
        GenericStore store = stores.remove(definition);
        if (store != null) {
            store.closeCache();
        }
    }

    /**
     * Starts the watch cache of every stored resource, as kube-apiserver does at its start: a
     * client that wrote an object can then watch from its resourceVersion, which a cache started
     * later would already have left behind.
     */
    public void startWatchCaches() {
        for (ResourceDefinition definition : catalogue.snapshot().resources()) {
            if (definition.storageVersion() != null) {
                store(definition).reads();
            }
        }
    }

    /** Stops every watch cache; their watchers end. The store stays open. */
    @Override
    public void close() {
        stores.values().forEach(GenericStore::closeCache);
    }

    /** The store of a stored built-in resource, e.g. core v1 {@code pods}. */
    public GenericStore store(dev.caravel.apiserver.resource.GroupVersion groupVersion, String resource) {
        return store(catalogue.snapshot().resource(groupVersion, resource)
                .orElseThrow(() -> StatusException.internalError("resource " + resource + " is not served in " + groupVersion)));
    }

    /** The store of a core v1 resource ({@code pods}, {@code serviceaccounts}...). */
    public GenericStore coreStore(String resource) {
        return store(new dev.caravel.apiserver.resource.GroupVersion("", "v1"), resource);
    }

    /** Services need the store to find free cluster IPs and node ports; the rest come from {@link ResourceStrategy#of}. */
    private ResourceStrategy strategyOf(ResourceDefinition definition) {
        for (Function<ResourceDefinition, Optional<ResourceStrategy>> provider : strategyProviders) {
            Optional<ResourceStrategy> strategy = provider.apply(definition);
            if (strategy.isPresent()) {
                return strategy.get();
            }
        }
        if (definition.group().isEmpty() && definition.resource().equals("services")) {
            return new ServiceStrategy(definition, new ServiceAllocator(kv));
        }
        return ResourceStrategy.of(definition);
    }

    /** Creates the system namespaces that are missing, as Kubernetes' bootstrap controller does. */
    public void createSystemNamespaces() {
        ResourceDefinition namespaces = catalogue.snapshot().groupVersion(new dev.caravel.apiserver.resource.GroupVersion("", "v1"))
                .flatMap(v -> catalogue.snapshot().resource(new dev.caravel.apiserver.resource.GroupVersion("", "v1"), "namespaces"))
                .orElseThrow();
        GenericStore store = store(namespaces);
        for (String name : SYSTEM_NAMESPACES) {
            ObjectNode ns = StoredObjects.JSON.createObjectNode();
            ns.putObject("metadata").put("name", name);
            try {
                store.create("", ns, false, GenericStore.Manager.update("kube-apiserver"));
            } catch (StatusException e) {
                if (e.code() != 409) {
                    throw e;
                }
            }
        }
    }
}
