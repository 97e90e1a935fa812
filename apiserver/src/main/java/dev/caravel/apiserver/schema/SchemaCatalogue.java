package dev.caravel.apiserver.schema;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in types' schemas, read from Kubernetes' OpenAPI v2 document: definitions by name
 * and by group/version/kind.
 *
 * <p>Loading runs at server start, inside the in-process test server's 300 ms budget, so it
 * does not build a tree of the 1.4 MB document. One pass over the bytes ({@link DocumentIndex})
 * notes where each definition starts and ends and reads the {@code x-kubernetes-group-version-kind}
 * lists; a definition is parsed into {@link Schema} nodes the first time someone asks for it,
 * then kept.
 * Immutable apart from that cache, and safe to share between threads.
 *
 * <p>Why: {@code docs/decisions/0006-patches-and-schema-catalogue.md}.
 */
public final class SchemaCatalogue {

    /** The classpath resource holding Kubernetes' OpenAPI v2 document. */
    public static final String KUBERNETES_RESOURCE = "/openapi/kubernetes-openapi-v2.json";

    /**
     * Definitions are read with the streaming parser into plain trees: creating a cold
     * ObjectMapper costs more than indexing the whole document, and a tree needs none.
     */
    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private final byte[] document;
    private final Map<String, DocumentIndex.Span> definitionSpans;
    private final Map<String, DocumentIndex.Span> sectionSpans;
    private final Map<GroupVersionKind, String> definitionByKind;
    private final ConcurrentHashMap<String, Schema> parsed = new ConcurrentHashMap<>();

    private SchemaCatalogue(byte[] document, Map<String, DocumentIndex.Span> definitionSpans,
            Map<String, DocumentIndex.Span> sectionSpans,
            Map<GroupVersionKind, String> definitionByKind) {
        this.document = document;
        this.definitionSpans = Collections.unmodifiableMap(definitionSpans);
        this.sectionSpans = Collections.unmodifiableMap(sectionSpans);
        this.definitionByKind = Collections.unmodifiableMap(definitionByKind);
    }

    /** Kubernetes' built-in types, loaded once from {@value #KUBERNETES_RESOURCE}. */
    public static SchemaCatalogue kubernetes() {
        return KubernetesHolder.CATALOGUE;
    }

    private static final class KubernetesHolder {
        static final SchemaCatalogue CATALOGUE = loadResource();

        private static SchemaCatalogue loadResource() {
            try (InputStream in = SchemaCatalogue.class.getResourceAsStream(KUBERNETES_RESOURCE)) {
                if (in == null) {
                    throw new IllegalStateException("classpath resource " + KUBERNETES_RESOURCE + " is missing");
                }
                return load(in.readAllBytes());
            } catch (IOException e) {
                throw new UncheckedIOException("reading " + KUBERNETES_RESOURCE, e);
            }
        }
    }

    /**
     * Indexes an OpenAPI v2 document. The bytes are kept (not copied): the caller must not
     * change them afterwards.
     *
     * @throws IllegalArgumentException when the document is not a JSON object with definitions
     */
    public static SchemaCatalogue load(byte[] document) {
        DocumentIndex index = DocumentIndex.scan(document);
        if (!index.sections.containsKey("definitions")) {
            throw new IllegalArgumentException("the OpenAPI document has no definitions");
        }
        return new SchemaCatalogue(document, index.definitions, index.sections, index.definitionByKind);
    }

    /** The definition named e.g. {@code io.k8s.api.core.v1.Pod}, parsed on first use. */
    public Optional<Schema> definition(String name) {
        DocumentIndex.Span span = definitionSpans.get(name);
        if (span == null) {
            return Optional.empty();
        }
        Schema schema = parsed.get(name);
        if (schema == null) {
            // Parsing never resolves a $ref, so this cannot re-enter the map for another name.
            schema = parsed.computeIfAbsent(name, n -> Schema.definition(this, n, readTree(span)));
        }
        return Optional.of(schema);
    }

    /** The definition of a top-level kind, e.g. apps/v1 Deployment. */
    public Optional<Schema> forKind(GroupVersionKind kind) {
        String name = definitionByKind.get(kind);
        return name == null ? Optional.empty() : definition(name);
    }

    /** The name of the definition of a top-level kind. */
    public Optional<String> definitionNameOf(GroupVersionKind kind) {
        return Optional.ofNullable(definitionByKind.get(kind));
    }

    /** All definition names, in the document's order. */
    public Set<String> definitionNames() {
        return definitionSpans.keySet();
    }

    /** Every group/version/kind some definition declares. */
    public Set<GroupVersionKind> kinds() {
        return definitionByKind.keySet();
    }

    /**
     * Another top-level section of the document ({@code paths}, {@code parameters}, {@code info}),
     * parsed afresh on each call: the caller owns the tree it gets.
     */
    public Optional<JsonNode> section(String name) {
        DocumentIndex.Span span = sectionSpans.get(name);
        return span == null ? Optional.empty() : Optional.of(readTree(span));
    }

    private static JsonNode readValue(JsonParser p, JsonToken token) throws IOException {
        JsonNodeFactory nodes = JsonNodeFactory.instance;
        if (token == null) {
            throw new IOException("unexpected end of input");
        }
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = nodes.objectNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    object.set(name, readValue(p, p.nextToken()));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = nodes.arrayNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(readValue(p, t));
                }
                yield array;
            }
            case VALUE_STRING -> nodes.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> nodes.numberNode(p.getIntValue());
                case LONG -> nodes.numberNode(p.getLongValue());
                default -> nodes.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> nodes.numberNode(p.getDecimalValue());
            case VALUE_TRUE -> nodes.booleanNode(true);
            case VALUE_FALSE -> nodes.booleanNode(false);
            case VALUE_NULL -> nodes.nullNode();
            default -> throw new IOException("unexpected " + token);
        };
    }

    private JsonNode readTree(DocumentIndex.Span span) {
        try {
            try (JsonParser p = FACTORY.createParser(document, span.start(), span.length())) {
                return readValue(p, p.nextToken());
            }
        } catch (IOException e) {
            // The bytes were already walked once at load, so this is a bug, not bad input.
            throw new IllegalStateException("re-reading a span of the OpenAPI document failed", e);
        }
    }
}
