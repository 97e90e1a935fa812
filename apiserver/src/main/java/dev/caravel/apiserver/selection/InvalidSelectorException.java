package dev.caravel.apiserver.selection;

import dev.caravel.apiserver.api.FieldError;

import java.util.List;

/**
 * A label or field selector that does not parse or whose keys or values are not valid. The message
 * is Kubernetes' own, word for word (the list handler answers it as a 400 BadRequest as is);
 * when the failure is a set of field errors they are kept too, for callers that validate a
 * selector inside an object (a Deployment's spec.selector) and answer 422.
 */
public final class InvalidSelectorException extends IllegalArgumentException {

    private final transient List<FieldError> fieldErrors;

    public InvalidSelectorException(String message) {
        this(message, List.of());
    }

    public InvalidSelectorException(String message, List<FieldError> fieldErrors) {
        super(message);
        this.fieldErrors = List.copyOf(fieldErrors);
    }

    /** The field errors behind the message; empty for a syntax error. */
    public List<FieldError> fieldErrors() {
        return fieldErrors;
    }

    @Override
    public synchronized Throwable fillInStackTrace() {
        // Thrown for user input on every bad list request; the message says all there is to say.
        return this;
    }
}
