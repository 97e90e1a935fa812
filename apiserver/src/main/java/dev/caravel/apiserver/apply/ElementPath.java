package dev.caravel.apiserver.apply;

import java.util.ArrayList;
import java.util.List;

/**
 * A path from the object's root through {@link PathElement}s: one member of a {@link FieldSet}.
 * Prints as Kubernetes prints it in conflicts: {@code .spec.template.spec.containers[name="nginx"].image}.
 */
public record ElementPath(List<PathElement> elements) {

    public ElementPath {
        elements = List.copyOf(elements);
    }

    public static ElementPath of(PathElement... elements) {
        return new ElementPath(List.of(elements));
    }

    /** A path of field names only: {@code fields("spec", "replicas")}. */
    public static ElementPath fields(String... names) {
        List<PathElement> out = new ArrayList<>(names.length);
        for (String name : names) {
            out.add(new PathElement.Field(name));
        }
        return new ElementPath(out);
    }

    public ElementPath child(PathElement element) {
        List<PathElement> out = new ArrayList<>(elements.size() + 1);
        out.addAll(elements);
        out.add(element);
        return new ElementPath(out);
    }

    public boolean isEmpty() {
        return elements.isEmpty();
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        for (PathElement e : elements) {
            out.append(e.display());
        }
        return out.toString();
    }
}
