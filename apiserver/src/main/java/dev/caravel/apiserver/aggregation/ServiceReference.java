package dev.caravel.apiserver.aggregation;

import java.util.Objects;

/** Where an APIService's requests go: a Service, by namespace and name, and one of its ports. */
public record ServiceReference(String namespace, String name, int port) {

    public ServiceReference {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(name, "name");
    }

    /**
     * The name the backend's serving certificate must hold, as kube-aggregator verifies it
     * ({@code <service>.<namespace>.svc}), whatever address the request is sent to.
     */
    public String serverName() {
        return name + "." + namespace + ".svc";
    }

    @Override
    public String toString() {
        return "service/" + name + " in \"" + namespace + "\"";
    }
}
