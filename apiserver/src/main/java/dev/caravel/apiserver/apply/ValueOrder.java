package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.GoJsonEscapes;
import dev.caravel.apiserver.api.GoQuote;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The total order structured-merge-diff puts on JSON values, so that set items ({@code v:})
 * and associative-list keys ({@code k:}) sort as Kubernetes sorts them in FieldsV1: numbers (by
 * value, integers and floats together) before strings, then booleans, lists, maps, and null last.
 * Also equality by that order, and the two renderings Kubernetes uses for values in paths.
 */
final class ValueOrder {

    private ValueOrder() {
    }

    static boolean equal(JsonNode a, JsonNode b) {
        return compare(a, b) == 0;
    }

    static int compare(JsonNode a, JsonNode b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        switch (ra) {
            case 0 -> {
                if (a.isIntegralNumber() && b.isIntegralNumber() && a.canConvertToLong() && b.canConvertToLong()) {
                    return Long.compare(a.longValue(), b.longValue());
                }
                return Double.compare(a.doubleValue(), b.doubleValue());
            }
            case 1 -> {
                return compareBytes(a.textValue(), b.textValue());
            }
            case 2 -> {
                return Boolean.compare(a.booleanValue(), b.booleanValue());
            }
            case 3 -> {
                int n = Math.min(a.size(), b.size());
                for (int i = 0; i < n; i++) {
                    int c = compare(a.get(i), b.get(i));
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(a.size(), b.size());
            }
            case 4 -> {
                List<String> ka = sortedKeys(a);
                List<String> kb = sortedKeys(b);
                int n = Math.min(ka.size(), kb.size());
                for (int i = 0; i < n; i++) {
                    int c = compareBytes(ka.get(i), kb.get(i));
                    if (c != 0) {
                        return c;
                    }
                    c = compare(a.get(ka.get(i)), b.get(kb.get(i)));
                    if (c != 0) {
                        return c;
                    }
                }
                return Integer.compare(ka.size(), kb.size());
            }
            default -> {
                return 0;
            }
        }
    }

    private static int rank(JsonNode n) {
        if (n == null || n.isNull() || n.isMissingNode()) {
            return 5;
        }
        if (n.isNumber()) {
            return 0;
        }
        if (n.isTextual()) {
            return 1;
        }
        if (n.isBoolean()) {
            return 2;
        }
        if (n.isArray()) {
            return 3;
        }
        return 4;
    }

    /** A hash consistent with {@link #equal}: 80 and 80.0 hash alike, key order does not count. */
    static int hash(JsonNode n) {
        switch (rank(n)) {
            case 0 -> {
                return Double.hashCode(n.doubleValue());
            }
            case 1 -> {
                return n.textValue().hashCode();
            }
            case 2 -> {
                return Boolean.hashCode(n.booleanValue());
            }
            case 3 -> {
                int h = 1;
                for (JsonNode item : n) {
                    h = 31 * h + hash(item);
                }
                return h;
            }
            case 4 -> {
                int h = 0;
                for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    h += e.getKey().hashCode() ^ hash(e.getValue());
                }
                return h;
            }
            default -> {
                return 0;
            }
        }
    }

    static List<String> sortedKeys(JsonNode object) {
        List<String> keys = new ArrayList<>(object.size());
        object.fieldNames().forEachRemaining(keys::add);
        keys.sort(ValueOrder::compareBytes);
        return keys;
    }

    /** Go compares strings as UTF-8 bytes; for UTF-16 that is code point order, not char order. */
    static int compareBytes(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    /** Compact JSON as Go's encoder writes it (HTML-safe escapes), for {@code k:} and {@code v:}. */
    static String json(JsonNode value) {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = GoJsonEscapes.factory().createGenerator(out)) {
            write(g, value);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    /** Writes maps with sorted keys, as Go marshals a map. */
    static void write(JsonGenerator g, JsonNode value) throws IOException {
        if (value == null || value.isNull() || value.isMissingNode()) {
            g.writeNull();
        } else if (value.isObject()) {
            g.writeStartObject();
            for (String key : sortedKeys(value)) {
                g.writeFieldName(key);
                write(g, value.get(key));
            }
            g.writeEndObject();
        } else if (value.isArray()) {
            g.writeStartArray();
            for (JsonNode item : value) {
                write(g, item);
            }
            g.writeEndArray();
        } else if (value.isTextual()) {
            g.writeString(value.textValue());
        } else if (value.isBoolean()) {
            g.writeBoolean(value.booleanValue());
        } else if (value.isIntegralNumber()) {
            g.writeNumber(value.bigIntegerValue());
        } else {
            g.writeNumber(value.doubleValue());
        }
    }

    /** structured-merge-diff's value.ToString, used in conflict paths: strings quoted as Go's %q. */
    static String render(JsonNode value) {
        if (value == null || value.isNull() || value.isMissingNode()) {
            return "null";
        }
        if (value.isTextual()) {
            return GoQuote.quote(value.textValue());
        }
        if (value.isArray()) {
            List<String> parts = new ArrayList<>();
            value.forEach(v -> parts.add(render(v)));
            return "[" + String.join(",", parts) + "]";
        }
        if (value.isObject()) {
            List<String> parts = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                parts.add(e.getKey() + "=" + render(e.getValue()));
            }
            return "{" + String.join(",", parts) + "}";
        }
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        if (value.isNumber()) {
            return GoFloat.format(value.doubleValue());
        }
        return value.asText();
    }

    /** Go's %v of a float64: shortest representation, exponent form for large and tiny values. */
    private static final class GoFloat {
        static String format(double d) {
            if (d == Math.rint(d) && Math.abs(d) < 1e21) {
                return String.valueOf((long) d);
            }
            return Double.toString(d);
        }
    }
}
