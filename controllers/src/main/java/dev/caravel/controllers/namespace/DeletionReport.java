package dev.caravel.controllers.namespace;

import dev.caravel.controllers.client.GroupVersion;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * What one pass over a terminating namespace's content found, and the five conditions Kubernetes
 * derives from it (NamespaceDeletionDiscoveryFailure, NamespaceDeletionGroupVersionParsingFailure,
 * NamespaceDeletionContentFailure, NamespaceContentRemaining, NamespaceFinalizersRemaining), each
 * True with the reference's reason and message when the pass saw the problem and False with the
 * reference's "ok" reason and message otherwise.
 *
 * @param failedGroupVersions   group versions whose discovery failed, with why (empty when it all answered)
 * @param unparsableVersion     the first group version string that does not parse, if any
 * @param contentErrors         one message per resource whose content could not be deleted or checked
 * @param remainingByResource   {@code resource.group} to how many objects are left
 * @param remainingByFinalizer  finalizer to how many of the objects left carry it
 * @param estimateSeconds       how long the objects left are expected to take (pods' grace, finalizers)
 */
record DeletionReport(Map<GroupVersion, String> failedGroupVersions, Optional<String> unparsableVersion,
                      List<String> contentErrors, Map<String, Integer> remainingByResource,
                      Map<String, Integer> remainingByFinalizer, long estimateSeconds) {

    static final String DISCOVERY_FAILURE = "NamespaceDeletionDiscoveryFailure";
    static final String GROUP_VERSION_PARSING_FAILURE = "NamespaceDeletionGroupVersionParsingFailure";
    static final String CONTENT_FAILURE = "NamespaceDeletionContentFailure";
    static final String CONTENT_REMAINING = "NamespaceContentRemaining";
    static final String FINALIZERS_REMAINING = "NamespaceFinalizersRemaining";

    DeletionReport {
        failedGroupVersions = Map.copyOf(failedGroupVersions);
        contentErrors = List.copyOf(contentErrors);
        remainingByResource = Map.copyOf(remainingByResource);
        remainingByFinalizer = Map.copyOf(remainingByFinalizer);
    }

    /** A failure the controller retries with backoff (what the reference returns as an error). */
    boolean failed() {
        return !failedGroupVersions.isEmpty() || unparsableVersion.isPresent() || !contentErrors.isEmpty();
    }

    /** Nothing failed and nothing is left: the namespace can be finalized. */
    boolean empty() {
        return !failed() && estimateSeconds == 0 && remainingByResource.isEmpty();
    }

    /** client-go's ErrGroupDiscoveryFailed text: the failed group versions, sorted, each with its error. */
    Optional<String> discoveryError() {
        if (failedGroupVersions.isEmpty()) {
            return Optional.empty();
        }
        List<String> groups = new ArrayList<>();
        failedGroupVersions.forEach((gv, why) -> groups.add(gv + ": " + why));
        groups.sort(null);
        return Optional.of("unable to retrieve the complete list of server APIs: " + String.join(", ", groups));
    }

    /** The five conditions, in the reference's order. */
    List<NamespaceCondition> conditions() {
        List<NamespaceCondition> conditions = new ArrayList<>();
        conditions.add(discoveryError()
                .map(error -> failing(DISCOVERY_FAILURE, "DiscoveryFailed",
                        "Discovery failed for some groups, " + failedGroupVersions.size() + " failing: " + error))
                .orElseGet(() -> ok(DISCOVERY_FAILURE, "ResourcesDiscovered", "All resources successfully discovered")));
        conditions.add(unparsableVersion
                .map(gv -> failing(GROUP_VERSION_PARSING_FAILURE, "GroupVersionParsingFailed", "unexpected GroupVersion string: " + gv))
                .orElseGet(() -> ok(GROUP_VERSION_PARSING_FAILURE, "ParsedGroupVersions", "All legacy kube types successfully parsed")));
        if (contentErrors.isEmpty()) {
            conditions.add(ok(CONTENT_FAILURE, "ContentDeleted", "All content successfully deleted, may be waiting on finalization"));
        } else {
            List<String> sorted = new ArrayList<>(contentErrors);
            sorted.sort(null);
            conditions.add(failing(CONTENT_FAILURE, "ContentDeletionFailed",
                    "Failed to delete all resource types, " + sorted.size() + " remaining: " + String.join(", ", sorted)));
        }
        if (remainingByResource.isEmpty()) {
            conditions.add(ok(CONTENT_REMAINING, "ContentRemoved", "All content successfully removed"));
        } else {
            List<String> left = new ArrayList<>();
            new TreeMap<>(remainingByResource).forEach((resource, n) -> left.add(resource + " has " + n + " resource instances"));
            left.sort(null);
            conditions.add(failing(CONTENT_REMAINING, "SomeResourcesRemain", "Some resources are remaining: " + String.join(", ", left)));
        }
        if (remainingByFinalizer.isEmpty()) {
            conditions.add(ok(FINALIZERS_REMAINING, "ContentRemoved", "All content successfully removed"));
        } else {
            List<String> held = new ArrayList<>();
            new TreeMap<>(remainingByFinalizer).forEach((finalizer, n) -> held.add(finalizer + " in " + n + " resource instances"));
            held.sort(null);
            conditions.add(failing(FINALIZERS_REMAINING, "SomeFinalizerRemain", "Some finalizers are remaining: " + String.join(", ", held)));
        }
        return conditions;
    }

    /** The failing conditions' messages, one per line of a summary: what blocked the deletion and why. */
    String blockSummary() {
        List<String> parts = new ArrayList<>();
        for (NamespaceCondition c : conditions()) {
            if (c.isTrue() && !c.type().equals(CONTENT_REMAINING) && !c.type().equals(FINALIZERS_REMAINING)) {
                parts.add(c.reason() + ": " + c.message());
            }
        }
        return String.join("; ", parts);
    }

    private static NamespaceCondition failing(String type, String reason, String message) {
        return new NamespaceCondition(type, NamespaceCondition.TRUE, reason, message, null);
    }

    private static NamespaceCondition ok(String type, String reason, String message) {
        return new NamespaceCondition(type, NamespaceCondition.FALSE, reason, message, null);
    }
}
