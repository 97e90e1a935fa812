package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GroupKind;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of a patch, metav1.PatchOptions, validated for the patch type as Kubernetes does:
 * {@code force} only for server-side apply, and apply requires a field manager (422
 * {@code PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch}).
 *
 * @param force null when absent; true lets an apply take over conflicting fields
 */
public record PatchOptions(boolean dryRun, Boolean force, String fieldManager, FieldValidation fieldValidation) {

    private static final GroupKind KIND = new GroupKind(GroupKind.META_GROUP, "PatchOptions");

    public static PatchOptions fromQuery(QueryParameters query, PatchType patchType) {
        Boolean force = QueryValues.optionalBool(query, "force");
        String fieldManager = query.first("fieldManager");
        List<FieldError> errors = new ArrayList<>();
        if (!patchType.isApply()) {
            if (force != null) {
                errors.add(FieldError.forbidden(FieldPath.of("force"), "may not be specified for non-apply patch"));
            }
        } else if (fieldManager == null || fieldManager.isEmpty()) {
            errors.add(FieldError.required(FieldPath.of("fieldManager"), "is required for apply patch"));
        }
        CreateOptions.WriteOptions w = CreateOptions.WriteOptions.read(query, KIND, errors);
        return new PatchOptions(w.dryRun(), force, w.fieldManager(), w.fieldValidation());
    }

    public boolean isForced() {
        return Boolean.TRUE.equals(force);
    }
}
