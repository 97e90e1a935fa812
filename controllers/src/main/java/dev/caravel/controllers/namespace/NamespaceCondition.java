package dev.caravel.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * One entry of a namespace's {@code status.conditions} (core/v1 NamespaceCondition). The time is
 * kept at the second, as the API's {@code metav1.Time} serializes it, so a condition read back
 * compares equal to the one written.
 */
record NamespaceCondition(String type, String status, String reason, String message, Instant lastTransitionTime) {

    static final String TRUE = "True";
    static final String FALSE = "False";

    NamespaceCondition {
        lastTransitionTime = lastTransitionTime == null ? null : lastTransitionTime.truncatedTo(ChronoUnit.SECONDS);
    }

    boolean isTrue() {
        return TRUE.equals(status);
    }

    /** Same status, reason and message: the reference's test for "unchanged" (the time is not compared). */
    boolean sameAs(NamespaceCondition other) {
        return status.equals(other.status) && reason.equals(other.reason) && message.equals(other.message);
    }

    static NamespaceCondition fromJson(JsonNode node) {
        Instant time = null;
        String text = node.path("lastTransitionTime").asText("");
        if (!text.isEmpty()) {
            try {
                time = Instant.parse(text);
            } catch (DateTimeParseException ignored) {
                // a condition someone else wrote badly: treated as having no time
            }
        }
        return new NamespaceCondition(node.path("type").asText(), node.path("status").asText(), node.path("reason").asText(""),
                node.path("message").asText(""), time);
    }

    ObjectNode toJson() {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("type", type);
        node.put("status", status);
        if (lastTransitionTime != null) {
            node.put("lastTransitionTime", lastTransitionTime.toString());
        }
        node.put("reason", reason);
        node.put("message", message);
        return node;
    }

    /** The conditions of a namespace object, in their order. */
    static List<NamespaceCondition> of(JsonNode namespace) {
        List<NamespaceCondition> conditions = new ArrayList<>();
        namespace.path("status").path("conditions").forEach(c -> conditions.add(fromJson(c)));
        return conditions;
    }

    static Optional<NamespaceCondition> find(List<NamespaceCondition> conditions, String type) {
        return conditions.stream().filter(c -> c.type.equals(type)).findFirst();
    }
}
