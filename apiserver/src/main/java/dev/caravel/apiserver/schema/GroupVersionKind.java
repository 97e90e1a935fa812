package dev.caravel.apiserver.schema;

import java.util.Objects;

/**
 * A kind in an API group and version, as written in {@code x-kubernetes-group-version-kind}.
 * The core group is the empty string, as Kubernetes writes it.
 */
public record GroupVersionKind(String group, String version, String kind) {

    public GroupVersionKind {
        Objects.requireNonNull(group, "group");
        if (version == null || version.isEmpty()) {
            throw new IllegalArgumentException("version must not be empty");
        }
        if (kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("kind must not be empty");
        }
    }

    /** From an object's {@code apiVersion} ({@code v1}, {@code apps/v1}) and {@code kind}. */
    public static GroupVersionKind of(String apiVersion, String kind) {
        Objects.requireNonNull(apiVersion, "apiVersion");
        int slash = apiVersion.indexOf('/');
        return slash < 0
                ? new GroupVersionKind("", apiVersion, kind)
                : new GroupVersionKind(apiVersion.substring(0, slash), apiVersion.substring(slash + 1), kind);
    }

    /** The {@code apiVersion} an object of this kind carries: {@code v1} or {@code apps/v1}. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion() + ", Kind=" + kind;
    }
}
