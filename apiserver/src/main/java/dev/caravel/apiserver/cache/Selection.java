package dev.caravel.apiserver.cache;

import dev.caravel.apiserver.selection.FieldRequirement;
import dev.caravel.apiserver.selection.FieldSelector;
import dev.caravel.apiserver.selection.LabelSelector;
import dev.caravel.apiserver.selection.SelectableFields;

import java.util.Objects;

/**
 * What a list or watch sees of a resource: the objects under a key prefix (the resource, or one
 * namespace of it) that both selectors match. The field selector is already converted by the
 * kind's {@link SelectableFields#convert}.
 */
public record Selection(String prefix, LabelSelector labels, FieldSelector fields, SelectableFields selectable) {

    public Selection {
        Objects.requireNonNull(prefix, "prefix");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(fields, "fields");
        Objects.requireNonNull(selectable, "selectable");
    }

    /** True when every object under the prefix is seen: no selector to apply. */
    public boolean selectsEverything() {
        return labels.isEverything() && fields.isEverything();
    }

    public boolean matches(CachedObject object) {
        if (object == null || !object.key().startsWith(prefix)) {
            return false;
        }
        if (!labels.isEverything() && !labels.matches(object.labels())) {
            return false;
        }
        if (fields.isEverything()) {
            return true;
        }
        for (FieldRequirement r : fields.requirements()) {
            if (!r.matches(selectable.valueOf(object.fields(), r.field()))) {
                return false;
            }
        }
        return true;
    }
}
