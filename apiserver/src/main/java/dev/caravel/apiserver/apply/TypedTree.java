package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The operations of structured-merge-diff on a JSON tree read through its {@link FieldType}:
 * the field set of a value, the merge of an applied configuration into a live object, the
 * comparison of two versions of an object, and the removal of a set of fields.
 *
 * <p>"Absent" is Java {@code null}; a JSON {@code null} is a value. The difference matters: an
 * applied {@code replicas: null} owns the field, and a map that appears where there was none is
 * itself "added" when the fields an update takes are computed.
 */
final class TypedTree {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private TypedTree() {
    }

    /** A problem in an applied configuration, with the path Kubernetes prints before it. */
    record Problem(ElementPath path, String message) {
        @Override
        public String toString() {
            return path + ": " + message;
        }
    }

    // ---- path elements of list items --------------------------------------------------------

    /**
     * The element naming a list item: its key fields for an associative list, its value for a
     * set. Null, with a problem noted, when the item cannot be named.
     */
    static PathElement itemElement(FieldType list, JsonNode item, int index, ElementPath path, List<Problem> problems) {
        switch (list.listKind()) {
            case ASSOCIATIVE -> {
                if (list.keys().isEmpty()) {
                    return itemAsValue(item, index, path, problems);
                }
                if (item == null || item.isNull()) {
                    problems.add(new Problem(path, "element " + index + ": associative list with keys may not have a null element"));
                    return null;
                }
                if (!item.isObject()) {
                    problems.add(new Problem(path, "element " + index + ": associative list with keys may not have non-map elements"));
                    return null;
                }
                List<Map.Entry<String, JsonNode>> fields = new ArrayList<>();
                for (String key : list.keys()) {
                    JsonNode v = item.get(key);
                    if (v == null) {
                        v = list.keyDefault(key);
                    }
                    if (v == null) {
                        problems.add(new Problem(path, "element " + index
                                + ": associative list with keys has an element that omits key field \"" + key
                                + "\" (and doesn't have default value)"));
                        return null;
                    }
                    fields.add(Map.entry(key, v));
                }
                return new PathElement.Key(fields);
            }
            case SET -> {
                return itemAsValue(item, index, path, problems);
            }
            default -> {
                return new PathElement.Index(index);
            }
        }
    }

    private static PathElement itemAsValue(JsonNode item, int index, ElementPath path, List<Problem> problems) {
        if (item != null && (item.isObject() || item.isArray())) {
            problems.add(new Problem(path, "element " + index + ": associative list without keys has an element that's a "
                    + (item.isObject() ? "map" : "list") + " type"));
            return null;
        }
        return new PathElement.Value(item == null ? NODES.nullNode() : item);
    }

    /** A list's items by element, in order, the first of duplicates kept (and duplicates noted). */
    private static LinkedHashMap<PathElement, JsonNode> indexItems(FieldType type, JsonNode list, ElementPath path,
                                                                   List<Problem> problems, boolean reportDuplicates) {
        LinkedHashMap<PathElement, JsonNode> out = new LinkedHashMap<>();
        if (list == null || !list.isArray()) {
            return out;
        }
        for (int i = 0; i < list.size(); i++) {
            PathElement pe = itemElement(type, list.get(i), i, path, problems);
            if (pe == null) {
                continue;
            }
            if (out.containsKey(pe)) {
                if (reportDuplicates) {
                    problems.add(new Problem(path, "duplicate entries for key " + pe.display()));
                }
                continue;
            }
            out.put(pe, list.get(i));
        }
        return out;
    }

    // ---- field set ----------------------------------------------------------------------------

    /**
     * The fields a value sets, as an applier comes to own them: every scalar, every atomic list
     * or map as a whole, every list item, every map entry that is no declared struct field, and
     * empty maps and nulls as themselves.
     *
     * @param strict refuse what an applied configuration may not hold (unknown fields, duplicate
     *               keys); otherwise, for live objects, treat unknown fields as deduced
     */
    static FieldSet fieldSet(JsonNode value, FieldType type, boolean strict, List<Problem> problems) {
        FieldSet.Builder b = FieldSet.builder();
        walkFieldSet(value, type, new ElementPath(List.of()), b, strict, problems);
        return b.build();
    }

    private static void walkFieldSet(JsonNode value, FieldType type, ElementPath path, FieldSet.Builder out,
                                     boolean strict, List<Problem> problems) {
        switch (type.kind()) {
            case SCALAR -> out.insert(path);
            case LIST -> {
                if (type.atomic() || value == null || !value.isArray()) {
                    out.insert(path);
                    return;
                }
                FieldType element = type.element();
                for (Map.Entry<PathElement, JsonNode> e : indexItems(type, value, path, problems, strict).entrySet()) {
                    ElementPath child = path.child(e.getKey());
                    walkFieldSet(e.getValue(), element, child, out, strict, problems);
                    out.insert(child);
                }
            }
            case MAP, DEDUCED -> {
                if (value == null || !value.isObject()) {
                    out.insert(path);
                    return;
                }
                if (type.atomic()) {
                    out.insert(path);
                    return;
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    String key = e.getKey();
                    ElementPath child = path.child(new PathElement.Field(key));
                    FieldType ft = type.field(key);
                    if (ft == null) {
                        if (strict) {
                            problems.add(new Problem(child, "field not declared in schema"));
                            continue;
                        }
                        ft = FieldType.DEDUCED;
                    }
                    JsonNode v = e.getValue();
                    walkFieldSet(v, ft, child, out, strict, problems);
                    if (v.isNull() || (v.isObject() && v.isEmpty()) || !type.declares(key)) {
                        out.insert(child);
                    }
                }
            }
        }
    }

    // ---- merge --------------------------------------------------------------------------------

    /**
     * The applied configuration merged into the live object: the configuration's scalars, atomic
     * lists and atomic maps win; maps merge by key; associative lists and sets merge by item,
     * keeping the live items the configuration does not name.
     */
    static JsonNode merge(JsonNode live, JsonNode applied, FieldType type) {
        if (applied == null) {
            return live == null ? null : live.deepCopy();
        }
        if (live == null) {
            return applied.deepCopy();
        }
        switch (type.kind()) {
            case LIST -> {
                // A null list merges as an empty one: applying "ports: null" owns the field but
                // keeps the live items, as in Kubernetes.
                boolean liveList = live.isArray() || live.isNull();
                boolean appliedList = applied.isArray() || applied.isNull();
                if (type.atomic() || !liveList || !appliedList || (live.isEmpty() && applied.isEmpty())) {
                    return applied.deepCopy();
                }
                return mergeList(live, applied, type);
            }
            case MAP, DEDUCED -> {
                boolean liveMap = live.isObject() || live.isNull();
                boolean appliedMap = applied.isObject() || applied.isNull();
                if (type.atomic() || !liveMap || !appliedMap || (live.isEmpty() && applied.isEmpty())) {
                    return applied.deepCopy();
                }
                ObjectNode out = NODES.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = live.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    JsonNode rhs = applied.get(e.getKey());
                    out.set(e.getKey(), merge(e.getValue(), rhs, typeOf(type, e.getKey())));
                }
                for (Iterator<Map.Entry<String, JsonNode>> it = applied.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!out.has(e.getKey())) {
                        out.set(e.getKey(), e.getValue().deepCopy());
                    }
                }
                return out;
            }
            default -> {
                return applied.deepCopy();
            }
        }
    }

    private static FieldType typeOf(FieldType map, String key) {
        FieldType t = map.field(key);
        return t == null ? FieldType.DEDUCED : t;
    }

    /**
     * Merges two associative lists or sets. The configuration's items come in its order; live items
     * it does not name stay where they were relative to the items around them. This is
     * structured-merge-diff's walk: both lists are read in step, and a live item that the
     * configuration also holds waits until the configuration reaches it.
     */
    private static ArrayNode mergeList(JsonNode live, JsonNode applied, FieldType type) {
        List<Problem> ignored = new ArrayList<>();
        ElementPath none = new ElementPath(List.of());
        LinkedHashMap<PathElement, JsonNode> lhs = indexItems(type, live, none, ignored, false);
        LinkedHashMap<PathElement, JsonNode> rhs = indexItems(type, applied, none, ignored, false);
        List<PathElement> lOrder = new ArrayList<>(lhs.keySet());
        List<PathElement> rOrder = new ArrayList<>(rhs.keySet());
        List<PathElement> shared = new ArrayList<>();
        for (PathElement pe : rOrder) {
            if (lhs.containsKey(pe)) {
                shared.add(pe);
            }
        }
        int nextShared = 0;
        Set<PathElement> mergedRhs = new HashSet<>();
        FieldType element = type.element();
        ArrayNode out = NODES.arrayNode();
        int l = 0;
        int r = 0;
        while (l < lOrder.size() || r < rOrder.size()) {
            if (l < lOrder.size() && r < rOrder.size()) {
                PathElement pe = lOrder.get(l);
                if (pe.equals(rOrder.get(r))) {
                    mergedRhs.add(pe);
                    addItem(out, merge(lhs.get(pe), rhs.get(pe), element));
                    l++;
                    r++;
                    nextShared++;
                    continue;
                }
                if (rhs.containsKey(pe) && nextShared < shared.size() && !shared.get(nextShared).equals(pe)) {
                    // a shared item, but not the one due now: the configuration places it later
                    l++;
                    continue;
                }
            }
            if (l < lOrder.size()) {
                PathElement pe = lOrder.get(l);
                if (!rhs.containsKey(pe)) {
                    addItem(out, lhs.get(pe).deepCopy());
                    l++;
                    continue;
                } else if (mergedRhs.contains(pe)) {
                    l++;
                    continue;
                }
            }
            if (r < rOrder.size()) {
                PathElement pe = rOrder.get(r);
                mergedRhs.add(pe);
                addItem(out, merge(lhs.get(pe), rhs.get(pe), element));
                r++;
                if (nextShared < shared.size() && shared.get(nextShared).equals(pe)) {
                    nextShared++;
                }
            }
        }
        return out;
    }

    private static void addItem(ArrayNode out, JsonNode item) {
        if (item != null) {
            out.add(item);
        }
    }

    // ---- compare ------------------------------------------------------------------------------

    /** What changed from one version of an object to the next, as field sets. */
    record Comparison(FieldSet added, FieldSet modified, FieldSet removed) {

        /** Without the ignored fields and everything under them. */
        Comparison excluding(FieldSet ignored) {
            return new Comparison(added.recursiveDifference(ignored), modified.recursiveDifference(ignored),
                    removed.recursiveDifference(ignored));
        }

        boolean isEmpty() {
            return added.isEmpty() && modified.isEmpty() && removed.isEmpty();
        }
    }

    static Comparison compare(JsonNode before, JsonNode after, FieldType type) {
        FieldSet.Builder added = FieldSet.builder();
        FieldSet.Builder modified = FieldSet.builder();
        FieldSet.Builder removed = FieldSet.builder();
        if (before != null || after != null) {
            walkCompare(before, after, type, new ElementPath(List.of()), added, modified, removed);
        }
        return new Comparison(added.build(), modified.build(), removed.build());
    }

    private static void leaf(JsonNode l, JsonNode r, ElementPath path, FieldSet.Builder added,
                             FieldSet.Builder modified, FieldSet.Builder removed) {
        if (l == null) {
            added.insert(path);
        } else if (r == null) {
            removed.insert(path);
        } else if (!ValueOrder.equal(l, r)) {
            modified.insert(path);
        }
    }

    private static void walkCompare(JsonNode l, JsonNode r, FieldType type, ElementPath path, FieldSet.Builder added,
                                    FieldSet.Builder modified, FieldSet.Builder removed) {
        boolean wasLeaf;
        switch (type.kind()) {
            case LIST -> {
                JsonNode ll = l != null && l.isArray() ? l : null;
                JsonNode rl = r != null && r.isArray() ? r : null;
                boolean emptyBoth = (ll == null || ll.isEmpty()) && (rl == null || rl.isEmpty());
                boolean mismatched = (l != null && !l.isNull() && ll == null) || (r != null && !r.isNull() && rl == null);
                if (type.atomic() || emptyBoth || mismatched) {
                    leaf(l, r, path, added, modified, removed);
                    return;
                }
                wasLeaf = false;
                List<Problem> ignored = new ArrayList<>();
                LinkedHashMap<PathElement, JsonNode> lhs = indexItems(type, ll, path, ignored, false);
                LinkedHashMap<PathElement, JsonNode> rhs = indexItems(type, rl, path, ignored, false);
                FieldType element = type.element();
                for (Map.Entry<PathElement, JsonNode> e : lhs.entrySet()) {
                    walkCompare(e.getValue(), rhs.get(e.getKey()), element, path.child(e.getKey()),
                            added, modified, removed);
                }
                for (Map.Entry<PathElement, JsonNode> e : rhs.entrySet()) {
                    if (!lhs.containsKey(e.getKey())) {
                        walkCompare(null, e.getValue(), element, path.child(e.getKey()), added, modified, removed);
                    }
                }
            }
            case MAP, DEDUCED -> {
                JsonNode lm = l != null && l.isObject() ? l : null;
                JsonNode rm = r != null && r.isObject() ? r : null;
                boolean emptyBoth = (lm == null || lm.isEmpty()) && (rm == null || rm.isEmpty());
                boolean mismatched = (l != null && !l.isNull() && lm == null) || (r != null && !r.isNull() && rm == null);
                if (type.atomic() || emptyBoth || mismatched) {
                    leaf(l, r, path, added, modified, removed);
                    return;
                }
                wasLeaf = false;
                if (lm != null) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = lm.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        walkCompare(e.getValue(), rm == null ? null : rm.get(e.getKey()), typeOf(type, e.getKey()),
                                path.child(new PathElement.Field(e.getKey())), added, modified, removed);
                    }
                }
                if (rm != null) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = rm.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        if (lm == null || !lm.has(e.getKey())) {
                            walkCompare(null, e.getValue(), typeOf(type, e.getKey()),
                                    path.child(new PathElement.Field(e.getKey())), added, modified, removed);
                        }
                    }
                }
            }
            default -> {
                leaf(l, r, path, added, modified, removed);
                return;
            }
        }
        if (!wasLeaf) {
            // A map, struct or list item that appeared or went away is itself added or removed.
            if (l == null) {
                added.insert(path);
            } else if (r == null) {
                removed.insert(path);
            }
        }
    }

    // ---- removal ------------------------------------------------------------------------------

    /**
     * The value without the fields and items of {@code toRemove} (each with all it holds). A map
     * or list left empty becomes absent (null here), as in Kubernetes, where it decodes to nothing.
     */
    static JsonNode removeItems(JsonNode value, FieldSet toRemove, FieldType type) {
        if (value == null || toRemove.isEmpty()) {
            return value;
        }
        switch (type.kind()) {
            case LIST -> {
                if (!value.isArray() || value.isEmpty() || type.atomic()) {
                    return value;
                }
                ArrayNode out = NODES.arrayNode();
                List<Problem> ignored = new ArrayList<>();
                ElementPath none = new ElementPath(List.of());
                FieldType element = type.element();
                for (int i = 0; i < value.size(); i++) {
                    JsonNode item = value.get(i);
                    PathElement pe = itemElement(type, item, i, none, ignored);
                    if (pe == null) {
                        out.add(item);
                        continue;
                    }
                    if (toRemove.members().contains(pe)) {
                        continue;
                    }
                    FieldSet sub = toRemove.withPrefix(pe);
                    JsonNode kept = sub.isEmpty() ? item : removeItems(item, sub, element);
                    if (kept != null) {
                        out.add(kept);
                    }
                }
                return out.isEmpty() ? null : out;
            }
            case MAP, DEDUCED -> {
                if (!value.isObject() || value.isEmpty() || type.atomic()) {
                    return value;
                }
                ObjectNode out = NODES.objectNode();
                for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    PathElement pe = new PathElement.Field(e.getKey());
                    if (toRemove.members().contains(pe)) {
                        continue;
                    }
                    FieldSet sub = toRemove.withPrefix(pe);
                    JsonNode kept = sub.isEmpty() ? e.getValue() : removeItems(e.getValue(), sub, typeOf(type, e.getKey()));
                    if (kept != null) {
                        out.set(e.getKey(), kept);
                    }
                }
                return out.isEmpty() ? null : out;
            }
            default -> {
                return value;
            }
        }
    }

    /**
     * The set with every declared struct field that has members below it made a member too, so
     * that pruning a struct the applier no longer mentions removes the struct, not just its leaves.
     */
    static FieldSet ensureNamedFieldsAreMembers(FieldSet set, FieldType type) {
        FieldSet.Builder b = FieldSet.builder();
        ensureInto(set, type, new ElementPath(List.of()), b);
        return b.build();
    }

    private static void ensureInto(FieldSet set, FieldType type, ElementPath prefix, FieldSet.Builder out) {
        for (PathElement m : set.members()) {
            out.insert(prefix.child(m));
        }
        for (Map.Entry<PathElement, FieldSet> e : set.children().entrySet()) {
            PathElement pe = e.getKey();
            FieldType childType = FieldType.DEDUCED;
            if (pe instanceof PathElement.Field f && type != null && type.kind() == FieldType.Kind.MAP) {
                if (type.declares(f.name())) {
                    out.insert(prefix.child(pe));
                }
                childType = typeOf(type, f.name());
            } else if (pe instanceof PathElement.Key && type != null && type.kind() == FieldType.Kind.LIST) {
                childType = type.element();
            } else if (pe instanceof PathElement.Field f && type != null && type.kind() == FieldType.Kind.DEDUCED) {
                childType = typeOf(type, f.name());
            }
            ensureInto(e.getValue(), childType, prefix.child(pe), out);
        }
    }

    // ---- nulls --------------------------------------------------------------------------------

    /**
     * Drops null map entries, which a typed Kubernetes object cannot hold: an applied
     * {@code replicas: null} leaves the field unset. Nulls inside deduced (schema-less) values stay.
     */
    static void dropNulls(JsonNode value, FieldType type) {
        if (value == null || type.kind() == FieldType.Kind.DEDUCED) {
            return;
        }
        if (value.isObject() && type.kind() == FieldType.Kind.MAP && !type.atomic()) {
            List<String> nulls = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (e.getValue().isNull()) {
                    nulls.add(e.getKey());
                } else {
                    dropNulls(e.getValue(), typeOf(type, e.getKey()));
                }
            }
            ((ObjectNode) value).remove(nulls);
        } else if (value.isArray() && type.kind() == FieldType.Kind.LIST && !type.atomic()) {
            FieldType element = type.element();
            for (JsonNode item : value) {
                dropNulls(item, element);
            }
        }
    }
}
