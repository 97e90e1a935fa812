package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GoJsonEscapes;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.selection.SelectableFields;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * One object as the watch cache keeps it: its JSON, serialized once, and the few fields lists and
 * watches select and sort by. No Jackson tree is kept: a tree costs several times the JSON's bytes,
 * and the cache must stay within 1.5 times them (docs/decisions/0017-watch-cache.md).
 *
 * <p>{@code json} is the object as a list item is written: without {@code kind} and
 * {@code apiVersion} (Kubernetes leaves them out of list items) and with
 * {@code metadata.resourceVersion} set. A watch event or a single object puts the type back in
 * front ({@link #withTypeMeta}), which costs a copy, not a parse.
 *
 * @param key             the storage key, which orders lists and continue tokens
 * @param namespace       "" for cluster-scoped objects
 * @param labels          metadata.labels
 * @param fields          the values of the kind's selectable fields, in {@link SelectableFields#names()} order
 * @param resourceVersion the revision this version was written at (for a deleted object: of the deletion)
 */
public record CachedObject(String key, String namespace, String name, Map<String, String> labels, String[] fields,
                           long resourceVersion, byte[] json) {

    /** Writes JSON as Kubernetes does (Go's escapes), so cached bytes are what the server sends. */
    static final ObjectMapper JSON = new ObjectMapper(GoJsonEscapes.factory());

    public CachedObject {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(json, "json");
    }

    /**
     * Decodes a stored value (JSON without resourceVersion) into its cached form.
     *
     * @param intern returns a shared copy of a string; label keys and values, namespaces and field
     *               values repeat across thousands of objects
     */
    public static CachedObject decode(String key, byte[] storedValue, long revision, SelectableFields selectable,
                                      UnaryOperator<String> intern) {
        ObjectNode object;
        try {
            object = (ObjectNode) JSON.readTree(storedValue);
        } catch (IOException | ClassCastException e) {
            throw StatusException.internalError("stored object " + key + " does not decode: " + e.getMessage());
        }
        return of(key, object, revision, selectable, intern);
    }

    /** The cached form of a tree (which loses its kind and apiVersion and gets its resourceVersion). */
    static CachedObject of(String key, ObjectNode object, long revision, SelectableFields selectable,
                           UnaryOperator<String> intern) {
        object.remove("kind");
        object.remove("apiVersion");
        ObjectNode metadata = object.withObjectProperty("metadata");
        metadata.put("resourceVersion", Long.toString(revision));
        Map<String, String> labels = new HashMap<>();
        metadata.path("labels").properties().forEach(e -> labels.put(intern.apply(e.getKey()),
                intern.apply(e.getValue().asText())));
        String[] fields = selectable.values(object);
        for (int i = 0; i < fields.length; i++) {
            fields[i] = intern.apply(fields[i]);
        }
        byte[] json;
        try {
            json = JSON.writeValueAsBytes(object);
        } catch (IOException e) {
            throw StatusException.internalError(e);
        }
        return new CachedObject(key, intern.apply(metadata.path("namespace").asText("")),
                metadata.path("name").asText(""), Map.copyOf(labels), fields, revision, json);
    }

    /** The same object with another resourceVersion: what a DELETED event carries (the deletion's). */
    public CachedObject withResourceVersion(long revision) {
        if (revision == resourceVersion) {
            return this;
        }
        ObjectNode object = tree();
        object.withObjectProperty("metadata").put("resourceVersion", Long.toString(revision));
        try {
            return new CachedObject(key, namespace, name, labels, fields, revision, JSON.writeValueAsBytes(object));
        } catch (IOException e) {
            throw StatusException.internalError(e);
        }
    }

    /** A mutable copy of the object, without kind and apiVersion (a list item). */
    public ObjectNode tree() {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (IOException e) {
            throw StatusException.internalError(e);
        }
    }

    /** A mutable copy of the whole object, kind and apiVersion first. */
    public ObjectNode tree(TypeMeta type) {
        ObjectNode object = JSON.createObjectNode();
        object.put("kind", type.kind());
        object.put("apiVersion", type.apiVersion());
        object.setAll(tree());
        return object;
    }

    /** The object's JSON with kind and apiVersion first, as Kubernetes writes a whole object. */
    public byte[] withTypeMeta(TypeMeta type) {
        byte[] prefix = type.jsonPrefix();
        boolean empty = json.length <= 2;
        byte[] out = new byte[prefix.length + (empty ? 1 : json.length)];
        System.arraycopy(prefix, 0, out, 0, prefix.length);
        if (empty) {
            out[prefix.length] = '}';
        } else {
            out[prefix.length] = ',';
            System.arraycopy(json, 1, out, prefix.length + 1, json.length - 1);
        }
        return out;
    }

    /** The kind and apiVersion a resource's objects are written with. */
    public record TypeMeta(String kind, String apiVersion) {
        /** {@code {"kind":"Pod","apiVersion":"v1"}} without its closing brace. */
        byte[] jsonPrefix() {
            return ("{\"kind\":\"" + kind + "\",\"apiVersion\":\"" + apiVersion + "\"").getBytes(StandardCharsets.UTF_8);
        }

        /** The list kind: {@code PodList}. */
        public String listKind() {
            return kind + "List";
        }
    }
}
