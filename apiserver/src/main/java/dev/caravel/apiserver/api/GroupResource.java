package dev.caravel.apiserver.api;

import java.util.Objects;

/**
 * A resource qualified by its API group, schema.GroupResource. {@link #toString()} is the form
 * Kubernetes puts in error messages: {@code pods} for the core group, {@code deployments.apps}
 * otherwise.
 */
public record GroupResource(String group, String resource) {

    public GroupResource {
        group = group == null ? "" : group;
        Objects.requireNonNull(resource, "resource");
    }

    public static GroupResource core(String resource) {
        return new GroupResource("", resource);
    }

    public boolean isEmpty() {
        return group.isEmpty() && resource.isEmpty();
    }

    @Override
    public String toString() {
        return group.isEmpty() ? resource : resource + "." + group;
    }
}
