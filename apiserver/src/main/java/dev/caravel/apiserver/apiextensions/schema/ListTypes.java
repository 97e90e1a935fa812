package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The uniqueness x-kubernetes-list-type promises, as apiextensions-apiserver's listtype
 * validation checks it: a {@code set} holds no value twice, a {@code map} no two items with the
 * same key fields. Only the second appearance of a value is reported, once, as the reference does.
 */
final class ListTypes {

    /** An item without its key field, distinct from a key whose value is null. */
    private static final String UNSPECIFIED = "\u0000unspecified";

    private ListTypes() {
    }

    static List<FieldError> validate(JsonNode object, SchemaNode root) {
        List<FieldError> errors = new ArrayList<>();
        if (object != null && object.isObject()) {
            validateObject(null, root, object, errors);
        }
        return errors;
    }

    private static void validateObject(FieldPath path, SchemaNode s, JsonNode object, List<FieldError> errors) {
        if (s == null) {
            return;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            SchemaNode property = s.properties.get(e.getKey());
            if (property != null) {
                validateValue(path == null ? FieldPath.of(e.getKey()) : path.child(e.getKey()), property, e.getValue(), errors);
            } else if (s.additionalProperties != null) {
                validateValue(path == null ? FieldPath.ofKey(e.getKey()) : path.key(e.getKey()), s.additionalProperties,
                        e.getValue(), errors);
            }
        }
    }

    private static void validateValue(FieldPath path, SchemaNode s, JsonNode value, List<FieldError> errors) {
        if (value.isArray()) {
            validateArray(path, s, value, errors);
        } else if (value.isObject()) {
            validateObject(path, s, value, errors);
        }
    }

    private static void validateArray(FieldPath path, SchemaNode s, JsonNode array, List<FieldError> errors) {
        if ("set".equals(s.listType)) {
            List<JsonNode> items = new ArrayList<>();
            array.forEach(items::add);
            for (int i : nonUnique(items)) {
                errors.add(FieldError.duplicate(path.index(i), OpenApiValidator.shown(array.get(i))));
            }
        } else if ("map".equals(s.listType)) {
            validateListMap(path, s, array, errors);
        }
        if (s.items != null) {
            for (int i = 0; i < array.size(); i++) {
                validateValue(path.index(i), s.items, array.get(i), errors);
            }
        }
    }

    private static void validateListMap(FieldPath path, SchemaNode s, JsonNode array, List<FieldError> errors) {
        for (int i = 0; i < array.size(); i++) {
            JsonNode item = array.get(i);
            if (!item.isNull() && !item.isObject()) {
                errors.add(FieldError.invalid(path.index(i), OpenApiValidator.shown(item),
                        "must be an object for an array of list-type map"));
                return;
            }
        }
        if (array.size() <= 1) {
            return;
        }
        List<JsonNode> keys = new ArrayList<>(array.size());
        boolean single = s.listMapKeys.size() == 1;
        for (JsonNode item : array) {
            if (single) {
                JsonNode key = item.isNull() ? null : item.get(s.listMapKeys.get(0));
                keys.add(key == null ? JsonNodeFactory.instance.textNode(UNSPECIFIED) : key);
            } else {
                ObjectNode key = JsonNodeFactory.instance.objectNode();
                if (!item.isNull()) {
                    for (String field : s.listMapKeys) {
                        if (item.has(field)) {
                            key.set(field, item.get(field));
                        }
                    }
                }
                keys.add(key);
            }
        }
        for (int i : nonUnique(keys)) {
            ObjectNode shown = JsonNodeFactory.instance.objectNode();
            if (single) {
                JsonNode key = keys.get(i);
                if (!(key.isTextual() && key.textValue().equals(UNSPECIFIED))) {
                    shown.set(s.listMapKeys.get(0), key);
                }
            } else {
                shown = (ObjectNode) keys.get(i);
            }
            errors.add(FieldError.duplicate(path.index(i), shown));
        }
    }

    /** The indexes where a value appears for the second time. */
    private static List<Integer> nonUnique(List<JsonNode> values) {
        List<Integer> out = new ArrayList<>();
        if (values.size() <= 1) {
            return out;
        }
        Map<String, Integer> seen = new HashMap<>();
        for (int i = 0; i < values.size(); i++) {
            int times = seen.merge(identity(values.get(i)), 1, Integer::sum);
            if (times == 2) {
                out.add(i);
            }
        }
        return out;
    }

    /**
     * A value's identity as the reference compares it: scalars by Go type and value (an int64 1
     * and a float64 1 differ), compound values by their JSON with sorted keys.
     */
    private static String identity(JsonNode v) {
        return switch (OpenApiValidator.Kind.of(v)) {
            case NULL -> "n";
            case BOOL -> "b" + v.booleanValue();
            case STRING -> "s" + v.textValue();
            case INT -> "i" + v.longValue();
            case FLOAT -> "f" + v.doubleValue();
            case ARRAY, OBJECT -> "c" + canonical(v);
        };
    }

    private static String canonical(JsonNode v) {
        if (v.isObject()) {
            Map<String, JsonNode> sorted = new TreeMap<>();
            v.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue()));
            StringBuilder s = new StringBuilder("{");
            sorted.forEach((k, x) -> s.append(JsonNodeFactory.instance.textNode(k)).append(':').append(canonical(x)).append(','));
            return s.append('}').toString();
        }
        if (v.isArray()) {
            StringBuilder s = new StringBuilder("[");
            v.forEach(x -> s.append(canonical(x)).append(','));
            return s.append(']').toString();
        }
        if (v.isNumber()) {
            // json.Marshal writes 1.0 and 1 alike
            return v.decimalValue().stripTrailingZeros().toPlainString();
        }
        return v.toString();
    }
}
