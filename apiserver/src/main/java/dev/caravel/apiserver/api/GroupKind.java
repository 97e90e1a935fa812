package dev.caravel.apiserver.api;

import java.util.Objects;

/**
 * A kind qualified by its API group, schema.GroupKind. {@link #toString()} is the form of
 * Kubernetes' Invalid messages: {@code Pod} for the core group, {@code Deployment.apps} otherwise.
 */
public record GroupKind(String group, String kind) {

    /** The group of meta.k8s.io options types (ListOptions, DeleteOptions...), as their errors name it. */
    public static final String META_GROUP = "meta.k8s.io";

    public GroupKind {
        group = group == null ? "" : group;
        Objects.requireNonNull(kind, "kind");
    }

    public static GroupKind core(String kind) {
        return new GroupKind("", kind);
    }

    @Override
    public String toString() {
        return group.isEmpty() ? kind : kind + "." + group;
    }
}
