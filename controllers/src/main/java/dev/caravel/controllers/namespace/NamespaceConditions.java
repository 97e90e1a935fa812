package dev.caravel.controllers.namespace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Merges the conditions a pass wants into the ones a namespace has, with the reference's rules
 * (kube-controller-manager's namespace deleter, status_condition_utils.go): a type the namespace
 * lacks is added; a type whose status, reason or message differs is rewritten in place, and its
 * {@code lastTransitionTime} moves only when the status flips; an unchanged one is left as it is,
 * so nothing is written when nothing changed. Conditions of other types are kept untouched. A
 * wanted condition that carries its own time (the latch's, named in its message) keeps it.
 */
final class NamespaceConditions {

    /** The merged conditions and whether they differ from the namespace's. */
    record Merge(List<NamespaceCondition> conditions, boolean changed) {
    }

    private NamespaceConditions() {
    }

    static Merge merge(List<NamespaceCondition> current, List<NamespaceCondition> wanted, Instant now) {
        List<NamespaceCondition> merged = new ArrayList<>(current);
        boolean changed = false;
        for (NamespaceCondition next : wanted) {
            int at = indexOf(merged, next.type());
            Instant transition = next.lastTransitionTime() != null ? next.lastTransitionTime() : now;
            if (at < 0) {
                merged.add(new NamespaceCondition(next.type(), next.status(), next.reason(), next.message(), transition));
                changed = true;
                continue;
            }
            NamespaceCondition old = merged.get(at);
            if (old.sameAs(next)) {
                continue;
            }
            Instant since = old.status().equals(next.status()) && old.lastTransitionTime() != null ? old.lastTransitionTime() : transition;
            merged.set(at, new NamespaceCondition(next.type(), next.status(), next.reason(), next.message(), since));
            changed = true;
        }
        return new Merge(List.copyOf(merged), changed);
    }

    private static int indexOf(List<NamespaceCondition> conditions, String type) {
        for (int i = 0; i < conditions.size(); i++) {
            if (conditions.get(i).type().equals(type)) {
                return i;
            }
        }
        return -1;
    }
}
