package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.List;

/**
 * The options of a create (POST), metav1.CreateOptions, read from the query and validated as
 * Kubernetes does (422 {@code CreateOptions.meta.k8s.io "" is invalid: ...}).
 *
 * @param dryRun          true for {@code dryRun=All}: validate and answer, store nothing
 * @param fieldManager    "" when absent (the registry then derives one from the user agent)
 * @param fieldValidation {@link FieldValidation#WARN} when absent
 */
public record CreateOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation) {

    private static final GroupKind KIND = new GroupKind(GroupKind.META_GROUP, "CreateOptions");

    public static CreateOptions fromQuery(QueryParameters query) {
        WriteOptions w = WriteOptions.read(query, KIND, List.of());
        return new CreateOptions(w.dryRun(), w.fieldManager(), w.fieldValidation());
    }

    /** The parts every write shares, read and checked once. */
    record WriteOptions(boolean dryRun, String fieldManager, FieldValidation fieldValidation) {

        /** Reads dryRun, fieldManager and fieldValidation; {@code earlier} are errors found first, kept in front. */
        static WriteOptions read(QueryParameters query, GroupKind kind, List<FieldError> earlier) {
            List<String> dryRun = query.all("dryRun");
            String fieldManager = query.first("fieldManager") == null ? "" : query.first("fieldManager");
            String fieldValidation = query.first("fieldValidation") == null ? "" : query.first("fieldValidation");
            List<FieldError> errors = new ArrayList<>(earlier);
            WriteOptionRules.fieldManager(fieldManager, errors);
            WriteOptionRules.dryRun(dryRun, errors);
            WriteOptionRules.fieldValidation(fieldValidation, errors);
            if (!errors.isEmpty()) {
                throw StatusException.invalid(kind, "", errors);
            }
            return new WriteOptions(!dryRun.isEmpty(), fieldManager, FieldValidation.fromWireName(fieldValidation));
        }
    }
}
