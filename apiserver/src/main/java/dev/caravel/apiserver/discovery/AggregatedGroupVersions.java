package dev.caravel.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.GroupVersion;

import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The group-versions other servers serve through this one (APIServices with a service), for
 * discovery to merge with the resources the server serves itself, as kube-aggregator's
 * discovery does. Implemented by the aggregation package; {@link #NONE} when there is none.
 */
public interface AggregatedGroupVersions {

    /** Changes whenever {@link #remoteGroupVersions()} would answer differently: discovery rebuilds then. */
    long generation();

    /** Every group-version served by a backend, with what its discovery last said. */
    List<Remote> remoteGroupVersions();

    /** The priorities of a group-version the server serves itself (those of its local APIService). */
    Priority localPriority(GroupVersion groupVersion);

    /** An APIService's groupPriorityMinimum and versionPriority: higher first. */
    record Priority(int group, int version) {
    }

    /**
     * A backend's group-version.
     *
     * @param resourceList the backend's APIResourceList as last fetched; empty when it never answered
     * @param stale        whether the last fetch failed (or the APIService is unavailable): the
     *                     aggregated discovery marks the version {@code freshness: Stale}
     */
    record Remote(GroupVersion groupVersion, Priority priority, Optional<ObjectNode> resourceList, boolean stale) {
        public Remote {
            Objects.requireNonNull(groupVersion, "groupVersion");
            Objects.requireNonNull(priority, "priority");
            Objects.requireNonNull(resourceList, "resourceList");
        }
    }

    /** No aggregated API: discovery shows the server's own resources only. */
    AggregatedGroupVersions NONE = new AggregatedGroupVersions() {
        @Override
        public long generation() {
            return 0;
        }

        @Override
        public List<Remote> remoteGroupVersions() {
            return List.of();
        }

        @Override
        public Priority localPriority(GroupVersion groupVersion) {
            return new Priority(1000, 100);
        }
    };
}
