package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.ResourceDefinition;

/** Pods: created Pending, and a delete answers with the pod (Kubernetes' ReturnDeletedObject). */
record PodStrategy(ResourceDefinition definition) implements ResourceStrategy {

    @Override
    public void prepareForCreate(ObjectNode object) {
        ResourceStrategy.super.prepareForCreate(object);
        ObjectNode status = object.putObject("status");
        status.put("phase", "Pending");
        status.put("qosClass", "BestEffort");
    }

    @Override
    public boolean returnsDeletedObject() {
        return true;
    }
}
