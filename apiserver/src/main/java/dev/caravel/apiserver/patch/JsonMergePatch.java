package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A JSON merge patch (RFC 7386, {@code application/merge-patch+json}): objects are merged
 * member by member, {@code null} deletes a member, anything else (arrays included) replaces.
 *
 * <p>As Kubernetes (evanphx/json-patch's {@code MergePatch}): the patch must be a JSON object,
 * else 400 "Invalid JSON Patch"; nulls inside a value that lands where the target had nothing
 * (or had a non-object) are dropped, at any depth, as RFC 7386 drops them when it merges into an
 * empty object.
 */
public final class JsonMergePatch {

    private JsonMergePatch() {
    }

    /**
     * Merges {@code patch} into a copy of {@code target}; neither input is changed.
     *
     * @throws PatchException 400 when the patch or the target is not a JSON object
     */
    public static ObjectNode apply(JsonNode target, JsonNode patch) {
        Objects.requireNonNull(target, "target");
        if (patch == null || !patch.isObject()) {
            throw PatchException.badRequest("Invalid JSON Patch");
        }
        if (!target.isObject()) {
            throw PatchException.badRequest("Invalid JSON Document");
        }
        ObjectNode result = ((ObjectNode) target).deepCopy();
        mergeInto(result, (ObjectNode) patch);
        return result;
    }

    /** Merges {@code patch} into {@code doc} in place; {@code patch} is only read. */
    private static void mergeInto(ObjectNode doc, ObjectNode patch) {
        for (Iterator<Map.Entry<String, JsonNode>> it = patch.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            if (value.isNull()) {
                doc.remove(key);
                continue;
            }
            JsonNode current = doc.get(key);
            if (current instanceof ObjectNode currentObject && value instanceof ObjectNode valueObject) {
                mergeInto(currentObject, valueObject);
            } else if (current == null || current.isNull() || !current.isObject()) {
                doc.set(key, withoutNulls(value));
            } else {
                doc.set(key, value.deepCopy());
            }
        }
    }

    /** A copy of {@code value} with null object members removed at every depth. */
    static JsonNode withoutNulls(JsonNode value) {
        JsonNode copy = value.deepCopy();
        pruneNulls(copy);
        return copy;
    }

    static void pruneNulls(JsonNode node) {
        if (node instanceof ObjectNode object) {
            List<String> nulls = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                } else {
                    pruneNulls(e.getValue());
                }
            }
            object.remove(nulls);
        } else if (node instanceof ArrayNode array) {
            // Null elements of an array stay: only object members are dropped.
            array.forEach(JsonMergePatch::pruneNulls);
        }
    }
}
