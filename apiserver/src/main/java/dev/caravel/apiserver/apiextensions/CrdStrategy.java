package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.registry.ResourceStrategy;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.validation.ObjectValidator;

import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The strategy of {@code customresourcedefinitions}, the reference's
 * {@code pkg/registry/customresourcedefinition}: defaults (singular and listKind from the kind,
 * conversion None), the status reset on create, {@code status.storedVersions} gaining the storage
 * version, validation by {@link CrdValidation}, and on the first delete the cleanup finalizer
 * and the Terminating condition, so the instances go before the definition.
 */
final class CrdStrategy implements ResourceStrategy {

    private final ResourceDefinition definition;
    private final Clock clock;

    CrdStrategy(ResourceDefinition definition, Clock clock) {
        this.definition = definition;
        this.clock = clock;
    }

    @Override
    public ResourceDefinition definition() {
        return definition;
    }

    @Override
    public List<String> decode(ObjectValidator validator, ObjectNode object, List<String> duplicateFields,
                               FieldValidation directive) {
        List<String> warnings = validator.decode(target(), object, duplicateFields, directive);
        for (JsonNode version : object.path("spec").path("versions")) {
            if (version.path("schema").path("openAPIV3Schema") instanceof ObjectNode schema) {
                dropEmptyCollections(schema);
            }
        }
        applyDefaults(object);
        return warnings;
    }

    /** JSONSchemaProps' collections that Go omits when empty (the JSON raw values default and example are kept). */
    private static final List<String> OMITTED_WHEN_EMPTY = List.of("properties", "patternProperties", "dependencies",
            "definitions", "required", "enum", "allOf", "oneOf", "anyOf", "x-kubernetes-list-map-keys",
            "x-kubernetes-validations");

    /**
     * Drops the empty collections Go's JSONSchemaProps omits: the reference decodes a CRD into it,
     * so {@code "dependencies": {}} (the official Java client sends it on every schema) is stored
     * as if absent, and so must be checked.
     */
    static void dropEmptyCollections(ObjectNode schema) {
        for (String field : OMITTED_WHEN_EMPTY) {
            JsonNode value = schema.get(field);
            if (value != null && (value.isNull() || (value.isContainerNode() && value.isEmpty()))) {
                schema.remove(field);
            }
        }
        for (String map : List.of("properties", "patternProperties", "dependencies", "definitions")) {
            schema.path(map).forEach(child -> {
                if (child instanceof ObjectNode o) {
                    dropEmptyCollections(o);
                }
            });
        }
        for (String list : List.of("allOf", "oneOf", "anyOf")) {
            schema.path(list).forEach(child -> {
                if (child instanceof ObjectNode o) {
                    dropEmptyCollections(o);
                }
            });
        }
        for (String single : List.of("items", "additionalProperties", "additionalItems", "not")) {
            JsonNode child = schema.get(single);
            if (child instanceof ObjectNode o) {
                dropEmptyCollections(o);
            } else if (child != null && child.isArray()) {
                child.forEach(c -> {
                    if (c instanceof ObjectNode o) {
                        dropEmptyCollections(o);
                    }
                });
            }
        }
    }

    /** SetDefaults_CustomResourceDefinition(Spec) of apiextensions v1. */
    static void applyDefaults(ObjectNode crd) {
        ObjectNode spec = crd.withObjectProperty("spec");
        ObjectNode names = spec.withObjectProperty("names");
        String kind = names.path("kind").asText("");
        if (names.path("singular").asText("").isEmpty() && !kind.isEmpty()) {
            names.put("singular", kind.toLowerCase(Locale.ROOT));
        }
        if (names.path("listKind").asText("").isEmpty() && !kind.isEmpty()) {
            names.put("listKind", kind + "List");
        }
        if (!spec.path("conversion").isObject()) {
            spec.putObject("conversion").put("strategy", "None");
        } else if (!spec.path("conversion").has("strategy")) {
            ((ObjectNode) spec.get("conversion")).put("strategy", "None");
        }
    }

    @Override
    public void prepareForCreate(ObjectNode crd) {
        ObjectNode status = crd.putObject("status");
        addStoredVersion(crd, status);
        // The reference writes empty acceptedNames (plural and kind are not omitted) until the controllers run.
        ObjectNode accepted = status.putObject("acceptedNames");
        accepted.put("plural", "");
        accepted.put("kind", "");
    }

    @Override
    public void prepareForUpdate(ObjectNode crd, ObjectNode old) {
        ResourceStrategy.super.prepareForUpdate(crd, old);
        addStoredVersion(crd, crd.withObjectProperty("status"));
    }

    private static void addStoredVersion(ObjectNode crd, ObjectNode status) {
        for (JsonNode v : crd.path("spec").path("versions")) {
            if (v.path("storage").asBoolean(false)) {
                String name = v.path("name").asText("");
                ArrayNode stored = status.withArrayProperty("storedVersions");
                for (JsonNode s : stored) {
                    if (s.asText().equals(name)) {
                        return;
                    }
                }
                stored.add(name);
                return;
            }
        }
    }

    @Override
    public void validateCreate(ObjectValidator validator, ObjectNode object) {
        List<FieldError> errors = new ArrayList<>(validator.createErrors(target(), object));
        errors.addAll(CrdValidation.validateCreate(object));
        throwIfAny(object, errors);
    }

    @Override
    public void validateUpdate(ObjectValidator validator, ObjectNode object, ObjectNode old) {
        List<FieldError> errors = new ArrayList<>(dev.caravel.apiserver.validation.ObjectMetaValidator.validateUpdate(object, old));
        errors.addAll(validator.createErrors(target(), object));
        errors.addAll(CrdValidation.validateUpdate(object, old));
        throwIfAny(object, errors);
    }

    private void throwIfAny(JsonNode object, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw StatusException.invalid(target().groupKind(), object.path("metadata").path("name").asText(""), errors);
        }
    }

    /** The reference's CRD REST Delete: first the cleanup finalizer and Terminating, then the store's delete. */
    @Override
    public void prepareForDelete(ObjectNode crd) {
        ArrayNode finalizers = crd.withObjectProperty("metadata").withArrayProperty("finalizers");
        boolean present = false;
        for (JsonNode f : finalizers) {
            present |= f.asText().equals(CustomResources.CLEANUP_FINALIZER);
        }
        if (!present) {
            finalizers.add(CustomResources.CLEANUP_FINALIZER);
        }
        setCondition(crd, "Terminating", "True", "InstanceDeletionPending",
                "CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon", clock.instant());
    }

    /**
     * Sets a condition of {@code status.conditions}, keeping its lastTransitionTime unless its
     * status changes, as apiextensions' SetCRDCondition does.
     *
     * @return whether anything changed
     */
    static boolean setCondition(ObjectNode crd, String type, String status, String reason, String message, Instant now) {
        ArrayNode conditions = crd.withObjectProperty("status").withArrayProperty("conditions");
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(type)) {
                ObjectNode condition = (ObjectNode) c;
                boolean changed = !condition.path("status").asText().equals(status)
                        || !condition.path("reason").asText().equals(reason)
                        || !condition.path("message").asText().equals(message);
                if (!condition.path("status").asText().equals(status)) {
                    condition.put("lastTransitionTime", timestamp(now));
                }
                condition.put("status", status);
                condition.put("reason", reason);
                condition.put("message", message);
                return changed;
            }
        }
        ObjectNode condition = conditions.addObject();
        condition.put("type", type);
        condition.put("status", status);
        condition.put("lastTransitionTime", timestamp(now));
        condition.put("reason", reason);
        condition.put("message", message);
        return true;
    }

    static String timestamp(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }
}
