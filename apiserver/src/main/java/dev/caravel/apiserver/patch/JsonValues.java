package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Value equality and Go-style rendering of JSON trees, for the patch algorithms.
 *
 * <p>Equality compares numbers by value: the same integer may arrive as an {@code IntNode} in a
 * patch and a {@code LongNode} in a stored object (Kubernetes decodes both as int64).
 *
 * <p>Rendering mimics Go's {@code %v} of decoded JSON ({@code map[name:nginx port:80]},
 * {@code [a b]}), because Kubernetes' strategic merge patch errors embed values that way and
 * clients show those messages to people.
 */
final class JsonValues {

    private JsonValues() {
    }

    static boolean equal(JsonNode a, JsonNode b) {
        if (a == b) {
            return true;
        }
        if (a == null || b == null) {
            return isNull(a) && isNull(b);
        }
        if (a.isNumber() && b.isNumber()) {
            if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
                return a.longValue() == b.longValue();
            }
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.getNodeType() != b.getNodeType()) {
            return false;
        }
        if (a.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!equal(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a.isObject()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                JsonNode other = b.get(e.getKey());
                if (other == null || !equal(e.getValue(), other)) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }

    static boolean isNull(JsonNode node) {
        return node == null || node.isNull() || node.isMissingNode();
    }

    /** Go's {@code %v} of a decoded JSON value. */
    static String go(JsonNode node) {
        StringBuilder out = new StringBuilder();
        go(node, out);
        return out.toString();
    }

    private static void go(JsonNode node, StringBuilder out) {
        if (isNull(node)) {
            out.append("<nil>");
        } else if (node.isObject()) {
            List<String> keys = new ArrayList<>();
            node.fieldNames().forEachRemaining(keys::add);
            keys.sort(null);
            out.append("map[");
            for (int i = 0; i < keys.size(); i++) {
                if (i > 0) {
                    out.append(' ');
                }
                out.append(keys.get(i)).append(':');
                go(node.get(keys.get(i)), out);
            }
            out.append(']');
        } else if (node.isArray()) {
            out.append('[');
            for (int i = 0; i < node.size(); i++) {
                if (i > 0) {
                    out.append(' ');
                }
                go(node.get(i), out);
            }
            out.append(']');
        } else if (node.isTextual()) {
            out.append(node.textValue());
        } else {
            out.append(node.asText());
        }
    }
}
