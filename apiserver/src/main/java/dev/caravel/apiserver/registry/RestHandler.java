package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.caravel.apiserver.api.GoJsonEscapes;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.apply.FieldManager;
import dev.caravel.apiserver.auth.ServiceAccountTokens;
import dev.caravel.apiserver.cache.CachedObject;
import dev.caravel.apiserver.cache.ListResult;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.http.NonResourceEndpoints;
import dev.caravel.apiserver.http.ResponseStream;
import dev.caravel.apiserver.http.Stage;
import dev.caravel.apiserver.patch.JsonMergePatch;
import dev.caravel.apiserver.patch.JsonPatch;
import dev.caravel.apiserver.patch.PatchException;
import dev.caravel.apiserver.patch.StrategicMergePatch;
import dev.caravel.apiserver.printer.IncludeObject;
import dev.caravel.apiserver.printer.PartialObjectMetadata;
import dev.caravel.apiserver.printer.TablePrinter;
import dev.caravel.apiserver.protobuf.ProtobufDecoder;
import dev.caravel.apiserver.request.CreateOptions;
import dev.caravel.apiserver.request.DeleteOptions;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.request.ListOptions;
import dev.caravel.apiserver.request.PatchOptions;
import dev.caravel.apiserver.request.PatchType;
import dev.caravel.apiserver.request.RequestInfo;
import dev.caravel.apiserver.request.RequestUser;
import dev.caravel.apiserver.request.UpdateOptions;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.apiserver.validation.StrictJson;

import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The REST handler of resources, the pipeline's last stage for resource requests: decodes the
 * body (JSON, YAML or protobuf), checks it against the URL, calls the resource's
 * {@link GenericStore} and writes the answer in the form asked for (JSON, Table,
 * PartialObjectMetadata). Watches are streamed by {@link WatchHandler}.
 */
public final class RestHandler implements Stage {

    static final ObjectMapper JSON = new ObjectMapper(GoJsonEscapes.factory());
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final String YAML_TYPE = "application/yaml";
    private static final Set<String> OWN_SUBRESOURCES = Set.of("", "status", "scale", "finalize");
    /** Lists above this many bytes are sent chunked. */
    private static final int STREAMED_LIST_BYTES = 1 << 20;
    /**
     * The chunks' size: under half a G1 region (1 MiB regions below a 2 GiB heap, 2 MiB to 4 GiB),
     * so they are ordinary young objects, not humongous ones that each take regions of their own.
     */
    private static final int LIST_CHUNK_BYTES = 256 * 1024;
    private static final Set<String> COLLECTION_VERBS = Set.of("list", "watch", "deletecollection");

    private final Registry registry;
    private final ObjectValidator validator;
    private final TablePrinter printer;
    private final ProtobufDecoder protobuf;
    private final SchemaCatalogue schemas;
    private final AnsweredCreates answered;

    public RestHandler(Registry registry, ObjectValidator validator, TablePrinter printer, ProtobufDecoder protobuf,
                       SchemaCatalogue schemas) {
        this(registry, validator, printer, protobuf, schemas, ServiceAccountTokens.inMemory(Clock.systemUTC()));
    }

    /** @param tokens issues and checks service-account tokens (token requests and reviews) */
    public RestHandler(Registry registry, ObjectValidator validator, TablePrinter printer, ProtobufDecoder protobuf,
                       SchemaCatalogue schemas, ServiceAccountTokens tokens) {
        this.registry = registry;
        this.validator = validator;
        this.printer = printer;
        this.protobuf = protobuf;
        this.schemas = schemas;
        this.answered = new AnsweredCreates(registry, tokens, tokens.clock());
    }

    @Override
    public ApiResponse handle(ApiRequest request, Chain next) throws Exception {
        RequestInfo info = request.info();
        Optional<ResourceDefinition> served = registry.catalogue().snapshot()
                .resource(new GroupVersion(info.apiGroup(), info.apiVersion()), info.resource());
        Optional<AnsweredCreate> answer = answered.find(info.apiGroup(), info.resource(), info.subresource());
        if (served.isPresent() && answer.isPresent()) {
            return answer(request, served.get(), answer.get());
        }
        ResourceDefinition definition = served
                .filter(d -> d.storageVersion() != null)
                .orElseThrow(NonResourceEndpoints::notFound);
        String subresource = info.subresource();
        if (!OWN_SUBRESOURCES.contains(subresource)
                || (!subresource.isEmpty() && definition.subresource(subresource).isEmpty())) {
            throw NonResourceEndpoints.notFound();
        }
        // A list or watch pinned by fieldSelector=metadata.name carries that name for authorization
        // only: across namespaces it is still a collection request.
        boolean named = !info.name().isEmpty() && !COLLECTION_VERBS.contains(info.verb());
        if (definition.namespaced() && named && info.namespace().isEmpty()) {
            throw NonResourceEndpoints.notFound();
        }
        GenericStore store = registry.store(definition);
        String namespace = definition.namespaced() ? info.namespace() : "";
        GroupResource resource = store.strategy().groupResource();
        ApiResponse response = switch (info.verb()) {
            case "get" -> subresource.equals("scale")
                    ? object(request, resource, store.strategy().scaleOf(store.get(namespace, info.name())), 200)
                    : object(request, resource, store.get(namespace, info.name()), 200);
            case "list" -> list(request, store, store.listPage(namespace, ListOptions.fromQuery(request.query())));
            case "watch" -> new WatchHandler(store, printer, JSON).watch(request, namespace,
                    ListOptions.fromQuery(request.query()));
            case "create" -> create(request, store, namespace, info);
            case "update" -> update(request, store, namespace, info);
            case "patch" -> patch(request, store, namespace, info);
            case "delete" -> delete(request, store, namespace, info);
            case "deletecollection" -> {
                ObjectNode deleted = store.deleteCollection(namespace, ListOptions.fromQuery(request.query()),
                        DeleteOptions.read(request.query(), deleteBody(request)));
                yield list(request, resource, deleted);
            }
            default -> throw StatusException.methodNotSupported(resource, info.verb());
        };
        List<String> warnings = store.strategy().warnings();
        return warnings.isEmpty() ? response : response.withWarnings(warnings);
    }

    /** A create answered without storing what was sent ({@link AnsweredCreate}): reviews, tokens, bindings. */
    private ApiResponse answer(ApiRequest request, ResourceDefinition definition, AnsweredCreate endpoint) {
        RequestInfo info = request.info();
        GroupResource resource = new GroupResource(definition.group(), info.subresource().isEmpty()
                ? definition.resource() : definition.resource() + "/" + info.subresource());
        if (!info.verb().equals("create")) {
            throw StatusException.methodNotSupported(resource, info.verb());
        }
        if (definition.namespaced() && info.namespace().isEmpty()) {
            throw NonResourceEndpoints.notFound();
        }
        if (!info.subresource().isEmpty() && info.name().isEmpty()) {
            throw NonResourceEndpoints.notFound();
        }
        CreateOptions options = CreateOptions.fromQuery(request.query());
        Decoded decoded = decode(request, endpoint.bodyKind());
        ObjectNode body = decoded.object();
        if (definition.namespaced()) {
            String bodyNamespace = StoredObjects.text(body, "metadata", "namespace");
            if (bodyNamespace.isEmpty()) {
                body.withObjectProperty("metadata").put("namespace", info.namespace());
            } else if (!bodyNamespace.equals(info.namespace())) {
                throw StatusException.namespaceMismatch();
            }
        }
        List<String> warnings = validator.decode(new ObjectValidator.Target(endpoint.bodyKind(), definition.namespaced()),
                body, decoded.duplicates(), options.fieldValidation());
        AnsweredCreate.Answer answer = endpoint.create(new AnsweredCreate.Call(
                definition.namespaced() ? info.namespace() : "", info.name(), body, options.dryRun(), RequestUser.UNSECURED));
        return write(answer.code(), answer.body()).withWarnings(warnings);
    }

    // ---- writes -------------------------------------------------------------------------------

    private ApiResponse create(ApiRequest request, GenericStore store, String namespace, RequestInfo info) {
        if (!info.subresource().isEmpty() || !info.name().isEmpty()) {
            throw StatusException.methodNotSupported(store.strategy().groupResource(), "create");
        }
        CreateOptions options = CreateOptions.fromQuery(request.query());
        Decoded decoded = decode(request, store.definition());
        requireNamespace(decoded.object(), namespace, store, true);
        List<String> warnings = store.strategy().decode(validator, decoded.object(), decoded.duplicates(),
                options.fieldValidation());
        ObjectNode created = store.create(namespace, decoded.object(), options.dryRun(),
                GenericStore.Manager.update(FieldManager.managerFor(options.fieldManager(), request.header("user-agent"))));
        return object(request, store.strategy().groupResource(), created, 201).withWarnings(warnings);
    }

    private ApiResponse update(ApiRequest request, GenericStore store, String namespace, RequestInfo info) {
        UpdateOptions options = UpdateOptions.fromQuery(request.query());
        GroupResource resource = store.strategy().groupResource();
        String manager = FieldManager.managerFor(options.fieldManager(), request.header("user-agent"));
        if (info.subresource().equals("scale")) {
            ObjectNode scale = parseJsonOrYaml(request, "Scale");
            ObjectNode updated = store.update(namespace, info.name(), live -> store.strategy().withScale(live, scale),
                    GenericStore.Target.MAIN, false, options.dryRun(), GenericStore.Manager.update(manager));
            return object(request, resource, store.strategy().scaleOf(updated), 200);
        }
        Decoded decoded = decode(request, store.definition());
        requireNamespace(decoded.object(), namespace, store, false);
        List<String> warnings = store.strategy().decode(validator, decoded.object(), decoded.duplicates(),
                options.fieldValidation());
        ObjectNode updated = store.update(namespace, info.name(), live -> decoded.object().deepCopy(),
                target(info.subresource()), false, options.dryRun(), GenericStore.Manager.update(manager));
        return object(request, resource, updated, 200).withWarnings(warnings);
    }

    private static GenericStore.Target target(String subresource) {
        return switch (subresource) {
            case "status" -> GenericStore.Target.STATUS;
            case "finalize" -> GenericStore.Target.FINALIZE;
            default -> GenericStore.Target.MAIN;
        };
    }

    private ApiResponse patch(ApiRequest request, GenericStore store, String namespace, RequestInfo info) {
        PatchType type = PatchType.fromContentType(request.header("content-type"), PatchType.BUILT_IN);
        if (type == PatchType.STRATEGIC_MERGE_PATCH && !store.strategy().acceptsStrategicMergePatch()) {
            throw StatusException.unsupportedMediaType(List.of(PatchType.JSON_PATCH.mediaType(),
                    PatchType.MERGE_PATCH.mediaType(), PatchType.APPLY_YAML.mediaType()));
        }
        PatchOptions options = PatchOptions.fromQuery(request.query(), type);
        GroupResource resource = store.strategy().groupResource();
        String manager = FieldManager.managerFor(options.fieldManager(), request.header("user-agent"));
        GroupVersionKind kind = store.definition().groupVersionKind();
        boolean scale = info.subresource().equals("scale");
        Schema schema = scale ? null : schemas.forKind(kind).orElse(null);
        JsonNode patch;
        try {
            patch = type.isApply() ? YAML.readTree(request.body()) : JSON.readTree(request.body());
        } catch (IOException e) {
            throw StatusException.badRequest("error decoding patch: " + e.getMessage());
        }
        if (patch == null || patch.isMissingNode()) {
            throw StatusException.badRequest("error decoding patch: empty body");
        }
        List<String> warnings = new ArrayList<>();
        // Server-side apply of a missing object creates it, and kube-apiserver then answers 201.
        boolean[] created = {false};
        ObjectNode result;
        try {
            result = store.update(namespace, info.name(), live -> {
                warnings.clear();
                created[0] = live == null;
                if (type.isApply()) {
                    if (!(patch instanceof ObjectNode config)) {
                        throw StatusException.badRequest("error decoding YAML: the apply configuration is not an object");
                    }
                    requireNamespace(config, namespace, store, false);
                    return store.apply(live, config, manager, options.isForced());
                }
                if (live == null) {
                    throw StatusException.notFound(resource, info.name());
                }
                if (scale) {
                    ObjectNode patchedScale = applyPatch(type, store.strategy().scaleOf(live), patch, null);
                    return store.strategy().withScale(live, patchedScale);
                }
                ObjectNode patched = applyPatch(type, live, patch, schema);
                warnings.addAll(store.strategy().decode(validator, patched, List.of(), options.fieldValidation()));
                return patched;
            }, scale ? GenericStore.Target.MAIN : target(info.subresource()), type.isApply() && !scale,
                    options.dryRun(), new GenericStore.Manager(manager, type.isApply()));
        } catch (PatchException e) {
            throw new StatusException(Status.failure(e.code(), StatusReason.fromWireName(e.reason()), e.getMessage(), null));
        }
        int code = created[0] && type.isApply() ? 201 : 200;
        return object(request, resource, scale ? store.strategy().scaleOf(result) : result, code).withWarnings(warnings);
    }

    private static ObjectNode applyPatch(PatchType type, ObjectNode live, JsonNode patch, Schema schema) {
        JsonNode patched = switch (type) {
            case JSON_PATCH -> JsonPatch.apply(live, patch);
            case MERGE_PATCH -> JsonMergePatch.apply(live, patch);
            case STRATEGIC_MERGE_PATCH -> schema == null ? JsonMergePatch.apply(live, patch)
                    : StrategicMergePatch.apply(live, patch, schema);
            default -> throw StatusException.unsupportedMediaType(List.of(type.mediaType()));
        };
        if (!(patched instanceof ObjectNode object)) {
            throw StatusException.badRequest("the patch did not produce an object");
        }
        return object;
    }

    private ApiResponse delete(ApiRequest request, GenericStore store, String namespace, RequestInfo info) {
        DeleteOptions options = DeleteOptions.read(request.query(), deleteBody(request));
        GenericStore.Deletion deletion = store.delete(namespace, info.name(), options);
        GroupResource resource = store.strategy().groupResource();
        if (!deletion.deleted() || store.strategy().returnsDeletedObject()) {
            // kube-apiserver answers 202 only for a pending delete that asked, the deprecated
            // way, for its dependents to be deleted; every other pending delete is a 200
            boolean accepted = !deletion.deleted() && Boolean.FALSE.equals(options.orphanDependents());
            return object(request, resource, deletion.object(), accepted ? 202 : 200);
        }
        return ApiResponse.json(200, store.deletedStatus(deletion.object()).toResponseBody());
    }

    /** The DeleteOptions body as JSON: client-go sends it as protobuf when it speaks protobuf. */
    private byte[] deleteBody(ApiRequest request) {
        byte[] body = request.body();
        String contentType = request.header("content-type");
        if (body.length == 0) {
            return body;
        }
        try {
            if (contentType.startsWith(ProtobufDecoder.CONTENT_TYPE)) {
                RequestInfo info = request.info();
                return JSON.writeValueAsBytes(protobuf.decode(body,
                        new GroupVersionKind(info.apiGroup(), info.apiVersion(), "DeleteOptions")));
            }
            if (!contentType.startsWith(YAML_TYPE)) {
                return body;
            }
            return JSON.writeValueAsBytes(YAML.readTree(body));
        } catch (IOException e) {
            throw StatusException.badRequest("invalid DeleteOptions body: " + e.getMessage());
        }
    }

    // ---- decoding -----------------------------------------------------------------------------

    record Decoded(ObjectNode object, List<String> duplicates) {}

    /** The body as an object of the URL's kind: JSON (duplicates noted), YAML or protobuf. */
    private Decoded decode(ApiRequest request, ResourceDefinition definition) {
        return decode(request, definition.groupVersionKind());
    }

    /** The body as an object of {@code kind}: JSON (duplicates noted), YAML or protobuf. */
    private Decoded decode(ApiRequest request, GroupVersionKind kind) {
        String contentType = request.header("content-type").toLowerCase(Locale.ROOT);
        GroupVersion kindVersion = new GroupVersion(kind.group(), kind.version());
        Decoded decoded;
        if (contentType.startsWith(ProtobufDecoder.CONTENT_TYPE)) {
            decoded = new Decoded(protobuf.decode(request.body(), kind), List.of());
        } else if (contentType.startsWith(YAML_TYPE)) {
            decoded = new Decoded(parseJsonOrYaml(request, kind.kind()), List.of());
        } else if (contentType.isEmpty() || contentType.startsWith("application/json") || contentType.startsWith("*/*")) {
            try {
                StrictJson.ParsedObject parsed = StrictJson.parse(request.body());
                decoded = new Decoded(parsed.object(), parsed.duplicateFields());
            } catch (IOException e) {
                throw StatusException.unrecognizedObject(kind.kind(), e.getMessage(), request.body());
            }
        } else {
            throw StatusException.unsupportedMediaType(List.of("application/json", YAML_TYPE,
                    ProtobufDecoder.CONTENT_TYPE));
        }
        ObjectNode object = decoded.object();
        String apiVersion = StoredObjects.text(object, "apiVersion");
        String objectKind = StoredObjects.text(object, "kind");
        String expected = kindVersion.toString();
        if (!apiVersion.isEmpty() && !apiVersion.equals(expected)) {
            throw StatusException.apiVersionMismatch(apiVersion, expected);
        }
        if (!objectKind.isEmpty() && !objectKind.equals(kind.kind())) {
            throw StatusException.badRequest("the kind of the object (" + objectKind
                    + ") does not match the expected kind (" + kind.kind() + ")");
        }
        object.put("apiVersion", expected);
        object.put("kind", kind.kind());
        return decoded;
    }

    private static ObjectNode parseJsonOrYaml(ApiRequest request, String kind) {
        try {
            JsonNode node = request.header("content-type").startsWith(YAML_TYPE)
                    ? YAML.readTree(request.body()) : JSON.readTree(request.body());
            if (node instanceof ObjectNode object) {
                return object;
            }
            throw StatusException.unrecognizedObject(kind, "not an object", request.body());
        } catch (IOException e) {
            throw StatusException.unrecognizedObject(kind, e.getMessage(), request.body());
        }
    }

    /** The object's namespace must be the URL's (set from it when empty). */
    private static void requireNamespace(ObjectNode object, String namespace, GenericStore store, boolean create) {
        if (!store.strategy().namespaced()) {
            return;
        }
        String objectNamespace = StoredObjects.text(object, "metadata", "namespace");
        if (objectNamespace.isEmpty()) {
            object.withObjectProperty("metadata").put("namespace", namespace);
        } else if (!objectNamespace.equals(namespace)) {
            throw create ? StatusException.namespaceMismatch()
                    : StatusException.objectNamespaceMismatch(objectNamespace, namespace);
        }
    }

    // ---- responses ----------------------------------------------------------------------------

    /** How the client asked to see objects: the Accept header's first form Caravel serves. */
    enum Form { OBJECT, TABLE, PARTIAL, PARTIAL_LIST }

    static Form form(ApiRequest request, boolean list) {
        String accept = request.header("accept").replace(" ", "");
        for (String range : accept.split(",")) {
            if (range.contains("as=Table")) {
                return Form.TABLE;
            }
            if (range.contains("as=PartialObjectMetadataList")) {
                if (list) {
                    return Form.PARTIAL_LIST;
                }
                continue;
            }
            if (range.contains("as=PartialObjectMetadata")) {
                if (!list) {
                    return Form.PARTIAL;
                }
                continue;
            }
            if (range.startsWith("application/json") || range.startsWith("*/*") || range.isEmpty()
                    || range.startsWith("application/yaml") || range.startsWith("application/vnd.kubernetes.protobuf")) {
                return Form.OBJECT;
            }
        }
        return Form.OBJECT;
    }

    private ApiResponse object(ApiRequest request, GroupResource resource, ObjectNode object, int code) {
        JsonNode body = switch (form(request, false)) {
            case TABLE -> printer.objectTable(resource, object, IncludeObject.parse(request.query().first("includeObject")));
            case PARTIAL -> PartialObjectMetadata.of(object);
            default -> object;
        };
        return write(code, body);
    }

    /** A list page: JSON written straight from the cached bytes; the other forms from its tree. */
    private ApiResponse list(ApiRequest request, GenericStore store, ListResult page) {
        if (form(request, true) == Form.OBJECT) {
            if (page.jsonSize(store.typeMeta()) <= STREAMED_LIST_BYTES) {
                return ApiResponse.json(200, page.toJson(store.typeMeta()));
            }
            // A large list goes out in chunks as it is written: never one array of its whole size.
            return ApiResponse.stream(ApiResponse.JSON, out -> page.writeJson(store.typeMeta(), LIST_CHUNK_BYTES, out::send));
        }
        return transformedList(request, store, page);
    }

    /**
     * A Table or PartialObjectMetadataList of a page, written item by item from the cached bytes:
     * each item is parsed, turned into its row and written before the next is read, so a page of
     * a gigabyte (kubectl get pods -A) never becomes a tree of its whole size. A small page goes
     * out whole, as a plain response.
     */
    private ApiResponse transformedList(ApiRequest request, GenericStore store, ListResult page) {
        Form form = form(request, true);
        GroupResource resource = store.strategy().groupResource();
        IncludeObject include = form == Form.TABLE ? IncludeObject.parse(request.query().first("includeObject")) : null;
        // The list without its items: its kind, apiVersion and metadata, as the plain list has them.
        ObjectNode head = new ListResult(List.of(), page.resourceVersion(), page.continueToken(), page.remainingItemCount())
                .toTree(store.typeMeta());
        Iterable<ObjectNode> items = () -> page.items().stream().map(CachedObject::tree).iterator();
        ApiResponse.Streamer writer = out -> {
            if (form == Form.TABLE) {
                printer.writeListTable(resource, head, items, include, LIST_CHUNK_BYTES, out::send);
            } else {
                PartialObjectMetadata.writeList(items, head.path("metadata"), LIST_CHUNK_BYTES, out::send);
            }
        };
        if (page.jsonSize(store.typeMeta()) > STREAMED_LIST_BYTES) {
            return ApiResponse.stream(ApiResponse.JSON, writer);
        }
        java.io.ByteArrayOutputStream whole = new java.io.ByteArrayOutputStream();
        try {
            writer.stream(new CollectingStream(whole));
        } catch (StatusException e) {
            throw e;
        } catch (Exception e) {
            throw StatusException.internalError(e);
        }
        return ApiResponse.json(200, whole.toByteArray());
    }

    /** Gathers a small transformed list's chunks into one body. */
    private record CollectingStream(java.io.ByteArrayOutputStream body) implements ResponseStream {
        @Override
        public boolean send(byte[] chunk) {
            body.write(chunk, 0, chunk.length);
            return true;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void onClose(Runnable onClose) {
        }
    }

    private ApiResponse list(ApiRequest request, GroupResource resource, ObjectNode list) {
        JsonNode body = switch (form(request, true)) {
            case TABLE -> printer.listTable(resource, list, IncludeObject.parse(request.query().first("includeObject")));
            case PARTIAL_LIST -> {
                List<JsonNode> items = new ArrayList<>();
                list.path("items").forEach(items::add);
                yield PartialObjectMetadata.listOf(items, list.path("metadata"));
            }
            default -> list;
        };
        return write(200, body);
    }

    static ApiResponse write(int code, JsonNode body) {
        try {
            byte[] bytes = JSON.writeValueAsBytes(body);
            byte[] withNewline = java.util.Arrays.copyOf(bytes, bytes.length + 1);
            withNewline[bytes.length] = '\n';
            return ApiResponse.json(code, withNewline);
        } catch (IOException e) {
            throw StatusException.internalError(e);
        }
    }

    static JsonNodeFactory nodes() {
        return JsonNodeFactory.instance;
    }
}
