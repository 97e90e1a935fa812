package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;

import java.util.List;

/**
 * The semantic rules of one kind beyond its schema and ObjectMeta, Kubernetes' per-type
 * {@code Validate<Kind>} and {@code Validate<Kind>Update}. Stateless and shared.
 */
public interface TypeValidator {

    /** The rules of a created object (and of an updated one: {@link #validateUpdate} runs these too). */
    List<FieldError> validate(JsonNode object);

    /** The update-only rules (immutable fields...), run after {@link #validate} of the new object. */
    default List<FieldError> validateUpdate(JsonNode object, JsonNode old) {
        return List.of();
    }
}
