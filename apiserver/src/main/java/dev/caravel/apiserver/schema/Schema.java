package dev.caravel.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * One node of an OpenAPI v2 schema, exactly as written: a definition, a property, an array's
 * items or a map's values. Immutable.
 *
 * <p>A {@code $ref} is kept as the name of the definition it points to and resolved through the
 * catalogue only when asked ({@link #resolved()}), so self-referring definitions such as
 * {@code JSONSchemaProps} cost nothing and cannot recurse at load time.
 *
 * <p>Kubernetes writes field-level metadata next to the {@code $ref} of a property, e.g.
 * {@code DeploymentSpec.strategy} is {@code {"$ref": "...DeploymentStrategy",
 * "x-kubernetes-patch-strategy": "retainKeys"}}. So the node as written answers for the field
 * (patch strategy, merge key, list type), and {@link #resolved()} answers for its type (type,
 * properties, items). The navigation methods ({@link #field}, {@link #element}, {@link #at})
 * resolve on the way and return the field nodes as written.
 */
public final class Schema {

    static final String GVK_EXTENSION = "x-kubernetes-group-version-kind";

    private final SchemaCatalogue catalogue;
    private final String definitionName;
    private final JsonNode json;
    private final String ref;
    private final String type;
    private final String format;
    private final Map<String, Schema> properties;
    private final Schema items;
    private final Schema additionalProperties;
    private final boolean additionalPropertiesAllowed;
    private final List<String> required;
    private final List<String> patchStrategies;
    private final String patchMergeKey;
    private final String listType;
    private final List<String> listMapKeys;
    private final String mapType;
    private final boolean intOrString;
    private final boolean preserveUnknownFields;
    private final boolean embeddedResource;
    private final List<GroupVersionKind> groupVersionKinds;

    private Schema(SchemaCatalogue catalogue, String definitionName, JsonNode node) {
        // A schema is an object; anything else in its place says nothing, like {}.
        JsonNode json = node.isObject() ? node : JsonNodeFactory.instance.objectNode();
        this.catalogue = catalogue;
        this.definitionName = definitionName;
        this.json = json;
        String refText = text(json, "$ref");
        this.ref = refText == null ? null : refName(refText);
        this.type = text(json, "type");
        this.format = text(json, "format");
        Map<String, Schema> props = new LinkedHashMap<>();
        JsonNode propsNode = json.get("properties");
        if (propsNode != null && propsNode.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = propsNode.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                props.put(e.getKey(), new Schema(catalogue, null, e.getValue()));
            }
        }
        this.properties = Collections.unmodifiableMap(props);
        JsonNode itemsNode = json.get("items");
        this.items = itemsNode != null && itemsNode.isObject() ? new Schema(catalogue, null, itemsNode) : null;
        JsonNode additional = json.get("additionalProperties");
        if (additional != null && additional.isObject()) {
            this.additionalProperties = new Schema(catalogue, null, additional);
            this.additionalPropertiesAllowed = true;
        } else {
            this.additionalProperties = null;
            this.additionalPropertiesAllowed = additional != null && additional.asBoolean(false);
        }
        this.required = strings(json.get("required"));
        String strategy = text(json, "x-kubernetes-patch-strategy");
        this.patchStrategies = strategy == null || strategy.isEmpty()
                ? List.of()
                : List.of(strategy.split(","));
        this.patchMergeKey = text(json, "x-kubernetes-patch-merge-key");
        this.listType = text(json, "x-kubernetes-list-type");
        this.listMapKeys = strings(json.get("x-kubernetes-list-map-keys"));
        this.mapType = text(json, "x-kubernetes-map-type");
        // OpenAPI v2 marks IntOrString with a format; v3 and CRDs with the extension.
        this.intOrString = json.path("x-kubernetes-int-or-string").asBoolean(false)
                || "int-or-string".equals(format);
        this.preserveUnknownFields = json.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        this.embeddedResource = json.path("x-kubernetes-embedded-resource").asBoolean(false);
        this.groupVersionKinds = groupVersionKinds(json.get(GVK_EXTENSION));
    }

    /** A definition of the catalogue, parsed from its JSON. */
    static Schema definition(SchemaCatalogue catalogue, String name, JsonNode json) {
        return new Schema(catalogue, name, json);
    }

    /**
     * A schema that stands alone, e.g. a CustomResourceDefinition's {@code openAPIV3Schema}.
     * It may not use {@code $ref}: {@link #resolved()} of a {@code $ref} node throws.
     */
    public static Schema standalone(JsonNode json) {
        if (json == null || !json.isObject()) {
            throw new IllegalArgumentException("a schema is a JSON object");
        }
        return new Schema(null, null, json.deepCopy());
    }

    /** The definition's name if this node is a definition of the catalogue, else empty. */
    public Optional<String> definitionName() {
        return Optional.ofNullable(definitionName);
    }

    /** The name of the definition {@code $ref} points to, or empty when this node has none. */
    public Optional<String> ref() {
        return Optional.ofNullable(ref);
    }

    /**
     * The node that describes this node's type: the target of {@code $ref} (followed through
     * chains of references), or this node itself.
     *
     * @throws IllegalStateException when a reference names no definition of the catalogue
     */
    public Schema resolved() {
        Schema node = this;
        // A chain of plain references longer than the catalogue would be a loop; the document
        // has none, but a bad one must fail here rather than spin.
        for (int hops = 0; node.ref != null; hops++) {
            if (node.catalogue == null) {
                throw new IllegalStateException("$ref to " + node.ref + " outside a catalogue");
            }
            if (hops > 64) {
                throw new IllegalStateException("$ref loop through " + node.ref);
            }
            String target = node.ref;
            node = node.catalogue.definition(target)
                    .orElseThrow(() -> new IllegalStateException("$ref to unknown definition " + target));
        }
        return node;
    }

    /** {@code type} as written: object, array, string, integer, number, boolean; empty if absent. */
    public Optional<String> type() {
        return Optional.ofNullable(type);
    }

    /** {@code format} as written: int32, int64, date-time, byte, int-or-string...; empty if absent. */
    public Optional<String> format() {
        return Optional.ofNullable(format);
    }

    /** Properties as written, in the document's order. */
    public Map<String, Schema> properties() {
        return properties;
    }

    /** The schema of an array's elements, as written. */
    public Optional<Schema> items() {
        return Optional.ofNullable(items);
    }

    /** The schema of a map's values ({@code additionalProperties} as an object), as written. */
    public Optional<Schema> additionalProperties() {
        return Optional.ofNullable(additionalProperties);
    }

    /** Whether keys beyond {@link #properties()} are allowed: {@code additionalProperties} is a schema or true. */
    public boolean allowsAdditionalProperties() {
        return additionalPropertiesAllowed;
    }

    public List<String> required() {
        return required;
    }

    /** {@code x-kubernetes-patch-strategy} split on commas: e.g. [merge], [retainKeys], [merge, retainKeys]. */
    public List<String> patchStrategies() {
        return patchStrategies;
    }

    /** {@code x-kubernetes-patch-merge-key}. */
    public Optional<String> patchMergeKey() {
        return Optional.ofNullable(patchMergeKey);
    }

    /** {@code x-kubernetes-list-type}: atomic, set or map. */
    public Optional<String> listType() {
        return Optional.ofNullable(listType);
    }

    /** {@code x-kubernetes-list-map-keys}. */
    public List<String> listMapKeys() {
        return listMapKeys;
    }

    /** {@code x-kubernetes-map-type}: atomic or granular. */
    public Optional<String> mapType() {
        return Optional.ofNullable(mapType);
    }

    /** {@code x-kubernetes-int-or-string: true}, or v2's {@code format: int-or-string}. */
    public boolean intOrString() {
        return intOrString;
    }

    /** {@code x-kubernetes-preserve-unknown-fields: true}. */
    public boolean preservesUnknownFields() {
        return preserveUnknownFields;
    }

    /** {@code x-kubernetes-embedded-resource: true}. */
    public boolean embeddedResource() {
        return embeddedResource;
    }

    /** {@code x-kubernetes-group-version-kind} of a definition that is a top-level kind. */
    public List<GroupVersionKind> groupVersionKinds() {
        return groupVersionKinds;
    }

    /** Any keyword or extension of this node as written (a copy), e.g. {@code x-kubernetes-unions}. */
    public Optional<JsonNode> keyword(String name) {
        JsonNode value = json.get(name);
        return value == null ? Optional.empty() : Optional.of(value.deepCopy());
    }

    /** This node as written in the document (a copy): for deriving OpenAPI v3 and the like. */
    public ObjectNode json() {
        return ((ObjectNode) json).deepCopy();
    }

    /**
     * The schema of a field of this object type: a declared property, else the map's value
     * schema ({@code additionalProperties}); empty when the type says nothing about the name.
     */
    public Optional<Schema> field(String name) {
        Schema type = resolved();
        Schema property = type.properties.get(name);
        if (property != null) {
            return Optional.of(property);
        }
        return Optional.ofNullable(type.additionalProperties);
    }

    /** The schema of this array type's elements, empty when it is not an array. */
    public Optional<Schema> element() {
        return Optional.ofNullable(resolved().items);
    }

    /**
     * Walks a field path from this type: {@code at("spec", "template", "spec", "containers", "env")}.
     * Steps through arrays implicitly, so a name after a list field is a field of its elements.
     */
    public Optional<Schema> at(String... path) {
        Schema node = this;
        for (String name : path) {
            Schema type = node.resolved();
            while (type.items != null && type.properties.isEmpty()) {
                type = type.items.resolved();
            }
            Optional<Schema> next = type.field(name);
            if (next.isEmpty()) {
                return Optional.empty();
            }
            node = next.get();
        }
        return Optional.of(node);
    }

    /** The patch strategies and merge key of this node read as a field. */
    public PatchMeta patchMeta() {
        return PatchMeta.of(this);
    }

    @Override
    public String toString() {
        if (definitionName != null) {
            return "Schema[" + definitionName + "]";
        }
        return ref != null ? "Schema[$ref " + ref + "]" : "Schema[" + (type == null ? "untyped" : type) + "]";
    }

    private static String refName(String ref) {
        String prefix = "#/definitions/";
        return ref.startsWith(prefix) ? ref.substring(prefix.length()) : ref;
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static List<String> strings(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return List.of();
        }
        List<String> out = new ArrayList<>(node.size());
        node.forEach(v -> out.add(v.asText()));
        return List.copyOf(out);
    }

    static List<GroupVersionKind> groupVersionKinds(JsonNode node) {
        if (node == null || !node.isArray() || node.isEmpty()) {
            return List.of();
        }
        List<GroupVersionKind> out = new ArrayList<>(node.size());
        for (JsonNode gvk : node) {
            out.add(new GroupVersionKind(gvk.path("group").asText(""), gvk.path("version").asText(),
                    gvk.path("kind").asText()));
        }
        return List.copyOf(out);
    }
}
