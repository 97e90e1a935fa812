package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The structural schema of one CRD version, the engine its custom resources are pruned,
 * defaulted and validated with, as kube-apiserver's apiextensions-apiserver does it.
 *
 * <p>Built once per served version ({@link #of}) from a schema {@link #check} accepted; every
 * write then only walks the precompiled tree. Immutable and safe to share between requests.
 * CEL rules (x-kubernetes-validations) are accepted and not evaluated: see
 * docs/decisions/0021-structural-schema-engine.md.
 */
public final class StructuralSchema {

    private final SchemaNode root;

    private StructuralSchema(SchemaNode root) {
        this.root = root;
    }

    /**
     * The errors of a CRD version's openAPIV3Schema, as kube-apiserver's CRD validation reports
     * them, with field paths under {@code at} (e.g. spec.versions[0].schema.openAPIV3Schema).
     * Empty when the schema can be served.
     */
    public static List<FieldError> check(JsonNode openApiV3Schema, FieldPath at) {
        return SchemaCheck.check(openApiV3Schema, at);
    }

    /**
     * The extra rule for a version with the status subresource: the root schema may only hold
     * fields that keep {@code properties.status} the whole story for status (no anyOf, enum,
     * additionalProperties... at the root), with {@code at} the openAPIV3Schema's path. The
     * offending schema is shown as JSON where the reference prints its Go struct.
     */
    public static List<FieldError> checkRootWithStatusSubresource(JsonNode openApiV3Schema, FieldPath at) {
        return SchemaCheck.checkRootWithStatusSubresource(openApiV3Schema, at);
    }

    /** The engine for a schema {@link #check} accepted. */
    public static StructuralSchema of(JsonNode openApiV3Schema) {
        return new StructuralSchema(SchemaNode.of(openApiV3Schema));
    }

    /**
     * Removes fields the schema does not declare, as the reference prunes: apiVersion, kind and
     * metadata of the root and of x-kubernetes-embedded-resource objects are kept, metadata
     * without looking inside. Returns the paths pruned ({@code spec.foo}, {@code spec.list[0].bar}),
     * which the reference reports as {@code unknown field "spec.foo"} warnings.
     */
    public List<String> prune(ObjectNode object) {
        return List.copyOf(Pruning.pruneResource(object, root));
    }

    /** Fills in defaults as the reference does (after pruning, on read of stored objects and on write). */
    public void applyDefaults(ObjectNode object) {
        Defaulting.apply(object, root);
    }

    /**
     * The errors of an object against the schema, with the reference's field error types and
     * messages: first the OpenAPI validation (types, required, enum, pattern, formats, bounds,
     * lengths...), then embedded resources' apiVersion and kind, then list-type uniqueness.
     */
    public List<FieldError> validate(JsonNode object) {
        Objects.requireNonNull(object, "object");
        List<FieldError> errors = new ArrayList<>(OpenApiValidator.validate(root, object));
        errors.addAll(EmbeddedResources.validate(object, root));
        errors.addAll(ListTypes.validate(object, root));
        return errors;
    }

    /**
     * The errors of an update, with Kubernetes' validation ratcheting: values unchanged from
     * {@code old} are not validated again (an object stored before the schema tightened can still
     * be updated elsewhere), embedded resources are always checked, and list-type uniqueness only
     * when the old object had none broken.
     */
    public List<FieldError> validateUpdate(JsonNode object, JsonNode old) {
        Objects.requireNonNull(object, "object");
        if (old == null) {
            return validate(object);
        }
        List<FieldError> errors = new ArrayList<>(OpenApiValidator.validateUpdate(root, object, old));
        errors.addAll(EmbeddedResources.validate(object, root));
        if (ListTypes.validate(old, root).isEmpty()) {
            errors.addAll(ListTypes.validate(object, root));
        }
        return errors;
    }
}
