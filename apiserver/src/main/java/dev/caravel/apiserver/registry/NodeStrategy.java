package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.ResourceDefinition;

/**
 * Nodes: unlike most kinds with a status subresource, a node keeps the status it is created with,
 * as Kubernetes' node strategy does: a kubelet registers its node with its capacity, allocatable
 * resources and addresses in one create, and {@code kubectl top nodes} reads that allocatable.
 * Later writes follow the status subresource's rules.
 */
record NodeStrategy(ResourceDefinition definition) implements ResourceStrategy {

    @Override
    public void prepareForCreate(ObjectNode object) {
        // Every field, status included, may be set on create.
    }
}
