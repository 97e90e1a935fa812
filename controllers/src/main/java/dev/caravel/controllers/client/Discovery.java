package dev.caravel.controllers.client;

import java.util.List;
import java.util.Map;

/**
 * What discovery found: the resources of every group version that answered, and the group
 * versions that did not (with why). A partial answer is still an answer: callers act on what was
 * found and decide themselves what the failures mean.
 */
public record Discovery(List<ApiResource> resources, Map<GroupVersion, String> failures) {

    public Discovery {
        resources = List.copyOf(resources);
        failures = Map.copyOf(failures);
    }

    public boolean complete() {
        return failures.isEmpty();
    }
}
