package dev.caravel.apiserver.resource;

import java.util.List;

/**
 * A served API group: its versions, preferred first, each with its resources sorted by name.
 * The core group is named "" and served under {@code /api}.
 */
public record ApiGroup(String name, List<Version> versions) {

    public ApiGroup {
        if (versions.isEmpty()) {
            throw new IllegalArgumentException("group " + name + " has no version");
        }
        versions = List.copyOf(versions);
    }

    /** One version of the group and the resources it serves, sorted by name. */
    public record Version(GroupVersion groupVersion, List<ResourceDefinition> resources) {

        public Version {
            resources = List.copyOf(resources);
        }
    }

    public Version preferredVersion() {
        return versions.get(0);
    }
}
