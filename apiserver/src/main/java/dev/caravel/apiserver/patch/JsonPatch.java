package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A JSON patch (RFC 6902, {@code application/json-patch+json}): add, remove, replace, move,
 * copy and test, applied in order to a copy of the target.
 *
 * <p>Where RFC 6902 leaves room, this behaves as Kubernetes does (it applies JSON patches with
 * evanphx/json-patch v4): a path must name something below the document's root (an operation
 * on "" fails); an array index may be negative, counting from the end; {@code add} to an
 * existing member replaces it; {@code test} of an absent member against {@code null} passes.
 * Failures inside an operation are 422 with Kubernetes' generic message; a patch that is not
 * a list of operations is 400; more than {@value #MAX_OPERATIONS} operations are 413.
 *
 * <p>Written here rather than taken from a library: the Java ones (java-json-tools json-patch,
 * zjsonpatch) differ from Kubernetes on exactly those points and on their error texts, and the
 * whole algorithm is a page.
 */
public final class JsonPatch {

    /** Kubernetes' limit on operations in one JSON patch ({@code maxJSONPatchOperations}). */
    public static final int MAX_OPERATIONS = 10_000;

    /** One operation as sent; fields the client left out are null. */
    public record Operation(String op, String path, String from, JsonNode value) {
    }

    private final List<Operation> operations;

    private JsonPatch(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    /**
     * Reads a patch document: a JSON array of objects.
     *
     * @throws PatchException 400 when it is not one, 413 when it has too many operations
     */
    public static JsonPatch parse(JsonNode patch) {
        if (patch == null || !patch.isArray()) {
            throw PatchException.badRequest("json: cannot unmarshal " + goKind(patch)
                    + " into Go value of type jsonpatch.Patch");
        }
        if (patch.size() > MAX_OPERATIONS) {
            throw PatchException.tooLarge("The allowed maximum operations in a JSON patch is "
                    + MAX_OPERATIONS + ", got " + patch.size());
        }
        List<Operation> ops = new ArrayList<>(patch.size());
        for (JsonNode op : patch) {
            if (!op.isObject()) {
                throw PatchException.badRequest("json: cannot unmarshal " + goKind(op)
                        + " into Go value of type jsonpatch.Operation");
            }
            // "op", "path" and "from" given as null count as absent; "value": null is a value.
            JsonNode value = op.get("value");
            ops.add(new Operation(text(op, "op"), text(op, "path"), text(op, "from"),
                    value == null ? null : value.deepCopy()));
        }
        return new JsonPatch(ops);
    }

    /** Applies {@code patch} to a copy of {@code target}. */
    public static JsonNode apply(JsonNode target, JsonNode patch) {
        return parse(patch).applyTo(target);
    }

    public List<Operation> operations() {
        return operations;
    }

    /**
     * Applies the operations, in order, to a copy of {@code target}; {@code target} is unchanged.
     *
     * @throws PatchException 422 at the first operation that does not apply
     */
    public JsonNode applyTo(JsonNode target) {
        Objects.requireNonNull(target, "target");
        JsonNode doc = target.deepCopy();
        for (Operation op : operations) {
            String kind = op.op() == null ? "unknown" : op.op();
            switch (kind) {
                case "add" -> add(doc, op);
                case "remove" -> remove(doc, op);
                case "replace" -> replace(doc, op);
                case "move" -> move(doc, op);
                case "copy" -> copy(doc, op);
                case "test" -> test(doc, op);
                default -> throw PatchException.rejected("Unexpected kind: " + kind, op.path());
            }
        }
        return doc;
    }

    private static void add(JsonNode doc, Operation op) {
        String path = requirePath(op);
        Location at = locate(doc, path);
        if (at == null) {
            throw missing("add operation does not apply: doc is missing path: \"" + path + "\"", path);
        }
        at.add(requireValue(op), path);
    }

    private static void remove(JsonNode doc, Operation op) {
        String path = requirePath(op);
        Location at = locate(doc, path);
        if (at == null) {
            throw missing("remove operation does not apply: doc is missing path: \"" + path + "\"", path);
        }
        at.remove(path);
    }

    private static void replace(JsonNode doc, Operation op) {
        String path = requirePath(op);
        Location at = locate(doc, path);
        if (at == null) {
            throw missing("replace operation does not apply: doc is missing path: " + path, path);
        }
        if (at.get() == null) {
            if (at.container.isObject()) {
                throw missing("replace operation does not apply: doc is missing key: " + path, path);
            }
            throw invalidIndex(at.key, path);
        }
        at.set(requireValue(op));
    }

    private static void move(JsonNode doc, Operation op) {
        String from = requireFrom(op);
        Location source = locate(doc, from);
        if (source == null) {
            throw missing("move operation does not apply: doc is missing from path: " + from, from);
        }
        JsonNode value = source.get();
        if (value == null) {
            throw missing("Unable to get nonexistent key: " + source.key, from);
        }
        source.remove(from);
        String path = requirePath(op);
        Location destination = locate(doc, path);
        if (destination == null) {
            throw missing("move operation does not apply: doc is missing destination path: " + path, path);
        }
        destination.add(value, path);
    }

    private static void copy(JsonNode doc, Operation op) {
        String from = requireFrom(op);
        Location source = locate(doc, from);
        if (source == null) {
            throw missing("copy operation does not apply: doc is missing from path: " + from, from);
        }
        JsonNode value = source.get();
        if (value == null) {
            throw missing("Unable to get nonexistent key: " + source.key, from);
        }
        String path = requirePath(op);
        Location destination = locate(doc, path);
        if (destination == null) {
            throw missing("copy operation does not apply: doc is missing destination path: " + path, path);
        }
        destination.add(value.deepCopy(), path);
    }

    private static void test(JsonNode doc, Operation op) {
        String path = requirePath(op);
        Location at = locate(doc, path);
        if (at == null) {
            throw missing("test operation does not apply: is missing path: " + path, path);
        }
        JsonNode actual = at.get();
        JsonNode expected = op.value();
        boolean passes = actual == null
                ? JsonValues.isNull(expected)
                : JsonValues.equal(actual, expected == null ? NullNode.instance : expected);
        if (!passes) {
            throw PatchException.rejected("testing value " + path + " failed: test failed", path);
        }
    }

    /** The container a pointer's last token lives in, and that token. */
    private static final class Location {
        final JsonNode container;
        final String key;

        Location(JsonNode container, String key) {
            this.container = container;
            this.key = key;
        }

        /** The value at the location, or null when absent (including an index out of range). */
        JsonNode get() {
            if (container instanceof ObjectNode object) {
                return object.get(key);
            }
            ArrayNode array = (ArrayNode) container;
            Integer index = index(key, array.size(), false);
            return index == null ? null : array.get(index);
        }

        void set(JsonNode value) {
            if (container instanceof ObjectNode object) {
                object.set(key, value);
            } else {
                ArrayNode array = (ArrayNode) container;
                array.set(index(key, array.size(), false), value);
            }
        }

        void add(JsonNode value, String path) {
            if (container instanceof ObjectNode object) {
                object.set(key, value);
                return;
            }
            ArrayNode array = (ArrayNode) container;
            if (key.equals("-")) {
                array.add(value);
                return;
            }
            Integer index = index(key, array.size(), true);
            if (index == null) {
                throw invalidIndex(key, path);
            }
            array.insert(index, value);
        }

        void remove(String path) {
            if (container instanceof ObjectNode object) {
                if (!object.has(key)) {
                    throw missing("Unable to remove nonexistent key: " + key, path);
                }
                object.remove(key);
                return;
            }
            ArrayNode array = (ArrayNode) container;
            Integer index = index(key, array.size(), false);
            if (index == null) {
                throw invalidIndex(key, path);
            }
            array.remove(index);
        }
    }

    /**
     * An array index in range, or null. Negative indexes count from the end, as in Kubernetes'
     * JSON patch library; {@code forInsert} allows the index one past the end.
     */
    private static Integer index(String token, int size, boolean forInsert) {
        int index;
        try {
            index = Integer.parseInt(token);
        } catch (NumberFormatException e) {
            return null;
        }
        if (index < 0) {
            if (index < -size) {
                return null;
            }
            index += size;
        }
        return index < size || (forInsert && index == size) ? index : null;
    }

    /** Finds the container of the pointer's last token; null when the path leads nowhere. */
    private static Location locate(JsonNode doc, String pointer) {
        // Kubernetes' library splits on "/" and needs at least one token below the root, so
        // both "" and a pointer without the leading "/" name nothing.
        if (!pointer.startsWith("/")) {
            return null;
        }
        String[] tokens = pointer.substring(1).split("/", -1);
        JsonNode node = doc;
        for (int i = 0; i < tokens.length - 1; i++) {
            node = child(node, unescape(tokens[i]));
            if (node == null) {
                return null;
            }
        }
        if (!node.isContainerNode()) {
            return null;
        }
        return new Location(node, unescape(tokens[tokens.length - 1]));
    }

    private static JsonNode child(JsonNode node, String token) {
        if (node.isObject()) {
            return node.get(token);
        }
        if (node.isArray()) {
            Integer index = index(token, node.size(), false);
            return index == null ? null : node.get(index);
        }
        return null;
    }

    /** RFC 6901: "~1" is "/" and "~0" is "~", decoded in that order so "~01" stays "~1". */
    static String unescape(String token) {
        if (token.indexOf('~') < 0) {
            return token;
        }
        return token.replace("~1", "/").replace("~0", "~");
    }

    private static String requirePath(Operation op) {
        if (op.path() == null) {
            throw missing("operation missing path field", null);
        }
        return op.path();
    }

    private static String requireFrom(Operation op) {
        if (op.from() == null) {
            throw missing("operation missing from field", op.path());
        }
        return op.from();
    }

    private static JsonNode requireValue(Operation op) {
        if (op.value() == null) {
            throw missing(op.op() + " operation missing value field", op.path());
        }
        return op.value().deepCopy();
    }

    private static PatchException missing(String what, String path) {
        return PatchException.rejected(what + ": missing value", path);
    }

    private static PatchException invalidIndex(String token, String path) {
        return PatchException.rejected("Unable to access invalid index: " + token + ": invalid index referenced", path);
    }

    private static String text(JsonNode op, String field) {
        JsonNode value = op.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static String goKind(JsonNode node) {
        if (JsonValues.isNull(node)) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "object";
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            default -> "value";
        };
    }
}
