package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.resource.GroupVersion;

import java.util.Arrays;
import java.util.Base64;
import java.util.Optional;

/**
 * An APIService as the aggregator reads it: the group-version it claims, its priorities, the
 * service that serves it (none for a local one) with the trust to reach it, and its Available
 * condition. Immutable; made from the stored JSON.
 */
public record ApiService(String name, GroupVersion groupVersion, int groupPriorityMinimum, int versionPriority,
                         Optional<ServiceReference> service, byte[] caBundle, boolean insecureSkipTlsVerify,
                         AvailableCondition available) {

    /** The default port of a service reference (kube-aggregator's defaulting). */
    public static final int DEFAULT_PORT = 443;

    public ApiService {
        caBundle = caBundle.clone();
    }

    public static ApiService from(JsonNode object) {
        JsonNode spec = object.path("spec");
        JsonNode serviceNode = spec.path("service");
        Optional<ServiceReference> service = serviceNode.isObject()
                ? Optional.of(new ServiceReference(serviceNode.path("namespace").asText(""),
                        serviceNode.path("name").asText(""), serviceNode.path("port").asInt(DEFAULT_PORT)))
                : Optional.empty();
        byte[] caBundle;
        try {
            caBundle = Base64.getDecoder().decode(spec.path("caBundle").asText(""));
        } catch (IllegalArgumentException e) {
            caBundle = new byte[0];
        }
        return new ApiService(object.path("metadata").path("name").asText(),
                new GroupVersion(spec.path("group").asText(""), spec.path("version").asText("v1")),
                spec.path("groupPriorityMinimum").asInt(0), spec.path("versionPriority").asInt(0), service, caBundle,
                spec.path("insecureSkipTLSVerify").asBoolean(false), AvailableCondition.of(object));
    }

    /** Whether the server itself serves the group-version (no service). */
    public boolean local() {
        return service.isEmpty();
    }

    @Override
    public byte[] caBundle() {
        return caBundle.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ApiService other && name.equals(other.name) && groupVersion.equals(other.groupVersion)
                && groupPriorityMinimum == other.groupPriorityMinimum && versionPriority == other.versionPriority
                && service.equals(other.service) && Arrays.equals(caBundle, other.caBundle)
                && insecureSkipTlsVerify == other.insecureSkipTlsVerify && available.equals(other.available);
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + groupVersion.hashCode();
    }
}
