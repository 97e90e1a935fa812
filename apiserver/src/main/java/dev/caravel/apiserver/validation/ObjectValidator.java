package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The one entry point a resource strategy calls, in Kubernetes' order:
 * <ol>
 *   <li>{@link #decode} on the request body's tree (with the duplicates {@link StrictJson} found)
 *       or on a patch result: type errors and, per fieldValidation, unknown and duplicate fields
 *       (400 or Warning texts); unknown fields are dropped from the tree;</li>
 *   <li>generateName ({@link ObjectMetaValidator#generateName}), defaulting, and the fields the
 *       server sets;</li>
 *   <li>{@link #validateCreate} or {@link #validateUpdate}: ObjectMeta, the kind's own rules
 *       (or the schema's required fields for a kind without rules), as one 422.</li>
 * </ol>
 */
public final class ObjectValidator {

    private final SchemaValidator schema;
    private final TypeValidators types;

    public ObjectValidator(SchemaValidator schema, TypeValidators types) {
        this.schema = schema;
        this.types = types;
    }

    public static ObjectValidator kubernetes() {
        return new ObjectValidator(SchemaValidator.kubernetes(), TypeValidators.kubernetes());
    }

    /** What is validated: the kind as sent and whether its resource lives in namespaces. */
    public record Target(GroupVersionKind kind, boolean namespaced) {
        public GroupKind groupKind() {
            return new GroupKind(kind.group(), kind.kind());
        }
    }

    /** See {@link SchemaValidator#decode}: 400 or the Warning header texts. */
    public List<String> decode(Target target, ObjectNode object, List<String> duplicateFields, FieldValidation directive) {
        return schema.decode(target.kind(), object, duplicateFields, directive);
    }

    /** Everything wrong with an object about to be created, in Kubernetes' order; empty when valid. */
    public List<FieldError> createErrors(Target target, JsonNode object) {
        List<FieldError> errors = new ArrayList<>(ObjectMetaValidator.validate(object, target.groupKind(), target.namespaced()));
        Optional<TypeValidator> rules = types.forKind(target.groupKind());
        if (rules.isPresent()) {
            errors.addAll(rules.get().validate(object));
        } else {
            errors.addAll(schema.requiredFields(target.kind(), object));
        }
        return errors;
    }

    /** Everything wrong with an update from {@code old} to {@code object}; empty when valid. */
    public List<FieldError> updateErrors(Target target, JsonNode object, JsonNode old) {
        List<FieldError> errors = new ArrayList<>(ObjectMetaValidator.validateUpdate(object, old));
        errors.addAll(createErrors(target, object));
        types.forKind(target.groupKind()).ifPresent(rules -> errors.addAll(rules.validateUpdate(object, old)));
        return errors;
    }

    /** @throws StatusException 422 {@code Deployment.apps "web" is invalid: spec.selector: Required value} */
    public void validateCreate(Target target, JsonNode object) {
        throwIfAny(target, object, createErrors(target, object));
    }

    /** @throws StatusException 422, as {@link #validateCreate} */
    public void validateUpdate(Target target, JsonNode object, JsonNode old) {
        throwIfAny(target, object, updateErrors(target, object, old));
    }

    private static void throwIfAny(Target target, JsonNode object, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw StatusException.invalid(target.groupKind(), JsonFields.text(object, "metadata", "name"), errors);
        }
    }
}
