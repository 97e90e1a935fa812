package dev.caravel.apiserver.registry;

import dev.caravel.apiserver.resource.ResourceDefinition;

/** Where a resource's objects live in the key space; see the package documentation. */
public final class StorageKeys {

    static final String ROOT = "/registry/";

    private final String resourcePrefix;
    private final boolean namespaced;

    StorageKeys(ResourceDefinition definition) {
        String group = definition.group();
        this.resourcePrefix = ROOT + (group.isEmpty() ? "" : group + "/") + definition.resource() + "/";
        this.namespaced = definition.namespaced();
    }

    /** The key of one object; {@code namespace} is ignored for cluster-scoped resources. */
    public String key(String namespace, String name) {
        return namespaced ? resourcePrefix + namespace + "/" + name : resourcePrefix + name;
    }

    /** The prefix of every object in {@code namespace}, or of every object when it is empty. */
    public String prefix(String namespace) {
        return namespaced && !namespace.isEmpty() ? resourcePrefix + namespace + "/" : resourcePrefix;
    }
}
