package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Reads of an object's JSON as Go's typed structs see them: an absent field is the zero value
 * ("" / 0 / false / nil time), never an error. Printers then apply Kubernetes' own rules for zero
 * values, so a missing field prints exactly what it would on a real server.
 */
final class Fields {

    private Fields() {
    }

    static JsonNode at(JsonNode node, String... path) {
        JsonNode current = node == null ? MissingNode.getInstance() : node;
        for (String step : path) {
            current = current.path(step);
        }
        return current;
    }

    static boolean present(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return !value.isMissingNode() && !value.isNull();
    }

    static String text(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isValueNode() && !value.isNull() ? value.asText() : "";
    }

    static long number(JsonNode node, String... path) {
        return at(node, path).asLong(0);
    }

    static boolean bool(JsonNode node, String... path) {
        return at(node, path).asBoolean(false);
    }

    /** A metav1.Time or MicroTime, or null when absent or empty (Go's zero time). */
    static Instant time(JsonNode node, String... path) {
        String text = text(node, path);
        if (text.isEmpty()) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            try {
                return OffsetDateTime.parse(text).toInstant();
            } catch (DateTimeParseException unparsable) {
                return null;
            }
        }
    }

    static List<JsonNode> elements(JsonNode node, String... path) {
        JsonNode array = at(node, path);
        List<JsonNode> out = new ArrayList<>();
        if (array.isArray()) {
            array.forEach(out::add);
        }
        return out;
    }

    static int size(JsonNode node, String... path) {
        JsonNode value = at(node, path);
        return value.isContainerNode() ? value.size() : 0;
    }

    /** An IntOrString as its String() form; absent is the caller's to decide. */
    static String intOrString(JsonNode value) {
        return value.isNumber() ? Long.toString(value.asLong()) : value.asText();
    }

    /** labels.FormatLabels: "k=v" sorted by key and comma-joined, or "&lt;none&gt;". */
    static String formatLabels(JsonNode map) {
        if (map == null || !map.isObject() || map.isEmpty()) {
            return "<none>";
        }
        TreeMap<String, String> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = map.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            sorted.put(e.getKey(), e.getValue().asText());
        }
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, v) -> out.append(out.isEmpty() ? "" : ",").append(k).append('=').append(v));
        return out.toString();
    }

    /**
     * A LabelSelector as its selector string ("app=web,tier in (a,b),!legacy"), requirements
     * sorted by key as Kubernetes' internal selector keeps them. Empty or absent is "", a
     * requirement Kubernetes cannot convert (unknown operator, In without values, Exists with
     * values) is null.
     */
    static String selectorString(JsonNode selector) {
        if (selector == null || !selector.isObject()) {
            return "";
        }
        record Requirement(String key, String text) {
        }
        List<Requirement> requirements = new ArrayList<>();
        JsonNode labels = selector.path("matchLabels");
        for (Iterator<Map.Entry<String, JsonNode>> it = labels.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            requirements.add(new Requirement(e.getKey(), e.getKey() + "=" + e.getValue().asText()));
        }
        for (JsonNode expression : elements(selector, "matchExpressions")) {
            String key = text(expression, "key");
            TreeSet<String> values = new TreeSet<>();
            elements(expression, "values").forEach(v -> values.add(v.asText()));
            String operator = text(expression, "operator");
            boolean takesValues = operator.equals("In") || operator.equals("NotIn");
            // Kubernetes refuses to build such a requirement, and prints the selector as broken.
            if (takesValues == values.isEmpty()) {
                return null;
            }
            String text = switch (operator) {
                case "In" -> key + " in (" + String.join(",", values) + ")";
                case "NotIn" -> key + " notin (" + String.join(",", values) + ")";
                case "Exists" -> key;
                case "DoesNotExist" -> "!" + key;
                default -> null;
            };
            if (text == null) {
                return null;
            }
            requirements.add(new Requirement(key, text));
        }
        requirements.sort((a, b) -> a.key().compareTo(b.key()));
        StringBuilder out = new StringBuilder();
        for (Requirement r : requirements) {
            out.append(out.isEmpty() ? "" : ",").append(r.text());
        }
        return out.toString();
    }

    /** metav1.FormatLabelSelector: the selector string, "&lt;none&gt;" when it selects by nothing. */
    static String formatLabelSelector(JsonNode selector) {
        String text = selectorString(selector);
        if (text == null) {
            return "<error>";
        }
        return text.isEmpty() ? "<none>" : text;
    }

    /** Comma-joined container names and images of a pod spec, as the wide CONTAINERS/IMAGES columns. */
    static String[] containersAndImages(JsonNode podSpec) {
        List<String> names = new ArrayList<>();
        List<String> images = new ArrayList<>();
        for (JsonNode container : elements(podSpec, "containers")) {
            names.add(text(container, "name"));
            images.add(text(container, "image"));
        }
        return new String[] {String.join(",", names), String.join(",", images)};
    }

    /** A quantity as Quantity.String() prints it; the stored form is already canonical, absent is "0". */
    static String quantity(JsonNode value) {
        if (value == null || value.isMissingNode() || value.isNull()) {
            return "0";
        }
        return value.asText();
    }

    /** Access modes in Kubernetes' fixed order, deduplicated: "RWO,ROX,RWX,RWOP". */
    static String accessModes(JsonNode modes) {
        List<String> present = new ArrayList<>();
        elements(modes).forEach(m -> present.add(m.asText()));
        List<String> out = new ArrayList<>();
        if (present.contains("ReadWriteOnce")) {
            out.add("RWO");
        }
        if (present.contains("ReadOnlyMany")) {
            out.add("ROX");
        }
        if (present.contains("ReadWriteMany")) {
            out.add("RWX");
        }
        if (present.contains("ReadWriteOncePod")) {
            out.add("RWOP");
        }
        return String.join(",", out);
    }

    /** Go's net.JoinHostPort: IPv6 addresses in brackets. */
    static String joinHostPort(String host, long port) {
        return host.indexOf(':') >= 0 ? "[" + host + "]:" + port : host + ":" + port;
    }

    static String orDefault(String value, String fallback) {
        return value.isEmpty() ? fallback : value;
    }
}
