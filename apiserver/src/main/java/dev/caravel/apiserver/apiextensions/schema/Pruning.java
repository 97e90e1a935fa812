package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Removing what a structural schema does not declare, as apiextensions-apiserver's pruning does,
 * followed by its removal of nulls a non-nullable field without a default may not hold.
 *
 * <p>Worked example, schema {@code spec: {replicas: integer}} with
 * {@code spec.template} marked x-kubernetes-embedded-resource and x-kubernetes-preserve-unknown-fields:
 * <pre>
 *   {apiVersion, kind, metadata: {x: 1},  kept at the root without looking into metadata
 *    spec: {replicas: 1, foo: 2,          spec.foo pruned and reported
 *           template: {kind, bar: 3,      kept: template preserves unknown fields
 *                      metadata: {y: 1}}},  spec.template.metadata.y dropped: not an ObjectMeta field
 *    status: {}}                          status pruned (undeclared) and reported
 * </pre>
 * A value whose schema is missing (under {@code additionalProperties: true} or {@code false}) is
 * kept but loses every field it has, as in the reference, where such a value has no structural
 * schema at all.
 */
final class Pruning {

    private static final Set<String> META_FIELDS = Set.of("apiVersion", "kind", "metadata");
    private static final Set<String> OBJECT_META_FIELDS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

    private final List<String> unknown = new ArrayList<>();
    private final StringBuilder path = new StringBuilder();

    private Pruning() {
    }

    /** Prunes {@code object} as a resource root and returns the sorted paths removed. */
    static List<String> pruneResource(ObjectNode object, SchemaNode root) {
        Pruning p = new Pruning();
        p.prune(object, root, true);
        pruneNonNullableNullsWithoutDefaults(object, root);
        Collections.sort(p.unknown);
        return p.unknown;
    }

    /** Prunes any value (a default, say) against its schema, as a resource root when asked; nothing is reported. */
    static void pruneValue(JsonNode value, SchemaNode s, boolean resourceRoot) {
        new Pruning().prune(value, s, resourceRoot);
    }

    private void prune(JsonNode value, SchemaNode s, boolean resourceRoot) {
        if (s != null && s.preserveUnknownFields) {
            skipPrune(value, s, resourceRoot);
            return;
        }
        int mark = path.length();
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if (s == null) {
                    record(key);
                    it.remove();
                    continue;
                }
                if ((resourceRoot || s.embeddedResource) && META_FIELDS.contains(key)) {
                    if (!resourceRoot && key.equals("metadata")) {
                        coerceEmbeddedMetadata(e.getValue(), mark);
                    }
                    continue;
                }
                SchemaNode property = s.properties.get(key);
                if (property != null || s.hasAdditionalProperties) {
                    appendKey(key);
                    SchemaNode next = property != null ? property : s.additionalProperties;
                    prune(e.getValue(), next, false);
                    path.setLength(mark);
                } else {
                    if (!META_FIELDS.contains(key) || mark > 0) {
                        record(key);
                    }
                    it.remove();
                }
            }
        } else if (value instanceof ArrayNode array) {
            SchemaNode items = s == null ? null : s.items;
            for (int i = 0; i < array.size(); i++) {
                appendIndex(i);
                prune(array.get(i), items, false);
                path.setLength(mark);
            }
        }
    }

    /** Under x-kubernetes-preserve-unknown-fields unknown fields stay; declared ones are still pruned inside. */
    private void skipPrune(JsonNode value, SchemaNode s, boolean resourceRoot) {
        int mark = path.length();
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String key = e.getKey();
                if ((resourceRoot || s.embeddedResource) && META_FIELDS.contains(key)) {
                    if (!resourceRoot && key.equals("metadata")) {
                        coerceEmbeddedMetadata(e.getValue(), mark);
                    }
                    continue;
                }
                SchemaNode property = s.properties.get(key);
                if (property != null || s.hasAdditionalProperties) {
                    appendKey(key);
                    SchemaNode next = property != null ? property : s.additionalProperties;
                    prune(e.getValue(), next, false);
                    path.setLength(mark);
                }
            }
        } else if (value instanceof ArrayNode array && s.items != null) {
            for (int i = 0; i < array.size(); i++) {
                appendIndex(i);
                // Items of a preserved list keep their unknown fields too, as in the reference.
                skipPrune(array.get(i), s.items, false);
                path.setLength(mark);
            }
        }
    }

    /**
     * An embedded resource's metadata keeps only ObjectMeta's fields, as the reference's metadata
     * coercion does (the others do not survive its round trip through ObjectMeta); each dropped
     * field is reported like a pruned one.
     */
    private void coerceEmbeddedMetadata(JsonNode metadata, int mark) {
        if (!(metadata instanceof ObjectNode meta)) {
            return;
        }
        appendKey("metadata");
        for (Iterator<String> it = meta.fieldNames(); it.hasNext(); ) {
            String field = it.next();
            if (!OBJECT_META_FIELDS.contains(field)) {
                record(field);
                it.remove();
            }
        }
        path.setLength(mark);
    }

    private void appendKey(String key) {
        if (!path.isEmpty()) {
            path.append('.');
        }
        path.append(key);
    }

    private void appendIndex(int index) {
        path.append('[').append(index).append(']');
    }

    private void record(String key) {
        int mark = path.length();
        appendKey(key);
        unknown.add(path.toString());
        path.setLength(mark);
    }

    /** Drops nulls a field may not hold and has no default for; those with a default are defaulted later. */
    static void pruneNonNullableNullsWithoutDefaults(JsonNode value, SchemaNode s) {
        if (value instanceof ObjectNode object) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                SchemaNode field = schemaOf(e.getKey(), s);
                if (e.getValue().isNull() && field != null && !field.nullable && field.defaultValue == null) {
                    it.remove();
                } else {
                    pruneNonNullableNullsWithoutDefaults(e.getValue(), field);
                }
            }
        } else if (value instanceof ArrayNode array) {
            SchemaNode items = s == null ? null : s.items;
            for (JsonNode element : array) {
                pruneNonNullableNullsWithoutDefaults(element, items);
            }
        }
    }

    private static SchemaNode schemaOf(String field, SchemaNode s) {
        if (s == null) {
            return null;
        }
        SchemaNode property = s.properties.get(field);
        return property != null ? property : s.additionalProperties;
    }
}
