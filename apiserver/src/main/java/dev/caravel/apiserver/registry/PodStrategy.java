package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.ResourceDefinition;

import java.util.List;

/**
 * Pods: created Pending with their QoS class, and a delete answers with the pod (Kubernetes'
 * ReturnDeletedObject).
 */
record PodStrategy(ResourceDefinition definition) implements ResourceStrategy {

    @Override
    public void prepareForCreate(ObjectNode object) {
        ResourceStrategy.super.prepareForCreate(object);
        ObjectNode status = object.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", qosClass(object.path("spec")));
    }

    @Override
    public boolean returnsDeletedObject() {
        return true;
    }

    /**
     * Kubernetes' QoS class: BestEffort when no container asks for or limits cpu or memory;
     * Guaranteed when every container limits both and asks for what it limits (or asks nothing);
     * Burstable otherwise.
     */
    static String qosClass(JsonNode spec) {
        boolean any = false;
        boolean guaranteed = true;
        for (String list : List.of("containers", "initContainers")) {
            for (JsonNode container : spec.path(list)) {
                JsonNode requests = container.path("resources").path("requests");
                JsonNode limits = container.path("resources").path("limits");
                for (String resource : List.of("cpu", "memory")) {
                    JsonNode request = requests.get(resource);
                    JsonNode limit = limits.get(resource);
                    any |= request != null || limit != null;
                    if (limit == null || (request != null && !request.asText().equals(limit.asText()))) {
                        guaranteed = false;
                    }
                }
            }
        }
        return !any ? "BestEffort" : guaranteed ? "Guaranteed" : "Burstable";
    }
}
