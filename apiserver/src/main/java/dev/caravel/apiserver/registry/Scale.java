package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The {@code scale} subresource: an autoscaling/v1 Scale read from, and written into, the
 * object's {@code spec.replicas} (Deployments, ReplicaSets, StatefulSets, ReplicationControllers).
 */
public final class Scale {

    private Scale() {}

    /**
     * An autoscaling/v1 Scale carrying the object's identity (name, namespace, uid, resourceVersion,
     * creationTimestamp), without spec and status: what every scale subresource, built-in or
     * custom, starts from.
     */
    public static ObjectNode skeleton(JsonNode object) {
        ObjectNode scale = JsonNodeFactory.instance.objectNode();
        scale.put("kind", "Scale");
        scale.put("apiVersion", "autoscaling/v1");
        ObjectNode metadata = scale.putObject("metadata");
        JsonNode meta = object.path("metadata");
        for (String field : List.of("name", "namespace", "uid", "resourceVersion", "creationTimestamp")) {
            if (meta.has(field)) {
                metadata.set(field, meta.get(field));
            }
        }
        return scale;
    }

    static ObjectNode of(ObjectNode object) {
        ObjectNode scale = skeleton(object);
        scale.putObject("spec").put("replicas", object.path("spec").path("replicas").asInt(1));
        ObjectNode status = scale.putObject("status");
        status.put("replicas", object.path("status").path("replicas").asInt(0));
        List<String> selector = new ArrayList<>();
        for (Map.Entry<String, JsonNode> e : object.path("spec").path("selector").path("matchLabels").properties()) {
            selector.add(e.getKey() + "=" + e.getValue().asText());
        }
        if (!selector.isEmpty()) {
            status.put("selector", String.join(",", selector));
        }
        return scale;
    }

    /** The object with the Scale's replicas; the Scale's resourceVersion, if any, is the precondition. */
    static ObjectNode applyTo(ObjectNode live, ObjectNode scale) {
        if (live == null) {
            throw StatusException.internalError("scale of a missing object");
        }
        JsonNode replicas = scale.path("spec").path("replicas");
        if (!replicas.isIntegralNumber() || replicas.asInt() < 0) {
            throw StatusException.badRequest("spec.replicas: Invalid value: must be a non-negative integer");
        }
        live.withObjectProperty("spec").put("replicas", replicas.asInt());
        String rv = scale.path("metadata").path("resourceVersion").asText("");
        if (!rv.isEmpty()) {
            live.withObjectProperty("metadata").put("resourceVersion", rv);
        }
        return live;
    }
}
