package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.schema.PatchMeta;
import dev.caravel.apiserver.schema.Schema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A strategic merge patch ({@code application/strategic-merge-patch+json}) applied as the
 * Kubernetes API server applies it to built-in types, driven by the patch metadata of the
 * type's schema ({@link PatchMeta}).
 *
 * <p>The rules, field by field of an object:
 * <ul>
 *   <li>{@code null} deletes the field; a field the original lacks, or whose kind differs (map
 *       against list against scalar), takes the patch's value with its nulls dropped;
 *   <li>two maps merge recursively, unless the field's strategy is {@code replace};
 *   <li>two lists are replaced by the patch's list, unless the field's strategy is
 *       {@code merge}: then lists of maps merge element by element on the merge key, and lists
 *       of scalars are merged as sets;
 *   <li>a field no schema describes gets no metadata: maps merge, lists are replaced, as JSON
 *       merge patch does.
 * </ul>
 * The directives:
 * <ul>
 *   <li>{@code "$patch": "replace"} in a map: the map replaces the original's; as an element of a
 *       merging list: the list's other elements replace the original list;
 *   <li>{@code "$patch": "delete"} in a map: the map becomes {}; as a list element: every element
 *       with that merge key value is removed;
 *   <li>{@code "$patch": "merge"} is refused, as Kubernetes refuses it (an unknown patch type in a
 *       map; "merging lists cannot yet be specified in the patch" in a list);
 *   <li>{@code "$retainKeys": [..]}: keys of the original map not listed are cleared first (kubectl
 *       sends it for retainKeys fields such as a Deployment's {@code strategy} and volumes);
 *   <li>{@code "$setElementOrder/<list>": [..]}: the merged list follows that order, with
 *       elements only the server has kept where they were relative to their neighbours;
 *   <li>{@code "$deleteFromPrimitiveList/<list>": [..]}: removes those values from a merging list
 *       of scalars (e.g. finalizers).
 * </ul>
 * Result order of a merged list without {@code $setElementOrder}: the patch's elements in the
 * patch's order, and the original's other elements interleaved where they were (Kubernetes'
 * {@code normalizeElementOrder}).
 *
 * <p>Kubernetes decodes the merged map into a Go struct, which silently drops any directive left
 * inside values that were copied rather than merged (a new map that carries {@code $retainKeys},
 * a {@code $patch: replace} map with nested directives) and every null of a typed field. Caravel
 * keeps objects as JSON, so it drops those directive keys and the nulls of copied values itself.
 *
 * <p>Why: {@code docs/decisions/0006-patches-and-schema-catalogue.md}.
 */
public final class StrategicMergePatch {

    static final String DIRECTIVE = "$patch";
    static final String REPLACE = "replace";
    static final String DELETE = "delete";
    static final String MERGE = "merge";
    static final String RETAIN_KEYS = "$retainKeys";
    static final String SET_ELEMENT_ORDER = "$setElementOrder";
    static final String DELETE_FROM_PRIMITIVE_LIST = "$deleteFromPrimitiveList";

    // Kubernetes' error texts (apimachinery mergepatch/errors.go), which clients show as-is.
    static final String BAD_PRIMITIVE_LIST = "invalid patch format of primitive list";
    static final String BAD_RETAIN_KEYS = "invalid patch format of retainKeys";
    static final String BAD_SET_ELEMENT_ORDER = "invalid patch format of setElementOrder list";
    static final String NO_LIST_OF_LISTS = "lists of lists are not supported";

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private StrategicMergePatch() {
    }

    /**
     * Applies {@code patch} to a copy of {@code original}; neither input is changed.
     *
     * @param type the schema of the object's kind (e.g. the catalogue's
     *             {@code io.k8s.api.apps.v1.Deployment}), or null for none: then every map merges
     *             and every list is replaced
     * @throws PatchException as Kubernetes would answer: 400 for a malformed patch or directive,
     *                        422 for lists of lists, 500 for a missing merge key or unknown
     *                        {@code $patch}
     */
    public static ObjectNode apply(JsonNode original, JsonNode patch, Schema type) {
        Objects.requireNonNull(original, "original");
        if (patch == null || !patch.isObject()) {
            throw PatchException.badRequest("json: cannot unmarshal " + kindName(patch)
                    + " into Go value of type map[string]interface {}");
        }
        if (!original.isObject()) {
            throw PatchException.badRequest("invalid JSON document");
        }
        ObjectNode merged = mergeMap(((ObjectNode) original).deepCopy(), ((ObjectNode) patch).deepCopy(), type);
        stripDirectives(merged);
        return merged;
    }

    // ---- maps ----

    /** Merges {@code patch} into {@code original}; both are private copies and may be changed. */
    private static ObjectNode mergeMap(ObjectNode original, ObjectNode patch, Schema type) {
        JsonNode directive = patch.get(DIRECTIVE);
        if (directive != null) {
            if (REPLACE.equals(directive.textValue())) {
                patch.remove(DIRECTIVE);
                JsonMergePatch.pruneNulls(patch);
                return patch;
            }
            if (DELETE.equals(directive.textValue())) {
                return NODES.objectNode();
            }
            throw badPatchType(directive, patch);
        }
        if (original == null) {
            original = NODES.objectNode();
        }
        applyRetainKeys(original, patch);
        mergeOrderedLists(original, patch, type);

        for (String key : fieldNames(patch)) {
            JsonNode patchValue = patch.get(key);
            boolean deleteList = false;
            if (key.startsWith(DELETE_FROM_PRIMITIVE_LIST)) {
                key = directiveTarget(key, DELETE_FROM_PRIMITIVE_LIST, BAD_PRIMITIVE_LIST);
                deleteList = true;
            }
            if (patchValue.isNull()) {
                original.remove(key);
                continue;
            }
            JsonNode current = original.get(key);
            if (current instanceof ObjectNode currentMap && patchValue instanceof ObjectNode patchMap) {
                Schema field = field(type, key);
                if (PatchMeta.of(field).replaces()) {
                    original.set(key, patchMap);
                } else {
                    original.set(key, mergeMap(currentMap, patchMap, field));
                }
            } else if (current instanceof ArrayNode currentList && patchValue instanceof ArrayNode patchList) {
                Schema field = field(type, key);
                original.set(key, mergeListField(currentList, patchList, field, deleteList));
            } else if (!deleteList) {
                // Absent, null, or of another kind: the patch's value, as Kubernetes takes it.
                JsonMergePatch.pruneNulls(patchValue);
                original.set(key, patchValue);
            }
        }
        return original;
    }

    /** {@code $retainKeys}: clears the original's keys that are not listed. */
    private static void applyRetainKeys(ObjectNode original, ObjectNode patch) {
        JsonNode retain = patch.remove(RETAIN_KEYS);
        if (retain == null) {
            return;
        }
        if (!retain.isArray()) {
            throw PatchException.badRequest(BAD_RETAIN_KEYS);
        }
        Set<String> keep = new HashSet<>();
        retain.forEach(k -> {
            if (k.isTextual()) {
                keep.add(k.textValue());
            }
        });
        // Every field the patch sets must be retained, or the patch contradicts itself.
        for (String key : fieldNames(patch)) {
            if (patch.get(key).isNull() || key.startsWith(DELETE_FROM_PRIMITIVE_LIST)
                    || key.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            if (!keep.contains(key)) {
                throw PatchException.badRequest(BAD_RETAIN_KEYS);
            }
        }
        for (String key : fieldNames(original)) {
            if (!keep.contains(key)) {
                original.remove(key);
            }
        }
    }

    /**
     * Each {@code $setElementOrder/<list>}: merges {@code <list>} of the patch into the original
     * (if both have it) and puts the result in the directive's order. Removes both keys from the
     * patch so that the main loop does not merge the list again.
     */
    private static void mergeOrderedLists(ObjectNode original, ObjectNode patch, Schema type) {
        for (String key : fieldNames(patch)) {
            if (!key.startsWith(SET_ELEMENT_ORDER)) {
                continue;
            }
            JsonNode order = patch.remove(key);
            if (!(order instanceof ArrayNode orderList)) {
                throw PatchException.badRequest(BAD_SET_ELEMENT_ORDER);
            }
            String listKey = directiveTarget(key, SET_ELEMENT_ORDER, BAD_SET_ELEMENT_ORDER);
            JsonNode originalValue = original.get(listKey);
            JsonNode patchValue = patch.get(listKey);
            ArrayNode originalList = listOrNull(originalValue);
            ArrayNode patchList = listOrNull(patchValue);
            Schema field = field(type, listKey);
            PatchMeta meta = PatchMeta.of(field);
            String mergeKey = meta.mergeKey().orElse("");
            validateAgainstOrder(patchList, orderList, mergeKey);

            ArrayNode merged;
            if (originalList != null && patchList != null) {
                merged = mergeListField(originalList, patchList, field, false);
            } else if (originalList != null) {
                merged = originalList;
            } else if (patchList != null) {
                merged = patchList;
            } else {
                continue;
            }
            ElementKind kind = elementKind(originalList, patchList);
            if (kind == ElementKind.NONE) {
                // Kubernetes fails here with "no elements in any of the given slices"; an empty
                // list in a valid order is simply empty.
                original.set(listKey, merged);
                patch.remove(listKey);
                continue;
            }
            List<JsonNode> patchItems = new ArrayList<>();
            List<JsonNode> serverOnly = new ArrayList<>();
            partition(merged, orderList, mergeKey, kind, patchItems, serverOnly);
            original.set(listKey, normalizeOrder(patchItems, serverOnly, elements(orderList),
                    originalList == null ? List.of() : elements(originalList), mergeKey, kind));
            patch.remove(listKey);
        }
    }

    /**
     * Checks that the patch's list names its elements in the order {@code $setElementOrder}
     * gives (elements being deleted aside), as Kubernetes does before merging.
     */
    private static void validateAgainstOrder(ArrayNode patchList, ArrayNode order, String mergeKey) {
        if (patchList == null || patchList.isEmpty() || order.isEmpty()) {
            return;
        }
        List<JsonNode> kept = new ArrayList<>();
        for (JsonNode item : patchList) {
            if (!mergeKey.isEmpty()) {
                if (!item.isObject()) {
                    throw PatchException.unclassified("expected a map, but received a " + kindName(item));
                }
                if (DELETE.equals(item.path(DIRECTIVE).textValue())) {
                    continue;
                }
            }
            kept.add(item);
        }
        int p = 0;
        int o = 0;
        while (p < kept.size() && o < order.size()) {
            if (kept.get(p).isObject() && kept.get(p).has(DIRECTIVE)) {
                p++;
                continue;
            }
            if (sameMergeKeyValue(kept.get(p), order.get(o), mergeKey)) {
                p++;
            }
            o++;
        }
        if (p < kept.size()) {
            throw PatchException.unclassified("The order in patch list:\n" + JsonValues.go(patchList)
                    + "\n doesn't match " + SET_ELEMENT_ORDER + " list:\n" + JsonValues.go(order) + "\n");
        }
    }

    private static boolean sameMergeKeyValue(JsonNode left, JsonNode right, String mergeKey) {
        if (mergeKey.isEmpty()) {
            return JsonValues.equal(left, right);
        }
        if (!left.isObject()) {
            throw PatchException.unclassified("expected a map, but received a " + kindName(left));
        }
        if (!right.isObject()) {
            throw PatchException.unclassified("expected a map, but received a " + kindName(right));
        }
        JsonNode l = left.get(mergeKey);
        if (l == null) {
            throw noMergeKey(left, mergeKey);
        }
        JsonNode r = right.get(mergeKey);
        if (r == null) {
            throw noMergeKey(right, mergeKey);
        }
        return JsonValues.equal(l, r);
    }

    // ---- lists ----

    /** Two lists under one field: merged if the field's strategy says merge, else the patch's list. */
    private static ArrayNode mergeListField(ArrayNode original, ArrayNode patch, Schema field, boolean deleteList) {
        PatchMeta meta = PatchMeta.of(field);
        if (!meta.merges()) {
            JsonMergePatch.pruneNulls(patch);
            return patch;
        }
        Schema element = field == null ? null : field.element().orElse(null);
        return mergeList(original, patch, element, meta.mergeKey().orElse(""), deleteList, field);
    }

    private static ArrayNode mergeList(ArrayNode original, ArrayNode patch, Schema element, String mergeKey,
            boolean deleteList, Schema field) {
        if (original.isEmpty() && patch.isEmpty()) {
            return original;
        }
        ElementKind kind = elementKind(original, patch);
        List<JsonNode> serverOrder = elements(original);
        List<JsonNode> patchElements = elements(patch);
        List<JsonNode> merged;
        if (kind != ElementKind.MAP) {
            if (deleteList) {
                return deleteValues(original, patch);
            }
            merged = new ArrayList<>(serverOrder);
            for (JsonNode value : patchElements) {
                if (indexOf(merged, value, "", kind) < 0) {
                    merged.add(value);
                }
            }
            dedupe(merged);
        } else {
            if (mergeKey.isEmpty()) {
                throw PatchException.unclassified("cannot merge lists without merge key for "
                        + (field == null ? "type" : field.resolved().toString()));
            }
            // Elements carrying $patch act on the original first: delete removes, replace swaps
            // the whole list for the patch's other elements (and then nothing is left to merge).
            List<JsonNode> plain = new ArrayList<>();
            boolean replace = false;
            for (JsonNode item : patchElements) {
                JsonNode directive = item.get(DIRECTIVE);
                if (directive == null) {
                    plain.add(item);
                    continue;
                }
                String text = directive.textValue();
                if (DELETE.equals(text)) {
                    JsonNode keyValue = item.get(mergeKey);
                    if (keyValue == null) {
                        throw noMergeKey(item, mergeKey);
                    }
                    serverOrder.removeIf(o -> matchesKey(o, mergeKey, keyValue));
                } else if (REPLACE.equals(text)) {
                    replace = true;
                } else if (MERGE.equals(text)) {
                    throw PatchException.unclassified("merging lists cannot yet be specified in the patch");
                } else {
                    throw badPatchType(directive, item);
                }
            }
            if (replace) {
                plain.forEach(JsonMergePatch::pruneNulls);
                serverOrder = plain;
                patchElements = List.of();
            } else {
                patchElements = plain;
            }
            merged = new ArrayList<>(serverOrder);
            for (JsonNode item : patchElements) {
                JsonNode keyValue = item.get(mergeKey);
                if (keyValue == null) {
                    throw noMergeKey(item, mergeKey);
                }
                int at = indexOf(merged, item, mergeKey, kind);
                if (at >= 0) {
                    merged.set(at, mergeMap((ObjectNode) merged.get(at), (ObjectNode) item, element));
                } else {
                    JsonMergePatch.pruneNulls(item);
                    merged.add(item);
                }
            }
        }
        List<JsonNode> patchItems = new ArrayList<>();
        List<JsonNode> serverOnly = new ArrayList<>();
        partition(merged, patchElements, mergeKey, kind, patchItems, serverOnly);
        return normalizeOrder(patchItems, serverOnly, patchElements, serverOrder, mergeKey, kind);
    }

    private static ArrayNode deleteValues(ArrayNode original, ArrayNode toDelete) {
        ArrayNode out = NODES.arrayNode();
        for (JsonNode value : original) {
            boolean deleted = false;
            for (JsonNode d : toDelete) {
                if (JsonValues.equal(value, d)) {
                    deleted = true;
                    break;
                }
            }
            if (!deleted) {
                out.add(value);
            }
        }
        return out;
    }

    private static void dedupe(List<JsonNode> values) {
        for (int i = 0; i < values.size(); i++) {
            for (int j = values.size() - 1; j > i; j--) {
                if (JsonValues.equal(values.get(i), values.get(j))) {
                    values.remove(j);
                }
            }
        }
    }

    private static void partition(Iterable<JsonNode> merged, Iterable<JsonNode> by, String mergeKey,
            ElementKind kind, List<JsonNode> present, List<JsonNode> absent) {
        List<JsonNode> byList = new ArrayList<>();
        by.forEach(byList::add);
        for (JsonNode item : merged) {
            if (kind == ElementKind.MAP && !mergeKey.isEmpty()) {
                if (!item.isObject()) {
                    throw PatchException.unclassified("expected a map, but received a " + kindName(item));
                }
                if (item.get(mergeKey) == null) {
                    throw noMergeKey(item, mergeKey);
                }
            }
            (indexOf(byList, item, mergeKey, kind) >= 0 ? present : absent).add(item);
        }
    }

    /**
     * Kubernetes' order for a merged list: the patch's elements sorted by {@code patchOrder},
     * the server-only ones by {@code serverOrder}, then the server-only ones inserted among the
     * patch's: scanning forward, a server-only element goes before the first patch element that
     * comes after it in the server's order. The relative order within each group is kept.
     *
     * <p>Example: server [a b c d], patch [c a], so patch items [c a] and server-only [b d].
     * b vs c: b is before c on the server, take b; d vs c: c first; d vs a: a first; then d.
     * Result [b c a d].
     */
    private static ArrayNode normalizeOrder(List<JsonNode> patchItems, List<JsonNode> serverOnly,
            List<JsonNode> patchOrder, List<JsonNode> serverOrder, String mergeKey, ElementKind kind) {
        List<JsonNode> right = sortBy(patchItems, patchOrder, mergeKey, kind);
        List<JsonNode> left = sortBy(serverOnly, serverOrder, mergeKey, kind);
        ArrayNode out = NODES.arrayNode();
        int i = 0;
        int j = 0;
        while (i < left.size() || j < right.size()) {
            if (i >= left.size()) {
                out.add(right.get(j++));
            } else if (j >= right.size()) {
                out.add(left.get(i++));
            } else {
                int li = indexOf(serverOrder, left.get(i), mergeKey, kind);
                int ri = indexOf(serverOrder, right.get(j), mergeKey, kind);
                if (li >= 0 && ri >= 0 && li < ri) {
                    out.add(left.get(i++));
                } else {
                    out.add(right.get(j++));
                }
            }
        }
        return out;
    }

    /** A stable sort by position in {@code order}; elements {@code order} lacks stay last, in turn. */
    private static List<JsonNode> sortBy(List<JsonNode> items, List<JsonNode> order, String mergeKey, ElementKind kind) {
        List<JsonNode> sorted = new ArrayList<>(items);
        sorted.sort((a, b) -> {
            int ia = indexOf(order, a, mergeKey, kind);
            int ib = indexOf(order, b, mergeKey, kind);
            return Integer.compare(ia < 0 ? Integer.MAX_VALUE : ia, ib < 0 ? Integer.MAX_VALUE : ib);
        });
        return sorted;
    }

    /** Position of {@code item} in {@code list}: by merge key value for maps, by value otherwise. */
    private static int indexOf(List<JsonNode> list, JsonNode item, String mergeKey, ElementKind kind) {
        if (kind == ElementKind.MAP) {
            JsonNode wanted = item.get(mergeKey);
            for (int i = 0; i < list.size(); i++) {
                JsonNode candidate = list.get(i).get(mergeKey);
                if (wanted == null ? candidate == null : candidate != null && JsonValues.equal(wanted, candidate)) {
                    return i;
                }
            }
            return -1;
        }
        for (int i = 0; i < list.size(); i++) {
            if (JsonValues.equal(list.get(i), item)) {
                return i;
            }
        }
        return -1;
    }

    private static boolean matchesKey(JsonNode element, String mergeKey, JsonNode value) {
        if (!element.isObject()) {
            throw PatchException.unclassified("value for key " + mergeKey + " is not a map.");
        }
        JsonNode candidate = element.get(mergeKey);
        return candidate != null && JsonValues.equal(candidate, value);
    }

    private enum ElementKind { NONE, MAP, SCALAR }

    /** What a list holds, checked across both lists as Kubernetes checks it. */
    private static ElementKind elementKind(ArrayNode a, ArrayNode b) {
        ElementKind kind = ElementKind.NONE;
        for (ArrayNode list : new ArrayNode[] {a, b}) {
            if (list == null) {
                continue;
            }
            for (JsonNode item : list) {
                if (item.isArray()) {
                    if (kind == ElementKind.NONE) {
                        throw PatchException.rejected(NO_LIST_OF_LISTS, null);
                    }
                    throw notIdentical(a, b);
                }
                ElementKind k = item.isObject() ? ElementKind.MAP : ElementKind.SCALAR;
                if (kind == ElementKind.NONE) {
                    kind = k;
                } else if (kind != k) {
                    throw notIdentical(a, b);
                }
            }
        }
        return kind;
    }

    private static PatchException notIdentical(ArrayNode a, ArrayNode b) {
        return PatchException.unclassified("list element types are not identical: ["
                + (a == null ? "[]" : JsonValues.go(a)) + " " + (b == null ? "[]" : JsonValues.go(b)) + "]");
    }

    // ---- helpers ----

    /** The schema of field {@code key} of {@code type}, or null when nothing describes it. */
    private static Schema field(Schema type, String key) {
        return type == null ? null : type.field(key).orElse(null);
    }

    /** {@code $setElementOrder/containers} to {@code containers}; the prefix must be followed by "/". */
    private static String directiveTarget(String key, String prefix, String badFormat) {
        int slash = key.indexOf('/');
        if (slash < 0 || !key.substring(0, slash).equals(prefix)) {
            throw PatchException.badRequest(badFormat);
        }
        return key.substring(slash + 1);
    }

    private static ArrayNode listOrNull(JsonNode value) {
        if (value == null) {
            return null;
        }
        if (value instanceof ArrayNode list) {
            return list;
        }
        throw PatchException.unclassified("expected a slice, but received a " + kindName(value));
    }

    private static List<JsonNode> elements(ArrayNode list) {
        List<JsonNode> out = new ArrayList<>(list.size());
        list.forEach(out::add);
        return out;
    }

    private static List<String> fieldNames(ObjectNode node) {
        List<String> names = new ArrayList<>(node.size());
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    private static PatchException badPatchType(JsonNode directive, JsonNode in) {
        return PatchException.unclassified("unknown patch type: " + JsonValues.go(directive) + " in map: "
                + JsonValues.go(in));
    }

    private static PatchException noMergeKey(JsonNode map, String mergeKey) {
        return PatchException.unclassified("map: " + JsonValues.go(map) + " does not contain declared merge key: "
                + mergeKey);
    }

    private static String kindName(JsonNode node) {
        if (JsonValues.isNull(node)) {
            return "null";
        }
        return switch (node.getNodeType()) {
            case OBJECT -> "map";
            case ARRAY -> "array";
            case STRING -> "string";
            case NUMBER -> "number";
            case BOOLEAN -> "bool";
            default -> "value";
        };
    }

    /** Drops directive keys left in copied values; see the class comment. */
    private static void stripDirectives(JsonNode node) {
        if (node instanceof ObjectNode object) {
            object.remove(DIRECTIVE);
            object.remove(RETAIN_KEYS);
            for (String key : fieldNames(object)) {
                if (key.startsWith(SET_ELEMENT_ORDER + "/") || key.startsWith(DELETE_FROM_PRIMITIVE_LIST + "/")) {
                    object.remove(key);
                } else {
                    stripDirectives(object.get(key));
                }
            }
        } else if (node instanceof ArrayNode array) {
            array.forEach(StrategicMergePatch::stripDirectives);
        }
    }
}
