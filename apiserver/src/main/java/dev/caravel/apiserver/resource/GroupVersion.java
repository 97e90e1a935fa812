package dev.caravel.apiserver.resource;

import java.util.Objects;

/** An API group and version; the core group is the empty string, as Kubernetes writes it. */
public record GroupVersion(String group, String version) {

    public GroupVersion {
        Objects.requireNonNull(group, "group");
        if (version == null || version.isEmpty()) {
            throw new IllegalArgumentException("version must not be empty");
        }
    }

    /** From an {@code apiVersion}: {@code v1} or {@code apps/v1}. */
    public static GroupVersion parse(String apiVersion) {
        int slash = apiVersion.indexOf('/');
        return slash < 0
                ? new GroupVersion("", apiVersion)
                : new GroupVersion(apiVersion.substring(0, slash), apiVersion.substring(slash + 1));
    }

    /** {@code v1} or {@code apps/v1}, as objects and discovery documents write it. */
    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /** The URL path this group-version is served under, without leading slash: {@code api/v1}, {@code apis/apps/v1}. */
    public String pathPrefix() {
        return group.isEmpty() ? "api/" + version : "apis/" + group + "/" + version;
    }

    @Override
    public String toString() {
        return apiVersion();
    }
}
