package dev.caravel.apiserver.api;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The path of a field inside an object, as Kubernetes writes it in validation errors:
 * {@code spec.containers[0].image}, {@code metadata.labels[app]}. Immutable; each step returns a
 * new path sharing its parent.
 *
 * <p>Keys are written inside brackets without quoting, and a path may start with an index or a
 * key, as Kubernetes' field.Path allows.
 */
public final class FieldPath {

    private enum Step { NAME, INDEX, KEY }

    private final FieldPath parent;
    private final Step step;
    private final String text;

    private FieldPath(FieldPath parent, Step step, String text) {
        this.parent = parent;
        this.step = step;
        this.text = text;
    }

    /** A path starting at {@code name}, then each of {@code more} as child names: {@code of("spec", "template")}. */
    public static FieldPath of(String name, String... more) {
        FieldPath path = new FieldPath(null, Step.NAME, Objects.requireNonNull(name, "name"));
        for (String child : more) {
            path = path.child(child);
        }
        return path;
    }

    /** A path whose first step is a list index: {@code [0]}. */
    public static FieldPath ofIndex(int index) {
        return new FieldPath(null, Step.INDEX, Integer.toString(index));
    }

    /** A path whose first step is a map key: {@code [app]}. */
    public static FieldPath ofKey(String key) {
        return new FieldPath(null, Step.KEY, Objects.requireNonNull(key, "key"));
    }

    public FieldPath child(String name, String... more) {
        FieldPath path = new FieldPath(this, Step.NAME, Objects.requireNonNull(name, "name"));
        for (String child : more) {
            path = path.child(child);
        }
        return path;
    }

    public FieldPath index(int index) {
        return new FieldPath(this, Step.INDEX, Integer.toString(index));
    }

    public FieldPath key(String key) {
        return new FieldPath(this, Step.KEY, Objects.requireNonNull(key, "key"));
    }

    /** The root step's path, {@code spec} for {@code spec.containers[0]}. */
    public FieldPath root() {
        FieldPath p = this;
        while (p.parent != null) {
            p = p.parent;
        }
        return p;
    }

    @Override
    public String toString() {
        List<FieldPath> steps = new ArrayList<>();
        for (FieldPath p = this; p != null; p = p.parent) {
            steps.add(p);
        }
        StringBuilder out = new StringBuilder();
        for (int i = steps.size() - 1; i >= 0; i--) {
            FieldPath p = steps.get(i);
            switch (p.step) {
                case NAME -> {
                    if (!out.isEmpty()) {
                        out.append('.');
                    }
                    out.append(p.text);
                }
                case INDEX, KEY -> out.append('[').append(p.text).append(']');
            }
        }
        return out.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldPath other && toString().equals(other.toString());
    }

    @Override
    public int hashCode() {
        return toString().hashCode();
    }
}
