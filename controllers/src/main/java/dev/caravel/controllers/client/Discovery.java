package dev.caravel.controllers.client;

import java.util.List;
import java.util.Map;

/**
 * What discovery found: the resources of every group version that answered (each group/resource
 * once, in its group's preferred version when that version serves it), the group versions that did
 * not answer or were marked stale (with why, as client-go words it), and the group version strings
 * that do not parse. A partial answer is still an answer: callers act on what was found and decide
 * themselves what the failures mean.
 *
 * @param failures            group version to the reason its discovery failed
 * @param unparsableVersions  group version strings with more than one slash ("unexpected GroupVersion string")
 */
public record Discovery(List<ApiResource> resources, Map<GroupVersion, String> failures, List<String> unparsableVersions) {

    public Discovery {
        resources = List.copyOf(resources);
        failures = Map.copyOf(failures);
        unparsableVersions = List.copyOf(unparsableVersions);
    }

    public Discovery(List<ApiResource> resources, Map<GroupVersion, String> failures) {
        this(resources, failures, List.of());
    }

    public boolean complete() {
        return failures.isEmpty() && unparsableVersions.isEmpty();
    }
}
