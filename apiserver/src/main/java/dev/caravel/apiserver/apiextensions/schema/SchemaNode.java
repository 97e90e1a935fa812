package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * One node of an openAPIV3Schema, read once when a CRD version is served so that each write only
 * walks this tree: patterns are compiled, numbers are decoded and the x-kubernetes extensions are
 * plain fields. Immutable after construction. Value validations inside allOf/anyOf/oneOf/not keep
 * their own nodes; they never carry types or properties of their own in a structural schema.
 */
final class SchemaNode {

    final String type;               // "" when not set
    final String format;             // "" when not set or not one Kubernetes checks (it strips the others)
    final boolean nullable;
    final boolean intOrString;
    final boolean preserveUnknownFields;
    final boolean embeddedResource;
    final Map<String, SchemaNode> properties;   // declaration order
    final SchemaNode additionalProperties;      // schema form, or null
    final boolean additionalPropertiesAllowed;  // additionalProperties: true (no schema)
    final boolean additionalPropertiesForbidden;// additionalProperties: false
    /** additionalProperties in any form: pruning keeps unknown keys then (their values lose all fields without a schema). */
    final boolean hasAdditionalProperties;
    final SchemaNode items;
    final List<String> required;
    final List<JsonNode> enumValues;            // null when not set
    final BigDecimal maximum;
    final boolean exclusiveMaximum;
    final BigDecimal minimum;
    final boolean exclusiveMinimum;
    final BigDecimal multipleOf;
    final Long maxLength;
    final Long minLength;
    final Long maxItems;
    final Long minItems;
    final Long maxProperties;
    final Long minProperties;
    final boolean uniqueItems;
    final String pattern;            // "" when not set
    final Pattern compiledPattern;   // null when not set or not compilable
    final String listType;           // null when not set
    final List<String> listMapKeys;
    final String mapType;            // null when not set
    final JsonNode defaultValue;     // null when not set
    final List<SchemaNode> allOf;
    final List<SchemaNode> anyOf;
    final List<SchemaNode> oneOf;
    final SchemaNode not;
    private final List<String> validatedTypes;

    private SchemaNode(JsonNode s) {
        type = text(s, "type");
        String declaredFormat = text(s, "format");
        format = StringFormats.isKnown(declaredFormat) ? declaredFormat : "";
        nullable = s.path("nullable").asBoolean(false);
        intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        preserveUnknownFields = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        embeddedResource = s.path("x-kubernetes-embedded-resource").asBoolean(false);
        Map<String, SchemaNode> props = new LinkedHashMap<>();
        JsonNode p = s.path("properties");
        for (Iterator<Map.Entry<String, JsonNode>> it = p.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            props.put(e.getKey(), new SchemaNode(e.getValue()));
        }
        properties = Collections.unmodifiableMap(props);
        JsonNode ap = s.get("additionalProperties");
        additionalProperties = ap != null && ap.isObject() ? new SchemaNode(ap) : null;
        additionalPropertiesAllowed = ap != null && ap.isBoolean() && ap.booleanValue();
        additionalPropertiesForbidden = ap != null && ap.isBoolean() && !ap.booleanValue();
        hasAdditionalProperties = additionalProperties != null || additionalPropertiesAllowed || additionalPropertiesForbidden;
        JsonNode it = s.get("items");
        items = it != null && it.isObject() ? new SchemaNode(it) : null;
        required = strings(s.get("required"));
        JsonNode en = s.get("enum");
        if (en != null && en.isArray()) {
            List<JsonNode> values = new ArrayList<>();
            en.forEach(values::add);
            enumValues = List.copyOf(values);
        } else {
            enumValues = null;
        }
        maximum = decimal(s.get("maximum"));
        exclusiveMaximum = s.path("exclusiveMaximum").asBoolean(false);
        minimum = decimal(s.get("minimum"));
        exclusiveMinimum = s.path("exclusiveMinimum").asBoolean(false);
        multipleOf = decimal(s.get("multipleOf"));
        maxLength = whole(s.get("maxLength"));
        minLength = whole(s.get("minLength"));
        maxItems = whole(s.get("maxItems"));
        minItems = whole(s.get("minItems"));
        maxProperties = whole(s.get("maxProperties"));
        minProperties = whole(s.get("minProperties"));
        uniqueItems = s.path("uniqueItems").asBoolean(false);
        pattern = text(s, "pattern");
        compiledPattern = compile(pattern).orElse(null);
        JsonNode lt = s.get("x-kubernetes-list-type");
        listType = lt != null && lt.isTextual() ? lt.textValue() : null;
        listMapKeys = strings(s.get("x-kubernetes-list-map-keys"));
        JsonNode mt = s.get("x-kubernetes-map-type");
        mapType = mt != null && mt.isTextual() ? mt.textValue() : null;
        JsonNode def = s.get("default");
        defaultValue = def == null ? null : def.deepCopy();
        allOf = nodes(s.get("allOf"));
        anyOf = nodes(s.get("anyOf"));
        oneOf = nodes(s.get("oneOf"));
        JsonNode n = s.get("not");
        not = n != null && n.isObject() ? new SchemaNode(n) : null;
        validatedTypes = intOrString ? List.of("integer", "string") : type.isEmpty() ? List.of() : List.of(type);
    }

    static SchemaNode of(JsonNode schema) {
        return new SchemaNode(schema == null || !schema.isObject() ? JsonNodeFactory.instance.objectNode() : schema);
    }

    /** The types the OpenAPI validator checks: int-or-string stands for integer and string. */
    List<String> validatedTypes() {
        return validatedTypes;
    }

    /**
     * Compiles a schema pattern. Kubernetes compiles with Go's RE2; Java's syntax accepts the
     * same patterns CRDs use in practice, and a search (not a full match) is what Go's
     * MatchString does.
     */
    static Optional<Pattern> compile(String pattern) {
        if (pattern == null || pattern.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Pattern.compile(pattern));
        } catch (PatternSyntaxException e) {
            return Optional.empty();
        }
    }

    private static String text(JsonNode s, String field) {
        JsonNode v = s.get(field);
        return v != null && v.isTextual() ? v.textValue() : "";
    }

    private static List<String> strings(JsonNode array) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        array.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    private static List<SchemaNode> nodes(JsonNode array) {
        if (array == null || !array.isArray()) {
            return List.of();
        }
        List<SchemaNode> out = new ArrayList<>();
        array.forEach(v -> out.add(new SchemaNode(v)));
        return List.copyOf(out);
    }

    private static BigDecimal decimal(JsonNode v) {
        return v != null && v.isNumber() ? v.decimalValue() : null;
    }

    private static Long whole(JsonNode v) {
        return v != null && v.isNumber() ? v.longValue() : null;
    }
}
