package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;

import java.util.List;

/**
 * The checks Kubernetes applies to every write's options (apimachinery's meta/v1 validation):
 * dryRun, fieldManager and fieldValidation. Each appends its errors to the list given.
 */
final class WriteOptionRules {

    /** Kubernetes' limit on a field manager's name. */
    static final int FIELD_MANAGER_MAX_LENGTH = 128;
    static final String DRY_RUN_ALL = "All";

    private WriteOptionRules() {
    }

    static void dryRun(List<String> dryRun, List<FieldError> errors) {
        for (String value : dryRun) {
            if (!value.equals(DRY_RUN_ALL)) {
                errors.add(FieldError.notSupported(FieldPath.of("dryRun"), dryRun, List.of(DRY_RUN_ALL)));
                return;
            }
        }
    }

    static void fieldManager(String fieldManager, List<FieldError> errors) {
        FieldPath path = FieldPath.of("fieldManager");
        if (fieldManager.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > FIELD_MANAGER_MAX_LENGTH) {
            errors.add(FieldError.tooLong(path, FIELD_MANAGER_MAX_LENGTH));
        }
        // Go ranges over the bytes' runes and reports the byte offset of each unprintable one.
        int byteOffset = 0;
        for (int i = 0; i < fieldManager.length(); ) {
            int cp = fieldManager.codePointAt(i);
            if (!GoQuote.isPrint(cp)) {
                errors.add(FieldError.invalid(path, fieldManager,
                        String.format("invalid character U+%04X (at position %d)", cp, byteOffset)));
            }
            byteOffset += new String(Character.toChars(cp)).getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
            i += Character.charCount(cp);
        }
    }

    static void fieldValidation(String fieldValidation, List<FieldError> errors) {
        if (FieldValidation.fromWireName(fieldValidation) == null) {
            errors.add(FieldError.notSupported(FieldPath.of("fieldValidation"), fieldValidation, FieldValidation.SUPPORTED));
        }
    }
}
