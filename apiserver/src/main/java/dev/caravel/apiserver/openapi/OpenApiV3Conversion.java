package dev.caravel.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * Turns parts of Kubernetes' OpenAPI v2 document into OpenAPI 3.0 the way kube-apiserver's
 * v3 documents read:
 * <ul>
 *   <li>{@code #/definitions/X} becomes {@code #/components/schemas/X}; a {@code $ref} with
 *       sibling keywords (a field's patch strategy next to its type's ref) is wrapped as
 *       {@code allOf: [{$ref}]} with the siblings kept beside it, since OpenAPI 3.0 ignores the
 *       siblings of a {@code $ref}. kubectl's patch metadata and {@code explain} read both forms.</li>
 *   <li>Parameters are inlined (v2's {@code #/parameters/...} resolved) and their type moves
 *       into {@code schema}; the body parameter becomes a {@code requestBody} with one content
 *       entry per media type the operation consumes.</li>
 *   <li>Responses get a description and one content entry per media type produced.</li>
 *   <li>{@code x-kubernetes-*} extensions are kept where they were.</li>
 * </ul>
 * Media types Caravel does not speak (CBOR, which the 1.36 document lists and 1.31 to 1.34
 * do not) are left out everywhere.
 */
final class OpenApiV3Conversion {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final String V2_DEFINITIONS = "#/definitions/";
    private static final String V3_SCHEMAS = "#/components/schemas/";
    private static final String V2_PARAMETERS = "#/parameters/";
    private static final Set<String> METHODS = Set.of("get", "put", "post", "delete", "options", "head", "patch");
    /** Operations that write an object: kubectl looks for fieldValidation on them. */
    private static final Set<String> WRITES = Set.of("post", "put", "patch");
    private static final Set<String> PARAMETER_SCHEMA_KEYWORDS =
            Set.of("type", "format", "items", "enum", "default", "uniqueItems", "minimum", "maximum", "pattern");

    /**
     * Definitions whose Go types declare other types for v3 than for v2
     * ({@code OpenAPIV3OneOfTypes}), which the v2 document cannot carry: v2 says "a string",
     * v3 says "one of these". {@code kubectl explain} shows such a field by its type's name
     * ({@code <IntOrString>}, {@code map[string]Quantity}) only when the schema has no
     * {@code type}, as in kube-apiserver's v3 documents.
     */
    private static final Map<String, List<String>> V3_ONE_OF_TYPES = Map.of(
            "io.k8s.apimachinery.pkg.util.intstr.IntOrString", List.of("integer", "string"),
            "io.k8s.apimachinery.pkg.api.resource.Quantity", List.of("string", "number"));

    private OpenApiV3Conversion() {
    }

    /** A v2 definition as a v3 schema. */
    static JsonNode definition(String name, JsonNode v2) {
        JsonNode v3 = schema(v2);
        List<String> oneOf = V3_ONE_OF_TYPES.get(name);
        if (oneOf != null && v3 instanceof ObjectNode object) {
            object.remove("type");
            ArrayNode alternatives = object.putArray("oneOf");
            oneOf.forEach(t -> alternatives.addObject().put("type", t));
        }
        return v3;
    }

    /** Whether Caravel sends or accepts this media type. */
    static boolean spoken(String mediaType) {
        return !mediaType.contains("cbor");
    }

    /** One v2 path item as v3; {@code parameters} are the v2 document's shared parameters. */
    static ObjectNode pathItem(JsonNode v2, JsonNode parameters) {
        ObjectNode item = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v2.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (METHODS.contains(e.getKey())) {
                item.set(e.getKey(), operation(e.getKey(), e.getValue(), parameters));
            } else if (e.getKey().equals("parameters")) {
                ArrayNode params = NODES.arrayNode();
                for (JsonNode p : e.getValue()) {
                    JsonNode resolved = resolveParameter(p, parameters);
                    if (!resolved.path("in").asText().equals("body")) {
                        params.add(parameter(resolved));
                    }
                }
                item.set("parameters", params);
            } else if (e.getKey().startsWith("x-")) {
                item.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return item;
    }

    private static ObjectNode operation(String method, JsonNode v2, JsonNode parameters) {
        ObjectNode op = NODES.objectNode();
        copy(v2, op, "tags");
        copy(v2, op, "description");
        copy(v2, op, "operationId");
        ArrayNode params = NODES.arrayNode();
        JsonNode body = null;
        boolean fieldValidation = false;
        for (JsonNode p : v2.path("parameters")) {
            JsonNode resolved = resolveParameter(p, parameters);
            if (resolved.path("in").asText().equals("body")) {
                body = resolved;
            } else {
                fieldValidation |= resolved.path("name").asText().equals("fieldValidation")
                        && resolved.path("in").asText().equals("query");
                params.add(parameter(resolved));
            }
        }
        if (WRITES.contains(method) && !fieldValidation && v2.has("x-kubernetes-group-version-kind")) {
            // kubectl and helm send fieldValidation=Strict only to operations that declare it,
            // and otherwise fetch /openapi/v2 to validate on the client. The document declares
            // it on every write; this keeps the promise should an operation lack it.
            ObjectNode p = params.addObject();
            p.put("name", "fieldValidation");
            p.put("in", "query");
            p.putObject("schema").put("type", "string").put("uniqueItems", true);
        }
        if (!params.isEmpty()) {
            op.set("parameters", params);
        }
        if (body != null) {
            ObjectNode requestBody = op.putObject("requestBody");
            ObjectNode content = requestBody.putObject("content");
            for (String mediaType : mediaTypes(v2.path("consumes"))) {
                content.putObject(mediaType).set("schema", schema(body.path("schema")));
            }
            if (body.path("required").asBoolean(false)) {
                requestBody.put("required", true);
            }
        }
        ObjectNode responses = op.putObject("responses");
        List<String> produces = mediaTypes(v2.path("produces"));
        for (Iterator<Map.Entry<String, JsonNode>> it = v2.path("responses").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            ObjectNode response = responses.putObject(e.getKey());
            response.put("description", e.getValue().path("description").asText(reasonPhrase(e.getKey())));
            if (e.getValue().has("schema")) {
                ObjectNode content = response.putObject("content");
                for (String mediaType : produces) {
                    content.putObject(mediaType).set("schema", schema(e.getValue().get("schema")));
                }
            }
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v2.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().startsWith("x-")) {
                op.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        return op;
    }

    private static List<String> mediaTypes(JsonNode list) {
        ArrayList<String> out = new ArrayList<>();
        list.forEach(m -> {
            if (spoken(m.asText())) {
                out.add(m.asText());
            }
        });
        return out;
    }

    private static String reasonPhrase(String code) {
        return switch (code) {
            case "200" -> "OK";
            case "201" -> "Created";
            case "202" -> "Accepted";
            case "401" -> "Unauthorized";
            default -> "";
        };
    }

    private static JsonNode resolveParameter(JsonNode p, JsonNode parameters) {
        String ref = p.path("$ref").asText("");
        if (ref.startsWith(V2_PARAMETERS)) {
            JsonNode shared = parameters.get(ref.substring(V2_PARAMETERS.length()));
            if (shared == null) {
                throw new IllegalArgumentException("the OpenAPI document has no parameter " + ref);
            }
            return shared;
        }
        return p;
    }

    /** A v2 non-body parameter as v3: name, in, description, required, and the type in schema. */
    private static ObjectNode parameter(JsonNode v2) {
        ObjectNode p = NODES.objectNode();
        copy(v2, p, "name");
        copy(v2, p, "in");
        copy(v2, p, "description");
        copy(v2, p, "required");
        ObjectNode schema = NODES.objectNode();
        for (Iterator<Map.Entry<String, JsonNode>> it = v2.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (PARAMETER_SCHEMA_KEYWORDS.contains(e.getKey())) {
                schema.set(e.getKey(), e.getValue().deepCopy());
            } else if (e.getKey().startsWith("x-")) {
                p.set(e.getKey(), e.getValue().deepCopy());
            }
        }
        p.set("schema", schema);
        return p;
    }

    /** A v2 schema as v3, refs rewritten (recursively: properties, items, additionalProperties). */
    static JsonNode schema(JsonNode v2) {
        if (!v2.isObject()) {
            return v2.deepCopy();
        }
        ObjectNode out = NODES.objectNode();
        String ref = v2.path("$ref").asText(null);
        if (ref != null && v2.size() > 1) {
            out.putArray("allOf").addObject().put("$ref", rewrite(ref));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v2.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String key = e.getKey();
            JsonNode value = e.getValue();
            switch (key) {
                case "$ref" -> {
                    if (v2.size() == 1) {
                        out.put("$ref", rewrite(ref));
                    }
                }
                case "properties" -> {
                    ObjectNode props = out.putObject("properties");
                    value.fields().forEachRemaining(p -> props.set(p.getKey(), schema(p.getValue())));
                }
                case "items", "additionalProperties", "not" -> out.set(key, schema(value));
                case "allOf", "anyOf", "oneOf" -> {
                    ArrayNode list = out.putArray(key);
                    value.forEach(s -> list.add(schema(s)));
                }
                default -> out.set(key, value.deepCopy());
            }
        }
        return out;
    }

    private static String rewrite(String ref) {
        return ref.startsWith(V2_DEFINITIONS) ? V3_SCHEMAS + ref.substring(V2_DEFINITIONS.length()) : ref;
    }

    /**
     * The v3 schemas of every definition {@code document} refers to, directly or through other
     * definitions, by name.
     */
    static ObjectNode reachableSchemas(JsonNode document, Function<String, Optional<JsonNode>> definitions) {
        TreeMap<String, JsonNode> found = new TreeMap<>();
        Deque<String> pending = new ArrayDeque<>();
        collectRefs(document, pending);
        while (!pending.isEmpty()) {
            String name = pending.pop();
            if (found.containsKey(name)) {
                continue;
            }
            JsonNode v2 = definitions.apply(name).orElseThrow(
                    () -> new IllegalArgumentException("the OpenAPI document has no definition " + name));
            JsonNode v3 = definition(name, v2);
            found.put(name, v3);
            collectRefs(v3, pending);
        }
        ObjectNode schemas = NODES.objectNode();
        found.forEach(schemas::set);
        return schemas;
    }

    /**
     * The v3 schemas of the Kubernetes definitions (ObjectMeta, ListMeta...) that {@code node}, a
     * v3 schema written outside Kubernetes' document (a custom resource's), refers to with
     * {@code #/components/schemas/} references, and those they refer to.
     */
    static ObjectNode kubernetesSchemasReachableFrom(JsonNode node, dev.caravel.apiserver.schema.SchemaCatalogue catalogue) {
        return reachableSchemas(node, name -> catalogue.definition(name).map(s -> (JsonNode) s.json()));
    }

    private static void collectRefs(JsonNode node, Deque<String> into) {
        if (node.isObject()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getKey().equals("$ref") && e.getValue().isTextual()
                        && e.getValue().asText().startsWith(V3_SCHEMAS)) {
                    into.push(e.getValue().asText().substring(V3_SCHEMAS.length()));
                } else {
                    collectRefs(e.getValue(), into);
                }
            }
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, into));
        }
    }

    private static void copy(JsonNode from, ObjectNode to, String name) {
        JsonNode value = from.get(name);
        if (value != null) {
            to.set(name, value.deepCopy());
        }
    }
}
