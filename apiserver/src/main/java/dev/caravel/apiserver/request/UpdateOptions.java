package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.GroupKind;

import java.util.List;

/**
 * The options of an update (PUT), metav1.UpdateOptions, validated as Kubernetes does
 * (422 {@code UpdateOptions.meta.k8s.io "" is invalid: ...}).
 */
public record UpdateOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation) {

    private static final GroupKind KIND = new GroupKind(GroupKind.META_GROUP, "UpdateOptions");

    public static UpdateOptions fromQuery(QueryParameters query) {
        CreateOptions.WriteOptions w = CreateOptions.WriteOptions.read(query, KIND, List.of());
        return new UpdateOptions(w.dryRun(), w.fieldManager(), w.fieldValidation());
    }
}
