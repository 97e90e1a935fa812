package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reading an object tree the way Go reads a decoded struct: a missing field, a JSON null and a
 * value of the wrong type all read as the zero value, because by the time Kubernetes validates,
 * the decoder has already rejected wrong types.
 */
final class JsonFields {

    private JsonFields() {
    }

    static JsonNode at(JsonNode node, String... names) {
        JsonNode n = node == null ? MissingNode.getInstance() : node;
        for (String name : names) {
            n = n.path(name);
        }
        return n;
    }

    static boolean present(JsonNode node) {
        return node != null && !node.isMissingNode() && !node.isNull();
    }

    /** Go's string zero value for absent or non-string fields. */
    static String text(JsonNode node, String... names) {
        JsonNode n = at(node, names);
        return n.isTextual() ? n.textValue() : "";
    }

    static List<JsonNode> list(JsonNode node, String... names) {
        JsonNode n = at(node, names);
        List<JsonNode> out = new ArrayList<>();
        if (n.isArray()) {
            n.forEach(out::add);
        }
        return out;
    }

    static List<String> strings(JsonNode node, String... names) {
        List<String> out = new ArrayList<>();
        for (JsonNode v : list(node, names)) {
            out.add(v.isTextual() ? v.textValue() : v.asText());
        }
        return out;
    }

    /** A map[string]string field; null when absent, as Go's nil map. */
    static Map<String, String> stringMap(JsonNode node, String... names) {
        JsonNode n = at(node, names);
        if (!n.isObject()) {
            return null;
        }
        Map<String, String> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), e.getValue().isTextual() ? e.getValue().textValue() : e.getValue().asText());
        }
        return out;
    }

    static boolean bool(JsonNode node, String... names) {
        return at(node, names).asBoolean(false);
    }

    /** An integer field, or null when absent (Go's nil pointer). */
    static Long integer(JsonNode node, String... names) {
        JsonNode n = at(node, names);
        return n.isNumber() ? n.longValue() : null;
    }

    /**
     * Deep equality where absent and null are the same and numbers compare by value (Jackson's
     * own equals tells an IntNode 1 from a LongNode 1, and trees reach us from several parsers).
     */
    static boolean sameJson(JsonNode a, JsonNode b) {
        boolean hasA = present(a);
        boolean hasB = present(b);
        if (!hasA || !hasB) {
            return hasA == hasB;
        }
        if (a.isNumber() && b.isNumber()) {
            return a.decimalValue().compareTo(b.decimalValue()) == 0;
        }
        if (a.isObject() && b.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = a.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!sameJson(e.getValue(), b.get(e.getKey()))) {
                    return false;
                }
            }
            for (Iterator<Map.Entry<String, JsonNode>> it = b.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!a.has(e.getKey()) && present(e.getValue())) {
                    return false;
                }
            }
            return true;
        }
        if (a.isArray() && b.isArray()) {
            if (a.size() != b.size()) {
                return false;
            }
            for (int i = 0; i < a.size(); i++) {
                if (!sameJson(a.get(i), b.get(i))) {
                    return false;
                }
            }
            return true;
        }
        return a.equals(b);
    }
}
