package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.ResourceDefinition;

import java.util.List;
import java.util.OptionalLong;

/**
 * Pods: created Pending with their QoS class, deleted gracefully once scheduled, and a delete
 * answers with the pod (Kubernetes' ReturnDeletedObject).
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
     * The pod strategy's CheckGracefulDelete: the requested grace, else the pod's
     * terminationGracePeriodSeconds, else 0; but 0 for a pod never scheduled (no kubelet would
     * stop it) or already Succeeded or Failed (nothing left to stop).
     */
    @Override
    public OptionalLong gracePeriod(JsonNode pod, Long requested) {
        long period = 0;
        if (requested != null) {
            period = requested;
        } else if (pod.path("spec").path("terminationGracePeriodSeconds").isIntegralNumber()) {
            period = pod.path("spec").path("terminationGracePeriodSeconds").asLong();
        }
        String phase = pod.path("status").path("phase").asText("");
        if (pod.path("spec").path("nodeName").asText("").isEmpty() || phase.equals("Succeeded") || phase.equals("Failed")) {
            period = 0;
        }
        return OptionalLong.of(period < 0 ? 1 : period);
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
