package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * How server-side apply treats a node, read from its schema the way Kubernetes turns OpenAPI into
 * structured-merge-diff types:
 * <ul>
 *   <li>a list is associative by {@code x-kubernetes-list-map-keys} ({@code list-type: map}), a
 *       set ({@code list-type: set}), or atomic; without a list type, a {@code merge} patch
 *       strategy makes it associative by its merge key (or a set without one), anything else atomic;
 *   <li>a map or struct is granular unless {@code x-kubernetes-map-type: atomic};
 *   <li>with no schema, or under {@code x-kubernetes-preserve-unknown-fields}, the type is
 *       deduced from the value: maps granular, lists atomic (Kubernetes' "deduced" type).
 * </ul>
 */
final class FieldType {

    enum Kind { SCALAR, MAP, LIST, DEDUCED }

    enum ListKind { ATOMIC, SET, ASSOCIATIVE }

    static final FieldType DEDUCED = new FieldType(Kind.DEDUCED, null, null, false, ListKind.ATOMIC, List.of());
    private static final FieldType SCALAR = new FieldType(Kind.SCALAR, null, null, false, ListKind.ATOMIC, List.of());
    private static final String OBJECT_META = "io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta";

    /** Types are derived once per schema node; schema nodes are immutable and compared by identity. */
    private static final Map<Schema, FieldType> CACHE = new ConcurrentHashMap<>();

    private final Kind kind;
    private final Schema written;
    private final Schema resolved;
    private final boolean atomic;
    private final ListKind listKind;
    private final List<String> keys;
    private final boolean root;

    private FieldType(Kind kind, Schema written, Schema resolved, boolean atomic, ListKind listKind,
                      List<String> keys) {
        this(kind, written, resolved, atomic, listKind, keys, false);
    }

    private FieldType(Kind kind, Schema written, Schema resolved, boolean atomic, ListKind listKind,
                      List<String> keys, boolean root) {
        this.kind = kind;
        this.written = written;
        this.resolved = resolved;
        this.atomic = atomic;
        this.listKind = listKind;
        this.keys = keys;
        this.root = root;
    }

    /**
     * The type of a top-level object. A CustomResourceDefinition's schema need not declare
     * {@code apiVersion}, {@code kind} and {@code metadata}; Kubernetes adds them, and so does this.
     */
    static FieldType root(Schema schema) {
        if (schema == null) {
            return new FieldType(Kind.DEDUCED, null, null, false, ListKind.ATOMIC, List.of(), true);
        }
        FieldType t = of(schema);
        if (t.kind != Kind.MAP) {
            return t;
        }
        return new FieldType(t.kind, t.written, t.resolved, t.atomic, t.listKind, t.keys, true);
    }

    static FieldType of(Schema written) {
        if (written == null) {
            return DEDUCED;
        }
        return CACHE.computeIfAbsent(written, FieldType::derive);
    }

    private static FieldType derive(Schema written) {
        Schema resolved = written.resolved();
        String type = resolved.type().or(written::type).orElse("");
        boolean hasProperties = !resolved.properties().isEmpty();
        if (written.preservesUnknownFields() || resolved.preservesUnknownFields()) {
            if (!hasProperties) {
                return DEDUCED;
            }
        }
        if (resolved.intOrString() || written.intOrString()) {
            return SCALAR;
        }
        if (type.equals("array") || resolved.items().isPresent()) {
            Optional<String> listType = written.listType().or(resolved::listType);
            ListKind lk;
            List<String> keys = List.of();
            if (listType.isPresent()) {
                switch (listType.get()) {
                    case "map" -> {
                        lk = ListKind.ASSOCIATIVE;
                        keys = written.listMapKeys().isEmpty() ? resolved.listMapKeys() : written.listMapKeys();
                    }
                    case "set" -> lk = ListKind.SET;
                    default -> lk = ListKind.ATOMIC;
                }
            } else if (written.patchStrategies().contains("merge")) {
                Optional<String> mergeKey = written.patchMergeKey();
                lk = mergeKey.isPresent() ? ListKind.ASSOCIATIVE : ListKind.SET;
                keys = mergeKey.map(List::of).orElse(List.of());
            } else {
                lk = ListKind.ATOMIC;
            }
            return new FieldType(Kind.LIST, written, resolved, lk == ListKind.ATOMIC, lk, keys);
        }
        if (type.equals("object") || hasProperties || resolved.additionalProperties().isPresent()) {
            if (!hasProperties && resolved.additionalProperties().isEmpty()) {
                // An object the schema says nothing about (RawExtension, JSON): deduced, as Kubernetes' untyped.
                return DEDUCED;
            }
            boolean atomic = "atomic".equals(written.mapType().or(resolved::mapType).orElse(""));
            return new FieldType(Kind.MAP, written, resolved, atomic, ListKind.ATOMIC, List.of());
        }
        if (type.isEmpty()) {
            return DEDUCED;
        }
        return SCALAR;
    }

    Kind kind() {
        return kind;
    }

    /** An atomic list or map: owned, replaced and compared as one value. */
    boolean atomic() {
        return atomic;
    }

    ListKind listKind() {
        return listKind;
    }

    List<String> keys() {
        return keys;
    }

    /** Whether a struct declares this field (as opposed to a map's entry or an unknown field). */
    boolean declares(String name) {
        if (kind != Kind.MAP) {
            return root && isRootField(name);
        }
        return resolved.properties().containsKey(name) || (root && isRootField(name));
    }

    private static boolean isRootField(String name) {
        return name.equals("apiVersion") || name.equals("kind") || name.equals("metadata");
    }

    /** The type of a field or map entry; null when the schema knows nothing of it. */
    FieldType field(String name) {
        if (kind == Kind.DEDUCED) {
            if (root && isRootField(name)) {
                return rootField(name);
            }
            return DEDUCED;
        }
        if (kind != Kind.MAP) {
            return null;
        }
        Schema property = resolved.properties().get(name);
        if (property != null) {
            return of(property);
        }
        if (root && isRootField(name)) {
            return rootField(name);
        }
        if (resolved.additionalProperties().isPresent()) {
            return of(resolved.additionalProperties().get());
        }
        if (resolved.allowsAdditionalProperties() || resolved.preservesUnknownFields()
                || written.preservesUnknownFields()) {
            return DEDUCED;
        }
        return null;
    }

    private static FieldType rootField(String name) {
        if (name.equals("metadata")) {
            return SchemaCatalogue.kubernetes().definition(OBJECT_META).map(FieldType::of).orElse(DEDUCED);
        }
        return SCALAR;
    }

    /** The struct's required fields (Go members without {@code omitempty}). */
    List<String> required() {
        return kind == Kind.MAP ? resolved.required() : List.of();
    }

    FieldType element() {
        if (kind == Kind.LIST) {
            return resolved.items().map(FieldType::of).orElse(DEDUCED);
        }
        return DEDUCED;
    }

    /**
     * The value a list-map key takes when an item leaves it out: the schema's default, else
     * {@code TCP} for {@code protocol}, which Kubernetes' types declare with {@code +default="TCP"}
     * (ports of containers, services, endpoints) though the OpenAPI v2 document omits it.
     */
    JsonNode keyDefault(String key) {
        if (kind == Kind.LIST) {
            Schema item = resolved.items().map(Schema::resolved).orElse(null);
            if (item != null) {
                Schema property = item.properties().get(key);
                if (property != null) {
                    Optional<JsonNode> d = property.keyword("default");
                    if (d.isPresent()) {
                        return d.get();
                    }
                }
            }
        }
        return key.equals("protocol") ? TextNode.valueOf("TCP") : null;
    }
}
