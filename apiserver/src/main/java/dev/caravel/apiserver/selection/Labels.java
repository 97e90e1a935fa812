package dev.caravel.apiserver.selection;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Validation of an object's labels, as Kubernetes' meta/v1 validation does it: one error per
 * problem, each at the path of the whole label map (Kubernetes does not add the key to it):
 * {@code metadata.labels: Invalid value: "-x": name part must consist of ...}.
 */
public final class Labels {

    private Labels() {
    }

    public static List<FieldError> validate(Map<String, String> labels, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        if (labels == null) {
            return errors;
        }
        labels.forEach((key, value) -> {
            errors.addAll(validateKey(key, path));
            for (String problem : NameValidation.labelValue(value)) {
                errors.add(FieldError.invalid(path, value, problem));
            }
        });
        return errors;
    }

    /** ValidateLabelName: one error per problem with the key. */
    public static List<FieldError> validateKey(String key, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        for (String problem : NameValidation.qualifiedName(key)) {
            errors.add(FieldError.invalid(path, key, problem));
        }
        return errors;
    }
}
