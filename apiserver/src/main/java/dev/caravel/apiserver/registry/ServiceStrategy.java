package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.resource.ResourceDefinition;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Services, after Kubernetes' service REST and its ipallocator: a cluster IP from 10.96.0.0/12
 * unless headless ({@code None}) or ExternalName, single-stack IPv4, and node ports for NodePort
 * and LoadBalancer Services. What a Service holds is written and freed with it through
 * {@link #reservations}; see {@link ServiceAllocator} for why.
 */
record ServiceStrategy(ResourceDefinition definition, ServiceAllocator allocator) implements ResourceStrategy {

    @Override
    public void prepareForCreate(ObjectNode service) {
        ResourceStrategy.super.prepareForCreate(service);
        ObjectNode spec = service.withObjectProperty("spec");
        String type = spec.path("type").asText("ClusterIP");
        String name = StoredObjects.text(service, "metadata", "name");
        if (type.equals("ExternalName")) {
            spec.remove(List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy"));
            return;
        }
        List<FieldError> errors = new ArrayList<>();
        assignClusterIp(service, spec, name, errors);
        if (type.equals("NodePort") || type.equals("LoadBalancer")) {
            assignNodePorts(spec, errors);
        }
        if (!errors.isEmpty()) {
            throw StatusException.invalid(new GroupKind("", "Service"), name, errors);
        }
    }

    private void assignClusterIp(ObjectNode service, ObjectNode spec, String name, List<FieldError> errors) {
        String requested = spec.path("clusterIP").asText("");
        if (requested.isEmpty() && spec.path("clusterIPs").size() > 0) {
            requested = spec.path("clusterIPs").get(0).asText("");
        }
        String ip;
        if (requested.equals("None")) {
            ip = "None";
        } else if (requested.isEmpty()) {
            boolean apiService = name.equals("kubernetes")
                    && StoredObjects.text(service, "metadata", "namespace").equals("default");
            ip = apiService && !allocator.ipTaken(ServiceAllocator.KUBERNETES_SERVICE_IP)
                    ? ServiceAllocator.KUBERNETES_SERVICE_IP : allocator.freeIp();
            if (ip == null) {
                throw StatusException.internalError("failed to allocate a serviceIP: range is full");
            }
        } else {
            ip = requested;
            FieldError.GoLiteral shown = new FieldError.GoLiteral("[]string{\"" + requested + "\"}");
            if (ServiceAllocator.parse(requested) < 0) {
                return; // not an IP at all: validation says so
            }
            if (!ServiceAllocator.inRange(requested)) {
                errors.add(FieldError.invalid(FieldPath.of("spec").child("clusterIPs"), shown,
                        "failed to allocate IP " + requested + ": the provided IP (" + requested
                                + ") is not in the valid range. The range of valid IPs is " + ServiceAllocator.RANGE));
                return;
            }
            if (allocator.ipTaken(requested)) {
                errors.add(FieldError.invalid(FieldPath.of("spec").child("clusterIPs"), shown,
                        "failed to allocate IP " + requested + ": provided IP is already allocated"));
                return;
            }
        }
        spec.put("clusterIP", ip);
        spec.putArray("clusterIPs").add(ip);
        if (!spec.has("ipFamilyPolicy")) {
            spec.put("ipFamilyPolicy", "SingleStack");
        }
        if (!spec.has("ipFamilies")) {
            spec.putArray("ipFamilies").add("IPv4");
        }
    }

    private void assignNodePorts(ObjectNode spec, List<FieldError> errors) {
        Set<Long> held = new HashSet<>();
        JsonNode ports = spec.path("ports");
        for (int i = 0; i < ports.size(); i++) {
            long requested = ports.get(i).path("nodePort").asLong(0);
            if (requested == 0) {
                continue;
            }
            FieldPath at = FieldPath.of("spec").child("ports").index(i).child("nodePort");
            if (requested < ServiceAllocator.NODE_PORT_MIN || requested > ServiceAllocator.NODE_PORT_MAX) {
                errors.add(FieldError.invalid(at, requested, "provided port is not in the valid range. The range of valid ports is "
                        + ServiceAllocator.NODE_PORT_MIN + "-" + ServiceAllocator.NODE_PORT_MAX));
            } else if (!held.add(requested) || allocator.nodePortTaken(requested)) {
                errors.add(FieldError.invalid(at, requested, "provided port is already allocated"));
            }
        }
        for (JsonNode port : ports) {
            if (port instanceof ObjectNode p && p.path("nodePort").asLong(0) == 0) {
                int free = allocator.freeNodePort(held);
                if (free < 0) {
                    throw StatusException.internalError("failed to allocate a nodePort: range is full");
                }
                held.add((long) free);
                p.put("nodePort", free);
            }
        }
    }

    /** An update that leaves out the cluster IP or a node port keeps the allocated one (Kubernetes' patchAllocatedValues). */
    @Override
    public void prepareForUpdate(ObjectNode service, ObjectNode old) {
        ResourceStrategy.super.prepareForUpdate(service, old);
        ObjectNode spec = service.withObjectProperty("spec");
        JsonNode oldSpec = old.path("spec");
        for (String field : List.of("clusterIP", "clusterIPs", "ipFamilies", "ipFamilyPolicy")) {
            if (!spec.hasNonNull(field) && oldSpec.has(field) && spec.path("type").asText("ClusterIP")
                    .equals(oldSpec.path("type").asText("ClusterIP"))) {
                spec.set(field, oldSpec.get(field).deepCopy());
            }
        }
        JsonNode oldPorts = oldSpec.path("ports");
        for (JsonNode port : spec.path("ports")) {
            if (port instanceof ObjectNode p && p.path("nodePort").asLong(0) == 0) {
                for (JsonNode oldPort : oldPorts) {
                    if (oldPort.path("port").equals(p.path("port")) && oldPort.path("protocol").equals(p.path("protocol"))
                            && oldPort.has("nodePort")) {
                        p.set("nodePort", oldPort.get("nodePort"));
                    }
                }
            }
        }
    }

    @Override
    public List<String> reservations(JsonNode service) {
        Set<String> keys = new java.util.LinkedHashSet<>();
        JsonNode spec = service.path("spec");
        for (JsonNode ip : spec.path("clusterIPs")) {
            if (ServiceAllocator.parse(ip.asText()) >= 0) {
                keys.add(ServiceAllocator.IP_PREFIX + ip.asText());
            }
        }
        for (JsonNode port : spec.path("ports")) {
            long nodePort = port.path("nodePort").asLong(0);
            if (nodePort != 0) {
                keys.add(ServiceAllocator.NODE_PORT_PREFIX + nodePort);
            }
        }
        return List.copyOf(keys);
    }
}
