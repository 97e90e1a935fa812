package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Iterator;
import java.util.Map;

/**
 * Filling in defaults as apiextensions-apiserver's structural defaulting does: an absent field,
 * or a null where the field is not nullable, takes a copy of its default; then every field,
 * defaulted ones included, is defaulted in turn, so {@code spec: {default: {}}} with
 * {@code replicas: {default: 1}} gives {@code spec: {replicas: 1}}. List items and map values
 * take their schema's default only in place of a null.
 */
final class Defaulting {

    private Defaulting() {
    }

    static void apply(JsonNode value, SchemaNode s) {
        if (s == null) {
            return;
        }
        if (value instanceof ObjectNode object) {
            for (Map.Entry<String, SchemaNode> p : s.properties.entrySet()) {
                SchemaNode property = p.getValue();
                if (property.defaultValue == null) {
                    continue;
                }
                JsonNode current = object.get(p.getKey());
                if (current == null || isNonNullableNull(current, property)) {
                    object.set(p.getKey(), property.defaultValue.deepCopy());
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                SchemaNode property = s.properties.get(e.getKey());
                if (property != null) {
                    apply(e.getValue(), property);
                } else if (s.additionalProperties != null) {
                    SchemaNode additional = s.additionalProperties;
                    if (isNonNullableNull(e.getValue(), additional) && additional.defaultValue != null) {
                        e.setValue(additional.defaultValue.deepCopy());
                    }
                    apply(e.getValue(), additional);
                }
            }
        } else if (value instanceof ArrayNode array && s.items != null) {
            for (int i = 0; i < array.size(); i++) {
                if (isNonNullableNull(array.get(i), s.items) && s.items.defaultValue != null) {
                    array.set(i, s.items.defaultValue.deepCopy());
                }
                apply(array.get(i), s.items);
            }
        }
    }

    private static boolean isNonNullableNull(JsonNode value, SchemaNode s) {
        return value.isNull() && !s.nullable;
    }
}
