package dev.caravel.apiserver.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The built-in types' schemas, read from Kubernetes' OpenAPI v2 document: definitions by name
 * and by group/version/kind.
 *
 * <p>Loading runs at server start, inside the in-process test server's 300 ms budget, so it
 * does not build a tree of the 1.4 MB document. One streaming pass notes where each definition's
 * bytes start and end and reads the few {@code x-kubernetes-group-version-kind} lists; a
 * definition is parsed into {@link Schema} nodes the first time someone asks for it, then kept.
 * Immutable apart from that cache, and safe to share between threads.
 */
public final class SchemaCatalogue {

    /** The classpath resource holding Kubernetes' OpenAPI v2 document. */
    public static final String KUBERNETES_RESOURCE = "/openapi/kubernetes-openapi-v2.json";

    private static final ObjectMapper MAPPER = new ObjectMapper();

    private record Span(int start, int length) {
    }

    private final byte[] document;
    private final Map<String, Span> definitionSpans;
    private final Map<String, Span> sectionSpans;
    private final Map<GroupVersionKind, String> definitionByKind;
    private final ConcurrentHashMap<String, Schema> parsed = new ConcurrentHashMap<>();

    private SchemaCatalogue(byte[] document, Map<String, Span> definitionSpans, Map<String, Span> sectionSpans,
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
        Map<String, Span> definitions = new LinkedHashMap<>(1024);
        Map<String, Span> sections = new HashMap<>();
        Map<GroupVersionKind, String> byKind = new HashMap<>(512);
        try (JsonParser p = MAPPER.getFactory().createParser(document)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("an OpenAPI document is a JSON object");
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String section = p.currentName();
                JsonToken value = p.nextToken();
                int start = offset(p);
                if (section.equals("definitions") && value == JsonToken.START_OBJECT) {
                    indexDefinitions(p, definitions, byKind);
                } else {
                    p.skipChildren();
                }
                sections.put(section, new Span(start, offset(p) + 1 - start));
            }
        } catch (IOException e) {
            throw new IllegalArgumentException("malformed OpenAPI document: " + e.getMessage(), e);
        }
        if (!sections.containsKey("definitions")) {
            throw new IllegalArgumentException("the OpenAPI document has no definitions");
        }
        return new SchemaCatalogue(document, definitions, sections, byKind);
    }

    /** Walks the definitions object, reading only the top level of each definition. */
    private static void indexDefinitions(JsonParser p, Map<String, Span> definitions,
            Map<GroupVersionKind, String> byKind) throws IOException {
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String name = p.currentName();
            if (p.nextToken() != JsonToken.START_OBJECT) {
                throw new IllegalArgumentException("definition " + name + " is not an object");
            }
            int start = offset(p);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String keyword = p.currentName();
                p.nextToken();
                if (keyword.equals(Schema.GVK_EXTENSION)) {
                    JsonNode gvks = p.readValueAsTree();
                    for (GroupVersionKind gvk : Schema.groupVersionKinds(gvks)) {
                        String previous = byKind.putIfAbsent(gvk, name);
                        if (previous != null) {
                            throw new IllegalArgumentException(gvk + " is claimed by " + previous + " and " + name);
                        }
                    }
                } else {
                    p.skipChildren();
                }
            }
            definitions.put(name, new Span(start, offset(p) + 1 - start));
        }
    }

    private static int offset(JsonParser p) {
        return Math.toIntExact(p.currentTokenLocation().getByteOffset());
    }

    /** The definition named e.g. {@code io.k8s.api.core.v1.Pod}, parsed on first use. */
    public Optional<Schema> definition(String name) {
        Span span = definitionSpans.get(name);
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
        Span span = sectionSpans.get(name);
        return span == null ? Optional.empty() : Optional.of(readTree(span));
    }

    private JsonNode readTree(Span span) {
        try {
            return MAPPER.readTree(document, span.start(), span.length());
        } catch (IOException e) {
            // The bytes were already walked once at load, so this is a bug, not bad input.
            throw new IllegalStateException("re-reading a span of the OpenAPI document failed", e);
        }
    }
}
