package dev.caravel.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.discovery.ServedDocument;
import dev.caravel.apiserver.resource.ApiGroup;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.resource.ResourcePath;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The OpenAPI documents of the served resources, derived from Kubernetes' OpenAPI v2 document.
 *
 * <pre>
 *   /openapi/v3                       {"paths": {"api/v1": {"serverRelativeURL": "/openapi/v3/api/v1?hash=..."}, ...}}
 *   /openapi/v3/api/v1                OpenAPI 3.0 of one served group-version (and apis/{group}/{version})
 *   /openapi/v2                       the v2 document, cut to what is served (JSON);
 *                                     asked for as protobuf, an empty document (see below)
 * </pre>
 *
 * <p>kubectl and helm read the v3 index, then one group-version's document, looking for the
 * {@code fieldValidation} query parameter on the PATCH operation of the kind they send: found,
 * they send {@code fieldValidation=Strict} and let the server validate; otherwise, and for a
 * {@code kind: List} input, they validate on the client against {@code /openapi/v2}, which
 * client-go only asks for as gnostic's protobuf {@code openapi_v2.Document}. No published Java
 * artifact carries that message, so Caravel answers such a request with the empty document
 * (zero bytes, which protobuf decodes to a Document with no definitions): kubectl then finds
 * no schema for the kind and skips client-side validation, which the server does anyway,
 * where a JSON body or a 406 would fail the whole command. Why:
 * {@code docs/decisions/0012-discovery-and-openapi.md}.
 *
 * <p>Documents are built on first request and kept per catalogue generation; a group-version's
 * document is rebuilt only when its resources change, so the index's {@code ?hash=} of every
 * other group-version stays the same and clients keep their cached copies. Thread-safe.
 */
public final class OpenApiDocuments {

    public static final String V2_PROTOBUF = "application/com.github.proto-openapi.spec.v2@v1.0+protobuf";
    public static final String V3_PROTOBUF = "application/com.github.proto-openapi.spec.v3@v1.0+protobuf";
    /**
     * The Content-Type a protobuf v2 document is sent with: the asked type with '.' for '@',
     * as kube-apiserver sends it. client-go parses a response's Content-Type with Go's
     * {@code mime.ParseMediaType}, which refuses the '@', and fails the request.
     */
    public static final String V2_PROTOBUF_CONTENT_TYPE = "application/com.github.proto-openapi.spec.v2.v1.0+protobuf";
    private static final String JSON = "application/json";
    private static final String V3_PREFIX = "/openapi/v3/";
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private final ResourceCatalogue catalogue;
    private final SchemaCatalogue schemas;
    private final String serverVersion;
    private final PublishedSchemas published;
    /** The v2 document's paths and shared parameters, parsed once; never changed after. */
    private volatile JsonNode v2Paths;
    private volatile JsonNode v2Parameters;
    private volatile Built built;
    /** Group-version documents by the resources they were built for, kept across generations. */
    private final ConcurrentHashMap<GroupVersion, GroupVersionDocument> documents = new ConcurrentHashMap<>();

    private record GroupVersionDocument(List<ResourceDefinition> resources, ServedDocument document) {
    }

    private record Built(long generation, ServedDocument index, Map<String, ServedDocument> byPath,
            ServedDocument[] v2) {
    }

    /**
     * @param serverVersion the {@code gitVersion} {@code /version} reports ({@code v1.32.0}),
     *                      written as the documents' {@code info.version}
     */
    public OpenApiDocuments(ResourceCatalogue catalogue, SchemaCatalogue schemas, String serverVersion) {
        this(catalogue, schemas, serverVersion, PublishedSchemas.NONE);
    }

    /**
     * @param published the documents of group-versions Kubernetes' document does not have
     *                  (custom resources), asked again at each catalogue generation
     */
    public OpenApiDocuments(ResourceCatalogue catalogue, SchemaCatalogue schemas, String serverVersion,
                            PublishedSchemas published) {
        this.catalogue = Objects.requireNonNull(catalogue, "catalogue");
        this.schemas = Objects.requireNonNull(schemas, "schemas");
        this.serverVersion = Objects.requireNonNull(serverVersion, "serverVersion");
        this.published = Objects.requireNonNull(published, "published");
    }

    /**
     * The OpenAPI of resources outside Kubernetes' document: CustomResourceDefinitions' versions.
     * Whoever changes what they say changes the catalogue too (puts the resource again), so the
     * documents are rebuilt.
     */
    public interface PublishedSchemas {
        PublishedSchemas NONE = new PublishedSchemas() {
            @Override
            public Optional<ObjectNode> v3Document(GroupVersion groupVersion, String serverVersion) {
                return Optional.empty();
            }

            @Override
            public void addToV2(ObjectNode paths, ObjectNode definitions) {
            }
        };

        /** The whole OpenAPI 3.0 document of a group-version, or empty when it is not one of these. */
        Optional<ObjectNode> v3Document(GroupVersion groupVersion, String serverVersion);

        /** Adds these resources' paths and definitions to the v2 document. */
        void addToV2(ObjectNode paths, ObjectNode definitions);
    }

    /**
     * The document at {@code path}; empty when the path is not an OpenAPI document's (an
     * unknown group-version included: the caller answers 404).
     *
     * @param path   the request path without query
     * @param hash   the request's {@code hash} query parameter, or null
     * @param accept the request's Accept header, or null
     * @throws StatusException 406 when the header accepts no form the document exists in
     */
    public Optional<ServedDocument> get(String path, String hash, String accept) {
        String p = path.length() > 1 && path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
        if (p.equals("/openapi/v2")) {
            return Optional.of(v2(accept));
        }
        if (!p.equals("/openapi/v3") && !p.startsWith(V3_PREFIX)) {
            return Optional.empty();
        }
        Built b = current();
        ServedDocument doc = p.equals("/openapi/v3") ? b.index : b.byPath.get(p.substring(V3_PREFIX.length()));
        if (doc == null) {
            return Optional.empty();
        }
        if (!accepts(accept, JSON)) {
            throw StatusException.notAcceptable(List.of(JSON));
        }
        if (hash != null && !hash.isEmpty() && doc.etag().equals("\"" + hash + "\"")) {
            // The URL names these exact bytes: it may be cached for good.
            return Optional.of(doc.withHeaders(Map.of("Cache-Control", "public, immutable")));
        }
        return Optional.of(doc.withHeaders(Map.of("Cache-Control", "no-cache, private")));
    }

    /**
     * The v3 schemas of the Kubernetes definitions {@code node} refers to with
     * {@code #/components/schemas/} references, and of those they refer to: what a document
     * written outside Kubernetes' one (a custom resource's) must carry along.
     */
    public static ObjectNode kubernetesSchemasReachableFrom(JsonNode node, SchemaCatalogue catalogue) {
        return OpenApiV3Conversion.kubernetesSchemasReachableFrom(node, catalogue);
    }

    /** The v3 index: every served group-version's document path, with its hash. */
    public ServedDocument index() {
        return current().index;
    }

    private ServedDocument v2(String accept) {
        Built b = current();
        for (String type : mediaTypes(accept)) {
            if (type.equals(JSON) || type.equals("*/*") || type.equals("application/*")) {
                return v2Json(b);
            }
            if (type.equals(V2_PROTOBUF)) {
                return ServedDocument.of(V2_PROTOBUF_CONTENT_TYPE, new byte[0], Map.of());
            }
        }
        throw StatusException.notAcceptable(List.of(JSON, V2_PROTOBUF));
    }

    private ServedDocument v2Json(Built b) {
        ServedDocument doc = b.v2[0];
        if (doc == null) {
            doc = ServedDocument.json(JSON, v2Document(), Map.of());
            b.v2[0] = doc;
        }
        return doc;
    }

    private static boolean accepts(String accept, String type) {
        for (String t : mediaTypes(accept)) {
            if (t.equals(type) || t.equals("*/*") || t.equals("application/*")) {
                return true;
            }
        }
        return false;
    }

    /** The media types of an Accept header in its order, those with {@code q=0} left out. */
    private static List<String> mediaTypes(String accept) {
        if (accept == null || accept.isBlank()) {
            return List.of("*/*");
        }
        ArrayList<String> types = new ArrayList<>();
        for (String range : accept.split(",")) {
            String[] fields = range.split(";");
            boolean refused = false;
            for (int i = 1; i < fields.length; i++) {
                String f = fields[i].trim().replace(" ", "");
                refused |= f.equals("q=0") || f.equals("q=0.0") || f.equals("q=0.00") || f.equals("q=0.000");
            }
            if (!refused) {
                types.add(fields[0].trim().toLowerCase(Locale.ROOT));
            }
        }
        return types;
    }

    private Built current() {
        ResourceCatalogue.Snapshot snapshot = catalogue.snapshot();
        Built b = built;
        if (b == null || b.generation != snapshot.generation()) {
            b = build(snapshot);
            built = b;
        }
        return b;
    }

    private Built build(ResourceCatalogue.Snapshot snapshot) {
        Map<String, ServedDocument> byPath = new LinkedHashMap<>();
        ObjectNode index = NODES.objectNode();
        ObjectNode paths = index.putObject("paths");
        for (ApiGroup g : snapshot.groups()) {
            for (ApiGroup.Version v : g.versions()) {
                GroupVersion gv = v.groupVersion();
                if (!hasV2Paths(gv)) {
                    // a CRD's group-version: its schema is not in Kubernetes' document
                    Optional<ObjectNode> custom = published.v3Document(gv, serverVersion);
                    if (custom.isPresent()) {
                        ServedDocument document = ServedDocument.json(JSON, custom.get(), Map.of());
                        String etag = document.etag();
                        byPath.put(gv.pathPrefix(), document);
                        paths.putObject(gv.pathPrefix()).put("serverRelativeURL",
                                V3_PREFIX + gv.pathPrefix() + "?hash=" + etag.substring(1, etag.length() - 1));
                    }
                    continue;
                }
                GroupVersionDocument cached = documents.get(gv);
                if (cached == null || !cached.resources().equals(v.resources())) {
                    cached = new GroupVersionDocument(v.resources(),
                            ServedDocument.json(JSON, groupVersionDocument(gv, snapshot), Map.of()));
                    documents.put(gv, cached);
                }
                String etag = cached.document().etag();
                byPath.put(gv.pathPrefix(), cached.document());
                paths.putObject(gv.pathPrefix()).put("serverRelativeURL",
                        V3_PREFIX + gv.pathPrefix() + "?hash=" + etag.substring(1, etag.length() - 1));
            }
        }
        documents.keySet().removeIf(gv -> snapshot.groupVersion(gv).isEmpty());
        return new Built(snapshot.generation(), ServedDocument.json(JSON, index, Map.of()), Map.copyOf(byPath),
                new ServedDocument[1]);
    }

    private JsonNode paths() {
        JsonNode p = v2Paths;
        if (p == null) {
            p = schemas.section("paths").orElseThrow(() -> new IllegalStateException("the OpenAPI document has no paths"));
            v2Parameters = schemas.section("parameters").orElseGet(NODES::objectNode);
            v2Paths = p;
        }
        return p;
    }

    private JsonNode parameters() {
        paths();
        return v2Parameters;
    }

    private boolean hasV2Paths(GroupVersion gv) {
        return paths().has("/" + gv.pathPrefix() + "/");
    }

    /** Whether a v2 path is served: a served resource or subresource, or a served group-version's root. */
    private static boolean served(String path, GroupVersion only, ResourceCatalogue.Snapshot snapshot) {
        Optional<ResourcePath> place = ResourcePath.parse(path);
        if (place.isEmpty()) {
            return only != null && path.equals("/" + only.pathPrefix() + "/");
        }
        ResourcePath rp = place.get();
        if (only != null && !rp.groupVersion().equals(only)) {
            return false;
        }
        Optional<ResourceDefinition> resource = snapshot.resource(rp.groupVersion(), rp.resource());
        return resource.isPresent() && (rp.subresource() == null || resource.get().subresource(rp.subresource()).isPresent());
    }

    private ObjectNode groupVersionDocument(GroupVersion gv, ResourceCatalogue.Snapshot snapshot) {
        ObjectNode doc = NODES.objectNode();
        doc.put("openapi", "3.0.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", serverVersion);
        ObjectNode paths = doc.putObject("paths");
        JsonNode parameters = parameters();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (served(e.getKey(), gv, snapshot)) {
                paths.set(e.getKey(), OpenApiV3Conversion.pathItem(e.getValue(), parameters));
            }
        }
        ObjectNode components = doc.putObject("components");
        components.set("schemas", OpenApiV3Conversion.reachableSchemas(paths,
                name -> schemas.definition(name).map(s -> (JsonNode) s.json())));
        ObjectNode bearer = components.putObject("securitySchemes").putObject("BearerToken");
        bearer.put("type", "apiKey");
        bearer.put("description", "Bearer Token authentication");
        bearer.put("name", "authorization");
        bearer.put("in", "header");
        doc.putArray("security").addObject().putArray("BearerToken");
        return doc;
    }

    /** The v2 document with only the served paths, and no media type Caravel does not speak. */
    private ObjectNode v2Document() {
        ResourceCatalogue.Snapshot snapshot = catalogue.snapshot();
        ObjectNode doc = NODES.objectNode();
        doc.put("swagger", "2.0");
        ObjectNode info = doc.putObject("info");
        info.put("title", "Kubernetes");
        info.put("version", serverVersion);
        ObjectNode paths = doc.putObject("paths");
        for (Iterator<Map.Entry<String, JsonNode>> it = paths().fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            String path = e.getKey();
            boolean root = path.equals("/api/") || path.equals("/apis/") || path.equals("/version/")
                    || snapshot.groups().stream().anyMatch(g -> !g.name().isEmpty() && path.equals("/apis/" + g.name() + "/"))
                    || snapshot.groupVersions().stream().anyMatch(gv -> path.equals("/" + gv.pathPrefix() + "/"));
            if (root || served(path, null, snapshot)) {
                paths.set(path, withoutUnspokenMediaTypes(e.getValue().deepCopy()));
            }
        }
        JsonNode definitions = schemas.section("definitions").orElseGet(NODES::objectNode);
        published.addToV2(paths, (ObjectNode) definitions);
        doc.set("definitions", definitions);
        doc.set("parameters", parameters().deepCopy());
        schemas.section("securityDefinitions").ifPresent(s -> doc.set("securityDefinitions", s));
        schemas.section("security").ifPresent(s -> doc.set("security", s));
        return doc;
    }

    private static JsonNode withoutUnspokenMediaTypes(JsonNode item) {
        for (JsonNode op : item) {
            if (op.isObject()) {
                for (String list : List.of("consumes", "produces")) {
                    if (op.get(list) instanceof ArrayNode types) {
                        for (int i = types.size() - 1; i >= 0; i--) {
                            if (!OpenApiV3Conversion.spoken(types.get(i).asText())) {
                                types.remove(i);
                            }
                        }
                    }
                }
            }
        }
        return item;
    }
}
