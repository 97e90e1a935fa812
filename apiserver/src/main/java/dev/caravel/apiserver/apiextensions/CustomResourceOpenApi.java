package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.openapi.OpenApiDocuments;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * The OpenAPI of custom resources, as apiextensions-apiserver publishes it (its {@code builder}):
 * per served version a definition named by the reversed group ({@code com.example.stable.v1.CronTab}),
 * the version's schema with apiVersion, kind and metadata (ObjectMeta by reference) at the root
 * and {@code x-kubernetes-group-version-kind}, its List, and the paths with the
 * {@code fieldValidation} parameter kubectl looks for. {@code kubectl explain} reads the v3
 * document of the group-version; the v2 document gets the same definitions.
 */
final class CustomResourceOpenApi implements OpenApiDocuments.PublishedSchemas {

    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";
    private static final String LIST_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ListMeta";
    private static final String PATCH = "io.k8s.apimachinery.pkg.apis.meta.v1.Patch";
    private static final String V3_REF = "#/components/schemas/";
    private static final String API_VERSION_DESCRIPTION = "APIVersion defines the versioned schema of this representation "
            + "of an object. Servers should convert recognized schemas to the latest internal value, and may reject "
            + "unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
    private static final String KIND_DESCRIPTION = "Kind is a string value representing the REST resource this object "
            + "represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. "
            + "In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
    private static final String METADATA_DESCRIPTION = "Standard object's metadata. More info: "
            + "https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

    private final Supplier<List<CustomResourceType>> types;
    private final SchemaCatalogue kubernetes;

    CustomResourceOpenApi(Supplier<List<CustomResourceType>> types, SchemaCatalogue kubernetes) {
        this.types = types;
        this.kubernetes = kubernetes;
    }

    @Override
    public Optional<ObjectNode> v3Document(GroupVersion groupVersion, String serverVersion) {
        ObjectNode schemas = CustomResources.JSON.createObjectNode();
        ObjectNode paths = CustomResources.JSON.createObjectNode();
        boolean any = false;
        for (CustomResourceType type : types.get()) {
            Optional<CustomResourceType.Served> served = type.version(groupVersion.version());
            if (served.isEmpty() || !type.crd().group().equals(groupVersion.group())) {
                continue;
            }
            any = true;
            addDefinitions(served.get(), schemas);
            addPaths(served.get().definition(), paths);
        }
        if (!any) {
            return Optional.empty();
        }
        ObjectNode doc = CustomResources.JSON.createObjectNode();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes CRD Swagger");
        info.put("version", "v0.1.0");
        doc.set("paths", paths);
        ObjectNode components = doc.putObject("components");
        // The Kubernetes definitions custom resources refer to, and those they refer to in turn.
        ObjectNode seeds = CustomResources.JSON.createObjectNode();
        for (String name : List.of(OBJECT_META, LIST_META, PATCH)) {
            seeds.putObject(name).put("$ref", V3_REF + name);
        }
        ObjectNode all = OpenApiDocuments.kubernetesSchemasReachableFrom(seeds, kubernetes);
        all.setAll(schemas);
        components.set("schemas", all);
        return Optional.of(doc);
    }

    @Override
    public void addToV2(ObjectNode paths, ObjectNode definitions) {
        for (CustomResourceType type : types.get()) {
            for (CustomResourceType.Served served : type.served()) {
                ObjectNode v3 = CustomResources.JSON.createObjectNode();
                addDefinitions(served, v3);
                v3.properties().forEach(e -> definitions.set(e.getKey(), toV2(e.getValue())));
            }
        }
    }

    /** The reference's definition name: the group reversed, the version, the kind. */
    static String definitionName(String group, String version, String kind) {
        List<String> parts = new ArrayList<>(List.of(group.split("\\.")));
        java.util.Collections.reverse(parts);
        return String.join(".", parts) + "." + version + "." + kind;
    }

    private static void addDefinitions(CustomResourceType.Served served, ObjectNode schemas) {
        ResourceDefinition d = served.definition();
        ObjectNode schema = served.openApiSchema() == null ? CustomResources.JSON.createObjectNode()
                : ((ObjectNode) served.openApiSchema()).deepCopy();
        schema.put("type", "object");
        ObjectNode properties = schema.withObjectProperty("properties");
        ObjectNode rest = properties.deepCopy();
        properties.removeAll();
        properties.putObject("apiVersion").put("type", "string").put("description", API_VERSION_DESCRIPTION);
        properties.putObject("kind").put("type", "string").put("description", KIND_DESCRIPTION);
        ObjectNode metadata = properties.putObject("metadata");
        metadata.put("description", METADATA_DESCRIPTION);
        metadata.putArray("allOf").addObject().put("$ref", V3_REF + OBJECT_META);
        for (Iterator<Map.Entry<String, JsonNode>> it = rest.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (!List.of("apiVersion", "kind", "metadata").contains(e.getKey())) {
                properties.set(e.getKey(), e.getValue());
            }
        }
        gvk(schema, d.group(), d.version(), d.kind());
        schemas.set(definitionName(d.group(), d.version(), d.kind()), schema);

        ObjectNode list = CustomResources.JSON.createObjectNode();
        list.put("description", d.kind() + "List is a list of " + d.kind());
        list.put("type", "object");
        list.putArray("required").add("items");
        ObjectNode listProps = list.putObject("properties");
        listProps.putObject("apiVersion").put("type", "string").put("description", API_VERSION_DESCRIPTION);
        ObjectNode items = listProps.putObject("items");
        items.put("description", "List of " + d.resource() + ". More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md");
        items.put("type", "array");
        items.putObject("items").put("$ref", V3_REF + definitionName(d.group(), d.version(), d.kind()));
        listProps.putObject("kind").put("type", "string").put("description", KIND_DESCRIPTION);
        ObjectNode listMeta = listProps.putObject("metadata");
        listMeta.put("description", "Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds");
        listMeta.putArray("allOf").addObject().put("$ref", V3_REF + LIST_META);
        gvk(list, d.group(), d.version(), d.kind() + "List");
        schemas.set(definitionName(d.group(), d.version(), d.kind() + "List"), list);
    }

    private static void gvk(ObjectNode schema, String group, String version, String kind) {
        ObjectNode entry = schema.putArray("x-kubernetes-group-version-kind").addObject();
        entry.put("group", group);
        entry.put("kind", kind);
        entry.put("version", version);
    }

    /** The operations kubectl and helm look at: each write names its kind and takes fieldValidation. */
    private static void addPaths(ResourceDefinition d, ObjectNode paths) {
        String base = "/apis/" + d.group() + "/" + d.version() + "/" + (d.namespaced() ? "namespaces/{namespace}/" : "")
                + d.resource();
        String ref = V3_REF + definitionName(d.group(), d.version(), d.kind());
        ObjectNode collection = paths.putObject(base);
        operation(collection, "get", "list", d, ref + "List", List.of());
        operation(collection, "post", "post", d, ref, List.of("dryRun", "fieldManager", "fieldValidation"));
        ObjectNode item = paths.putObject(base + "/{name}");
        operation(item, "get", "get", d, ref, List.of());
        operation(item, "put", "put", d, ref, List.of("dryRun", "fieldManager", "fieldValidation"));
        operation(item, "patch", "patch", d, ref, List.of("dryRun", "fieldManager", "fieldValidation", "force"));
        operation(item, "delete", "delete", d, null, List.of("dryRun"));
        ArrayNode params = item.putArray("parameters");
        params.addObject().put("name", "name").put("in", "path").put("required", true)
                .putObject("schema").put("type", "string");
        if (d.namespaced()) {
            params.addObject().put("name", "namespace").put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
            ArrayNode collectionParams = collection.putArray("parameters");
            collectionParams.addObject().put("name", "namespace").put("in", "path").put("required", true)
                    .putObject("schema").put("type", "string");
        }
    }

    private static void operation(ObjectNode pathItem, String method, String action, ResourceDefinition d, String ref,
                                  List<String> queryParameters) {
        ObjectNode op = pathItem.putObject(method);
        op.put("operationId", action + d.kind());
        op.putArray("tags").add(d.group().replace(".", "") + "_" + d.version());
        ArrayNode params = op.putArray("parameters");
        for (String q : queryParameters) {
            params.addObject().put("name", q).put("in", "query").put("uniqueItems", true)
                    .putObject("schema").put("type", q.equals("force") ? "boolean" : "string");
        }
        if (ref != null && !method.equals("get")) {
            ObjectNode body = op.putObject("requestBody").putObject("content");
            String media = method.equals("patch") ? "application/merge-patch+json" : "application/json";
            body.putObject(media).putObject("schema").put("$ref", method.equals("patch")
                    ? V3_REF + PATCH : ref);
            if (method.equals("patch")) {
                body.putObject("application/apply-patch+yaml").putObject("schema")
                        .put("$ref", V3_REF + PATCH);
            }
        }
        ObjectNode ok = op.putObject("responses").putObject("200");
        ok.put("description", "OK");
        if (ref != null) {
            ok.putObject("content").putObject("application/json").putObject("schema").put("$ref", ref);
        }
        op.put("x-kubernetes-action", action);
        ObjectNode gvk = op.putObject("x-kubernetes-group-version-kind");
        gvk.put("group", d.group());
        gvk.put("version", d.version());
        gvk.put("kind", d.kind());
    }

    /** A v3 schema as v2 says it: references to definitions, no nullable nor the v3-only combinators. */
    static JsonNode toV2(JsonNode v3) {
        if (v3.isObject()) {
            ObjectNode out = CustomResources.JSON.createObjectNode();
            for (Iterator<Map.Entry<String, JsonNode>> it = v3.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (key.equals("nullable") || key.equals("anyOf") || key.equals("oneOf") || key.equals("not")) {
                    continue;
                }
                if (key.equals("$ref") && e.getValue().isTextual()) {
                    out.put("$ref", e.getValue().asText().replace(V3_REF, "#/definitions/"));
                } else if (key.equals("properties") || key.equals("patternProperties") || key.equals("definitions")) {
                    ObjectNode props = out.putObject(key);
                    e.getValue().properties().forEach(p -> props.set(p.getKey(), toV2(p.getValue())));
                } else if (key.equals("default") || key.equals("enum") || key.equals("example")) {
                    out.set(key, e.getValue().deepCopy());
                } else {
                    out.set(key, toV2(e.getValue()));
                }
            }
            return out;
        }
        if (v3.isArray()) {
            ArrayNode out = CustomResources.JSON.createArrayNode();
            v3.forEach(n -> out.add(toV2(n)));
            return out;
        }
        return v3.deepCopy();
    }
}
