package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.registry.Registry;
import dev.caravel.apiserver.request.ListOptions;
import dev.caravel.apiserver.resource.GroupVersion;

import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Finds where an APIService's service is served: the Service must exist and, for a cluster-IP
 * service, list the port the APIService names; its Endpoints (or, without them, its
 * EndpointSlices) must hold a ready address with that port's name; the request goes to one such
 * address, picked at random, on the endpoint's port (the service's target port). Caravel runs no
 * kube-proxy, so this is kube-aggregator's endpoint routing ({@code --enable-aggregator-routing}),
 * never the cluster IP. An ExternalName service is reached at its external name.
 *
 * <p>Reads the server's own stores (the aggregator is part of the server, as in kube-apiserver).
 */
final class ServiceResolver {

    private static final GroupVersion DISCOVERY_V1 = new GroupVersion("discovery.k8s.io", "v1");
    private static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final Registry registry;

    ServiceResolver(Registry registry) {
        this.registry = registry;
    }

    /** Where the service is reached, or why it cannot be, as the Available condition says it. */
    sealed interface Resolution {
    }

    /** The backend addresses ({@code https://10.0.0.7:6443}), one per ready endpoint. */
    record Reached(List<URI> bases) implements Resolution {
        Reached {
            bases = List.copyOf(bases);
            if (bases.isEmpty()) {
                throw new IllegalArgumentException("a reached service has an address");
            }
        }

        /** One of the addresses, at random: requests spread over the endpoints as kube-aggregator spreads them. */
        URI base() {
            return bases.size() == 1 ? bases.get(0) : bases.get(ThreadLocalRandom.current().nextInt(bases.size()));
        }
    }

    record Unreachable(AvailableCondition condition) implements Resolution {
    }

    Resolution resolve(ServiceReference ref) {
        ObjectNode service;
        try {
            service = registry.coreStore("services").get(ref.namespace(), ref.name());
        } catch (StatusException e) {
            if (e.code() == 404) {
                return new Unreachable(AvailableCondition.unavailable("ServiceNotFound", ref + " is not present"));
            }
            return new Unreachable(new AvailableCondition("Unknown", "ServiceAccessError",
                    ref + " cannot be checked due to: " + e.getMessage()));
        }
        JsonNode spec = service.path("spec");
        String type = spec.path("type").asText("ClusterIP");
        if (type.equals("ExternalName")) {
            return new Reached(List.of(URI.create("https://" + spec.path("externalName").asText() + ":" + ref.port())));
        }
        String portName = null;
        for (JsonNode port : spec.path("ports")) {
            if (port.path("port").asInt() == ref.port()) {
                portName = port.path("name").asText("");
                break;
            }
        }
        if (portName == null) {
            return new Unreachable(AvailableCondition.unavailable("ServicePortError",
                    ref + " is not listening on port " + ref.port()));
        }
        List<String> addresses = new ArrayList<>();
        int[] targetPort = {-1};
        ObjectNode endpoints = null;
        try {
            endpoints = registry.coreStore("endpoints").get(ref.namespace(), ref.name());
        } catch (StatusException e) {
            if (e.code() != 404) {
                return new Unreachable(new AvailableCondition("Unknown", "EndpointsAccessError",
                        ref + " cannot be checked due to: " + e.getMessage()));
            }
        }
        if (endpoints != null) {
            readEndpoints(endpoints, portName, addresses, targetPort);
        } else {
            List<JsonNode> slices = endpointSlices(ref);
            if (slices.isEmpty()) {
                return new Unreachable(AvailableCondition.unavailable("EndpointsNotFound",
                        "cannot find endpoints for " + ref));
            }
            for (JsonNode slice : slices) {
                readEndpointSlice(slice, portName, addresses, targetPort);
            }
        }
        if (addresses.isEmpty()) {
            return new Unreachable(AvailableCondition.unavailable("MissingEndpoints",
                    "endpoints for " + ref + " have no addresses with port name \"" + portName + "\""));
        }
        List<URI> bases = new ArrayList<>();
        for (String address : addresses) {
            String host = address.contains(":") ? "[" + address + "]" : address;
            bases.add(URI.create("https://" + host + ":" + targetPort[0]));
        }
        return new Reached(bases);
    }

    private static void readEndpoints(JsonNode endpoints, String portName, List<String> addresses, int[] targetPort) {
        for (JsonNode subset : endpoints.path("subsets")) {
            for (JsonNode port : subset.path("ports")) {
                if (port.path("name").asText("").equals(portName)) {
                    for (JsonNode address : subset.path("addresses")) {
                        addresses.add(address.path("ip").asText());
                        targetPort[0] = port.path("port").asInt();
                    }
                }
            }
        }
    }

    private static void readEndpointSlice(JsonNode slice, String portName, List<String> addresses, int[] targetPort) {
        for (JsonNode port : slice.path("ports")) {
            if (port.path("name").asText("").equals(portName) && port.has("port")) {
                for (JsonNode endpoint : slice.path("endpoints")) {
                    JsonNode ready = endpoint.path("conditions").path("ready");
                    if (ready.isMissingNode() || ready.isNull() || ready.asBoolean()) {
                        JsonNode first = endpoint.path("addresses").path(0);
                        if (first.isTextual()) {
                            addresses.add(first.asText());
                            targetPort[0] = port.path("port").asInt();
                        }
                    }
                }
            }
        }
    }

    private List<JsonNode> endpointSlices(ServiceReference ref) {
        List<JsonNode> slices = new ArrayList<>();
        try {
            for (JsonNode slice : registry.store(DISCOVERY_V1, "endpointslices").list(ref.namespace(), ListOptions.defaults())
                    .path("items")) {
                if (ref.name().equals(slice.path("metadata").path("labels").path(SERVICE_NAME_LABEL).asText(null))) {
                    slices.add(slice);
                }
            }
        } catch (StatusException e) {
            // No EndpointSlices served: Endpoints are the only source.
        }
        return slices;
    }
}
