package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GoJsonEscapes;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NavigableSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A set of field paths: what one manager owns. Immutable.
 *
 * <p>Kept as a tree, the way FieldsV1 writes it: at each level the elements that are themselves
 * members, and the elements under which deeper members live. An element can be both, e.g. a
 * container owned as a whole and its image owned too:
 * <pre>
 * {"f:spec":{"f:containers":{"k:{\"name\":\"nginx\"}":{".":{},"f:image":{}}}}}
 * </pre>
 * Here {@code spec} and {@code spec.containers} are not members, only the path to them;
 * {@code "."} says the container item itself is one. Keys at each level are written in
 * {@link PathElement} order, {@code "."} first, which is byte for byte how Kubernetes writes them.
 *
 * <p>The operations are structured-merge-diff's: {@link #difference} removes members only (a
 * child tree of {@code this} survives unless the other set holds the same deeper paths), while
 * {@link #recursiveDifference} also drops everything under a member of the other set.
 */
public final class FieldSet {

    private static final FieldSet EMPTY = new FieldSet(new TreeSet<>(), new TreeMap<>());

    private final NavigableSet<PathElement> members;
    private final NavigableMap<PathElement, FieldSet> children;

    private FieldSet(NavigableSet<PathElement> members, NavigableMap<PathElement, FieldSet> children) {
        this.members = Collections.unmodifiableNavigableSet(members);
        this.children = Collections.unmodifiableNavigableMap(children);
    }

    public static FieldSet empty() {
        return EMPTY;
    }

    public static FieldSet of(ElementPath... paths) {
        Builder b = builder();
        for (ElementPath p : paths) {
            b.insert(p);
        }
        return b.build();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Collects paths; the one mutable form of a set. */
    public static final class Builder {
        private final TreeSet<PathElement> members = new TreeSet<>();
        private final TreeMap<PathElement, Builder> children = new TreeMap<>();

        private Builder() {
        }

        public Builder insert(ElementPath path) {
            if (path.isEmpty()) {
                return this;
            }
            Builder node = this;
            List<PathElement> elements = path.elements();
            for (int i = 0; i < elements.size() - 1; i++) {
                node = node.children.computeIfAbsent(elements.get(i), e -> new Builder());
            }
            node.members.add(elements.get(elements.size() - 1));
            return this;
        }

        public Builder insertAll(FieldSet set) {
            members.addAll(set.members);
            for (Map.Entry<PathElement, FieldSet> e : set.children.entrySet()) {
                children.computeIfAbsent(e.getKey(), k -> new Builder()).insertAll(e.getValue());
            }
            return this;
        }

        public FieldSet build() {
            TreeMap<PathElement, FieldSet> built = new TreeMap<>();
            for (Map.Entry<PathElement, Builder> e : children.entrySet()) {
                FieldSet child = e.getValue().build();
                if (!child.isEmpty()) {
                    built.put(e.getKey(), child);
                }
            }
            if (members.isEmpty() && built.isEmpty()) {
                return EMPTY;
            }
            return new FieldSet(new TreeSet<>(members), built);
        }
    }

    public boolean isEmpty() {
        return members.isEmpty() && children.isEmpty();
    }

    /** The elements at this level that are members. */
    public NavigableSet<PathElement> members() {
        return members;
    }

    /** The elements at this level with members below them, and those members. */
    public NavigableMap<PathElement, FieldSet> children() {
        return children;
    }

    public boolean has(ElementPath path) {
        FieldSet node = this;
        List<PathElement> elements = path.elements();
        if (elements.isEmpty()) {
            return false;
        }
        for (int i = 0; i < elements.size() - 1; i++) {
            node = node.children.get(elements.get(i));
            if (node == null) {
                return false;
            }
        }
        return node.members.contains(elements.get(elements.size() - 1));
    }

    /** The paths below {@code element}, without it: empty if there are none. */
    public FieldSet withPrefix(PathElement element) {
        FieldSet child = children.get(element);
        return child == null ? EMPTY : child;
    }

    public FieldSet union(FieldSet other) {
        if (other.isEmpty()) {
            return this;
        }
        if (isEmpty()) {
            return other;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.addAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>(children);
        for (Map.Entry<PathElement, FieldSet> e : other.children.entrySet()) {
            c.merge(e.getKey(), e.getValue(), FieldSet::union);
        }
        return new FieldSet(m, c);
    }

    public FieldSet intersection(FieldSet other) {
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.retainAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            FieldSet o = other.children.get(e.getKey());
            if (o != null) {
                FieldSet i = e.getValue().intersection(o);
                if (!i.isEmpty()) {
                    c.put(e.getKey(), i);
                }
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    /** The members of this set not in {@code other}; deeper paths are compared level by level. */
    public FieldSet difference(FieldSet other) {
        if (other.isEmpty() || isEmpty()) {
            return this;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            FieldSet o = other.children.get(e.getKey());
            FieldSet d = o == null ? e.getValue() : e.getValue().difference(o);
            if (!d.isEmpty()) {
                c.put(e.getKey(), d);
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    /** As {@link #difference}, and also without anything under a member of {@code other}. */
    public FieldSet recursiveDifference(FieldSet other) {
        if (other.isEmpty() || isEmpty()) {
            return this;
        }
        TreeSet<PathElement> m = new TreeSet<>(members);
        m.removeAll(other.members);
        TreeMap<PathElement, FieldSet> c = new TreeMap<>();
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            if (other.members.contains(e.getKey())) {
                continue;
            }
            FieldSet o = other.children.get(e.getKey());
            FieldSet d = o == null ? e.getValue() : e.getValue().recursiveDifference(o);
            if (!d.isEmpty()) {
                c.put(e.getKey(), d);
            }
        }
        return m.isEmpty() && c.isEmpty() ? EMPTY : new FieldSet(m, c);
    }

    /** Every member path, members of a level before the levels below (Kubernetes' iteration order). */
    public List<ElementPath> paths() {
        List<ElementPath> out = new ArrayList<>();
        collect(new ElementPath(List.of()), out);
        return out;
    }

    private void collect(ElementPath prefix, List<ElementPath> out) {
        for (PathElement m : members) {
            out.add(prefix.child(m));
        }
        for (Map.Entry<PathElement, FieldSet> e : children.entrySet()) {
            e.getValue().collect(prefix.child(e.getKey()), out);
        }
    }

    // ---- FieldsV1 ----------------------------------------------------------------------------

    /** This set as a FieldsV1 object, keys in Kubernetes' order. */
    public ObjectNode toFieldsV1() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        writeContents(out, false);
        return out;
    }

    private void writeContents(ObjectNode out, boolean includeSelf) {
        if (includeSelf && !isEmpty()) {
            out.set(".", JsonNodeFactory.instance.objectNode());
        }
        Iterator<PathElement> mi = members.iterator();
        Iterator<Map.Entry<PathElement, FieldSet>> ci = children.entrySet().iterator();
        PathElement m = mi.hasNext() ? mi.next() : null;
        Map.Entry<PathElement, FieldSet> c = ci.hasNext() ? ci.next() : null;
        while (m != null || c != null) {
            int cmp = m == null ? 1 : c == null ? -1 : m.compareTo(c.getKey());
            if (cmp < 0) {
                out.set(m.serialize(), JsonNodeFactory.instance.objectNode());
                m = mi.hasNext() ? mi.next() : null;
            } else {
                ObjectNode child = JsonNodeFactory.instance.objectNode();
                c.getValue().writeContents(child, cmp == 0);
                out.set(c.getKey().serialize(), child);
                if (cmp == 0) {
                    m = mi.hasNext() ? mi.next() : null;
                }
                c = ci.hasNext() ? ci.next() : null;
            }
        }
    }

    /** The FieldsV1 text exactly as Kubernetes writes it: compact, Go's escapes. */
    public String toFieldsV1Json() {
        StringWriter out = new StringWriter();
        try (JsonGenerator g = GoJsonEscapes.factory().createGenerator(out)) {
            writeTree(g, toFieldsV1());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }

    private static void writeTree(JsonGenerator g, JsonNode node) throws IOException {
        g.writeStartObject();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            g.writeFieldName(e.getKey());
            writeTree(g, e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * Reads a FieldsV1 object.
     *
     * @throws IllegalArgumentException when it is not one (a key that is no path element, a value
     *                                  that is no object)
     */
    public static FieldSet fromFieldsV1(JsonNode fieldsV1) {
        if (fieldsV1 == null || !fieldsV1.isObject()) {
            throw new IllegalArgumentException("FieldsV1 must be a JSON object");
        }
        Builder b = builder();
        read(fieldsV1, b);
        return b.build();
    }

    private static void read(JsonNode object, Builder into) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equals(".")) {
                continue;
            }
            PathElement element = PathElement.parse(e.getKey());
            JsonNode value = e.getValue();
            if (!value.isObject()) {
                throw new IllegalArgumentException("FieldsV1 value of " + e.getKey() + " must be an object");
            }
            if (value.isEmpty() || value.has(".")) {
                into.members.add(element);
            }
            if (!value.isEmpty()) {
                read(value, into.children.computeIfAbsent(element, k -> new Builder()));
            }
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSet s && members.equals(s.members) && children.equals(s.children);
    }

    @Override
    public int hashCode() {
        return 31 * members.hashCode() + children.hashCode();
    }

    /** One path a line, as Kubernetes prints a set. */
    @Override
    public String toString() {
        List<String> lines = new ArrayList<>();
        for (ElementPath p : paths()) {
            lines.add(p.toString());
        }
        return String.join("\n", lines);
    }
}
