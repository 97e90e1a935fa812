package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.GoJsonEscapes;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One step of a field path, as structured-merge-diff models it: a field of a map or struct
 * ({@code f:name}), an item of an associative list by its key fields ({@code k:{"name":"nginx"}}),
 * an item of a set by its value ({@code v:"foreground"}), or an item by position ({@code i:0}).
 *
 * <p>Ordered as Kubernetes orders them in FieldsV1 (fields, then keys, then values, then
 * indexes; each by its own order), because FieldsV1 is written in that order and clients diff it.
 */
public sealed interface PathElement extends Comparable<PathElement> {

    /** A field of a struct or an entry of a map. */
    record Field(String name) implements PathElement {
        public Field {
            Objects.requireNonNull(name, "name");
        }
    }

    /**
     * An item of an associative list, by its list-map-keys sorted by name (as Kubernetes sorts
     * them, whatever the schema's order), e.g. {@code containerPort} before {@code protocol}.
     */
    record Key(List<Map.Entry<String, JsonNode>> fields) implements PathElement {
        public Key {
            List<Map.Entry<String, JsonNode>> sorted = new ArrayList<>(fields.size());
            for (Map.Entry<String, JsonNode> e : fields) {
                sorted.add(Map.entry(e.getKey(), e.getValue().deepCopy()));
            }
            sorted.sort((a, b) -> ValueOrder.compareBytes(a.getKey(), b.getKey()));
            fields = List.copyOf(sorted);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && compareTo(k) == 0;
        }

        @Override
        public int hashCode() {
            int h = 1;
            for (Map.Entry<String, JsonNode> e : fields) {
                h = 31 * h + e.getKey().hashCode();
                h = 31 * h + ValueOrder.hash(e.getValue());
            }
            return h;
        }
    }

    /** An item of a set (a list of scalars with {@code x-kubernetes-list-type: set}). */
    record Value(JsonNode value) implements PathElement {
        public Value {
            value = value.deepCopy();
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Value v && ValueOrder.equal(value, v.value);
        }

        @Override
        public int hashCode() {
            return ValueOrder.hash(value);
        }
    }

    /** An item by position: only in lists that are neither atomic nor associative. */
    record Index(int index) implements PathElement {
    }

    static PathElement field(String name) {
        return new Field(name);
    }

    private int rank() {
        return switch (this) {
            case Field f -> 0;
            case Key k -> 1;
            case Value v -> 2;
            case Index i -> 3;
        };
    }

    @Override
    default int compareTo(PathElement other) {
        int r = Integer.compare(rank(), other.rank());
        if (r != 0) {
            return r;
        }
        return switch (this) {
            case Field f -> ValueOrder.compareBytes(f.name(), ((Field) other).name());
            case Key k -> {
                List<Map.Entry<String, JsonNode>> a = k.fields();
                List<Map.Entry<String, JsonNode>> b = ((Key) other).fields();
                int n = Math.min(a.size(), b.size());
                for (int i = 0; i < n; i++) {
                    int c = ValueOrder.compareBytes(a.get(i).getKey(), b.get(i).getKey());
                    if (c != 0) {
                        yield c;
                    }
                    c = ValueOrder.compare(a.get(i).getValue(), b.get(i).getValue());
                    if (c != 0) {
                        yield c;
                    }
                }
                yield Integer.compare(a.size(), b.size());
            }
            case Value v -> ValueOrder.compare(v.value(), ((Value) other).value());
            case Index i -> Integer.compare(i.index(), ((Index) other).index());
        };
    }

    /** The FieldsV1 key of this element: {@code f:replicas}, {@code k:{"name":"nginx"}}, {@code v:"a"}, {@code i:0}. */
    default String serialize() {
        return switch (this) {
            case Field f -> "f:" + f.name();
            case Key k -> {
                StringWriter out = new StringWriter();
                try (JsonGenerator g = GoJsonEscapes.factory().createGenerator(out)) {
                    g.writeStartObject();
                    for (Map.Entry<String, JsonNode> e : k.fields()) {
                        g.writeFieldName(e.getKey());
                        ValueOrder.write(g, e.getValue());
                    }
                    g.writeEndObject();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                yield "k:" + out;
            }
            case Value v -> "v:" + ValueOrder.json(v.value());
            case Index i -> "i:" + i.index();
        };
    }

    /**
     * Reads a FieldsV1 key.
     *
     * @throws IllegalArgumentException for anything else, as Kubernetes refuses such an entry
     */
    static PathElement parse(String text) {
        if (text.length() < 2 || text.charAt(1) != ':') {
            throw new IllegalArgumentException("unknown path element " + text);
        }
        String rest = text.substring(2);
        return switch (text.charAt(0)) {
            case 'f' -> new Field(rest);
            case 'k' -> {
                JsonNode object = readJson(rest);
                if (!object.isObject()) {
                    throw new IllegalArgumentException("key of path element " + text + " is not an object");
                }
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    fields.add(Map.entry(e.getKey(), e.getValue()));
                }
                yield new Key(fields);
            }
            case 'v' -> new Value(readJson(rest));
            case 'i' -> {
                try {
                    yield new Index(Integer.parseInt(rest));
                } catch (NumberFormatException e) {
                    throw new IllegalArgumentException("bad index in path element " + text, e);
                }
            }
            default -> throw new IllegalArgumentException("unknown path element " + text);
        };
    }

    private static JsonNode readJson(String text) {
        try {
            return Mapper.INSTANCE.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("bad JSON in path element: " + text, e);
        }
    }

    /**
     * As Kubernetes prints a path element in conflict messages: {@code .replicas},
     * {@code [name="nginx"]}, {@code [containerPort=80,protocol="TCP"]}, {@code [="a"]}, {@code [0]}.
     */
    default String display() {
        return switch (this) {
            case Field f -> "." + f.name();
            case Key k -> {
                List<String> parts = new ArrayList<>();
                for (Map.Entry<String, JsonNode> e : k.fields()) {
                    parts.add(e.getKey() + "=" + ValueOrder.render(e.getValue()));
                }
                yield "[" + String.join(",", parts) + "]";
            }
            case Value v -> "[=" + ValueOrder.render(v.value()) + "]";
            case Index i -> "[" + i.index() + "]";
        };
    }

    final class Mapper {
        static final ObjectMapper INSTANCE = new ObjectMapper();

        private Mapper() {
        }
    }
}
