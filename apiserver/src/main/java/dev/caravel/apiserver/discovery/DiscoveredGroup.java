package dev.caravel.apiserver.discovery;

import dev.caravel.apiserver.resource.ApiGroup;
import dev.caravel.apiserver.resource.GroupVersion;

import java.util.List;

/**
 * A group as discovery shows it: the versions the server serves itself and those a backend
 * serves through an APIService, merged, preferred first.
 */
record DiscoveredGroup(String name, List<Version> versions) {

    DiscoveredGroup {
        versions = List.copyOf(versions);
    }

    /** Exactly one of {@code local} and {@code remote} is set. */
    record Version(GroupVersion groupVersion, ApiGroup.Version local, AggregatedGroupVersions.Remote remote) {
    }

    static DiscoveredGroup local(ApiGroup group) {
        return new DiscoveredGroup(group.name(),
                group.versions().stream().map(v -> new Version(v.groupVersion(), v, null)).toList());
    }
}
