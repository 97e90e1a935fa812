package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusDetails;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.apply.FieldManager;
import dev.caravel.apiserver.registry.ResourceStrategy;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.validation.ObjectMetaValidator;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.apiserver.validation.SchemaValidator;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The strategy of a custom resource in one served version, the reference's
 * {@code pkg/registry/customresource} strategy: objects are stored at the CRD's storage version and
 * served at the requested one by the None converter (apiVersion rewritten, nothing else);
 * request bodies are pruned to the version's schema (pruned fields reported as unknown fields,
 * per fieldValidation) and defaulted; objects are validated as ObjectMeta and against the schema.
 * Status and scale subresources follow the version's {@code subresources}.
 *
 * <p>The compiled CRD is looked up on each call, so the strategy follows CRD updates that keep
 * the resource's names.
 */
final class CustomResourceStrategy implements ResourceStrategy {

    /** The fields of ObjectMeta: anything else under the root metadata is pruned, as decoding ObjectMeta drops it. */
    private static final Set<String> OBJECT_META_FIELDS = Set.of("name", "generateName", "namespace", "selfLink", "uid",
            "resourceVersion", "generation", "creationTimestamp", "deletionTimestamp", "deletionGracePeriodSeconds",
            "labels", "annotations", "ownerReferences", "finalizers", "managedFields");

    private final ResourceDefinition definition;
    private final Supplier<CustomResourceType> type;

    CustomResourceStrategy(ResourceDefinition definition, Supplier<CustomResourceType> type) {
        this.definition = definition;
        this.type = type;
    }

    @Override
    public ResourceDefinition definition() {
        return definition;
    }

    private CustomResourceType type() {
        CustomResourceType t = type.get();
        if (t == null) {
            throw StatusException.notFound(groupResource(), "");
        }
        return t;
    }

    private CustomResourceType.Served served() {
        return type().version(definition.version()).orElseThrow(() -> new StatusException(Status.failure(404,
                StatusReason.NOT_FOUND, "the server could not find the requested resource", null)));
    }

    @Override
    public dev.caravel.apiserver.selection.SelectableFields selectableFields() {
        return served().selectableFields();
    }

    @Override
    public List<String> warnings() {
        CustomResourceType t = type.get();
        return t == null ? List.of() : t.version(definition.version()).map(CustomResourceType.Served::warnings).orElse(List.of());
    }

    @Override
    public boolean tracksGeneration() {
        return true;
    }

    @Override
    public boolean acceptsStrategicMergePatch() {
        return false;
    }

    @Override
    public FieldManager fieldManager() {
        JsonNode schema = served().openApiSchema();
        return FieldManager.forSchema(definition.groupVersionKind(), schema == null ? null : Schema.standalone(typedForApply(schema)));
    }

    /**
     * The schema the field manager types objects by: the version's, with the root metadata typed
     * as ObjectMeta's granular parts (labels and annotations maps, finalizers a set, owner
     * references keyed by uid), as the reference merges ObjectMeta's schema in.
     */
    private static JsonNode typedForApply(JsonNode schema) {
        ObjectNode copy = schema.deepCopy();
        ObjectNode metadata = CustomResources.JSON.createObjectNode();
        metadata.put("type", "object");
        ObjectNode props = metadata.putObject("properties");
        for (String map : List.of("labels", "annotations")) {
            ObjectNode m = props.putObject(map);
            m.put("type", "object");
            m.putObject("additionalProperties").put("type", "string");
        }
        ObjectNode finalizers = props.putObject("finalizers");
        finalizers.put("type", "array");
        finalizers.put("x-kubernetes-list-type", "set");
        finalizers.putObject("items").put("type", "string");
        ObjectNode owners = props.putObject("ownerReferences");
        owners.put("type", "array");
        owners.put("x-kubernetes-list-type", "map");
        owners.putArray("x-kubernetes-list-map-keys").add("uid");
        ObjectNode owner = owners.putObject("items");
        owner.put("type", "object");
        owner.put("x-kubernetes-preserve-unknown-fields", true);
        for (String scalar : List.of("name", "generateName", "namespace", "uid", "resourceVersion", "creationTimestamp",
                "deletionTimestamp")) {
            props.putObject(scalar).put("type", "string");
        }
        props.putObject("generation").put("type", "integer");
        props.putObject("deletionGracePeriodSeconds").put("type", "integer");
        copy.withObjectProperty("properties").set("metadata", metadata);
        copy.withObjectProperty("properties").putObject("apiVersion").put("type", "string");
        copy.withObjectProperty("properties").putObject("kind").put("type", "string");
        return copy;
    }

    // ---- conversion (None) --------------------------------------------------------------------

    @Override
    public ObjectNode toServed(ObjectNode stored) {
        stored.put("apiVersion", definition.groupVersion().toString());
        // The reference defaults objects as they are read from storage, so a default added to the
        // schema later shows on the objects stored before it.
        CustomResourceType t = type.get();
        if (t != null) {
            t.version(definition.version()).map(CustomResourceType.Served::schema).ifPresent(s -> s.applyDefaults(stored));
        }
        return stored;
    }

    @Override
    public ObjectNode toStored(ObjectNode served) {
        ObjectNode copy = served.deepCopy();
        copy.put("apiVersion", definition.storageVersion().toString());
        return copy;
    }

    // ---- decoding: pruning and defaulting ------------------------------------------------------

    @Override
    public List<String> decode(ObjectValidator validator, ObjectNode object, List<String> duplicateFields,
                               FieldValidation directive) {
        List<String> problems = new ArrayList<>();
        for (String d : duplicateFields) {
            problems.add("duplicate field \"" + d + "\"");
        }
        if (object.get("metadata") instanceof ObjectNode metadata) {
            List<String> unknown = new ArrayList<>();
            metadata.fieldNames().forEachRemaining(f -> {
                if (!OBJECT_META_FIELDS.contains(f)) {
                    unknown.add(f);
                }
            });
            for (String f : unknown) {
                metadata.remove(f);
                problems.add("unknown field \"metadata." + f + "\"");
            }
        }
        CustomResourceType.Served served = served();
        if (served.schema() != null) {
            for (String path : served.schema().prune(object)) {
                problems.add("unknown field \"" + path + "\"");
            }
            served.schema().applyDefaults(object);
        }
        if (problems.isEmpty()) {
            return List.of();
        }
        return switch (directive) {
            case STRICT -> throw StatusException.cannotBeHandledAs(definition.kind(), definition.version(),
                    definition.kind(), SchemaValidator.strictDecodingError(problems));
            case WARN -> problems;
            case IGNORE -> List.of();
        };
    }

    // ---- create, update, validation --------------------------------------------------------------

    @Override
    public void prepareForCreate(ObjectNode object) {
        if (type().crd().terminating()) {
            GroupResource resource = groupResource();
            throw new StatusException(Status.failure(405, StatusReason.METHOD_NOT_ALLOWED,
                    "create not allowed while custom resource definition is terminating",
                    new StatusDetails("", resource.group(), resource.resource(), "", List.of(), 0)));
        }
        if (hasStatusSubresource()) {
            object.remove("status"); // create cannot set status, and the reference leaves none
        }
        pruneAndDefault(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        ResourceStrategy.super.prepareForUpdate(object, old);
        pruneAndDefault(object);
    }

    /**
     * What the decoder did to a request body, again for what did not come through it (a
     * server-side apply merges its configuration into the live object): nothing is stored that
     * the schema does not declare, and defaults are set.
     */
    private void pruneAndDefault(ObjectNode object) {
        CustomResourceType t = type.get();
        if (t == null) {
            return;
        }
        t.version(definition.version()).map(CustomResourceType.Served::schema).ifPresent(schema -> {
            schema.prune(object);
            schema.applyDefaults(object);
        });
    }

    @Override
    public void validateCreate(ObjectValidator validator, ObjectNode object) {
        List<FieldError> errors = new ArrayList<>(ObjectMetaValidator.validate(object, type().groupKind(), namespaced()));
        errors.addAll(schemaErrors(object));
        throwIfAny(object, errors);
    }

    @Override
    public void validateUpdate(ObjectValidator validator, ObjectNode object, ObjectNode old) {
        List<FieldError> errors = new ArrayList<>(ObjectMetaValidator.validateUpdate(object, old));
        errors.addAll(ObjectMetaValidator.validate(object, type().groupKind(), namespaced()));
        // Validation ratcheting (on by default since 1.30): what the update leaves as it was is not
        // judged again, so a schema tightened after objects were stored does not lock them.
        CustomResourceType.Served served = served();
        if (served.schema() != null) {
            errors.addAll(served.schema().validateUpdate(object, old));
        }
        throwIfAny(object, errors);
    }

    private List<FieldError> schemaErrors(ObjectNode object) {
        CustomResourceType.Served served = served();
        return served.schema() == null ? List.of() : served.schema().validate(object);
    }

    private void throwIfAny(JsonNode object, List<FieldError> errors) {
        if (!errors.isEmpty()) {
            throw StatusException.invalid(type().groupKind(), object.path("metadata").path("name").asText(""), errors);
        }
    }

    // ---- scale --------------------------------------------------------------------------------

    @Override
    public ObjectNode scaleOf(ObjectNode object) {
        return CustomResourceType.scaleOf(object, scalePaths());
    }

    @Override
    public ObjectNode withScale(ObjectNode live, ObjectNode scale) {
        if (live == null) {
            throw StatusException.internalError("scale of a missing object");
        }
        return CustomResourceType.withScale(live, scale, scalePaths());
    }

    private CustomResources.ScalePaths scalePaths() {
        CustomResources.ScalePaths paths = served().scale();
        if (paths == null) {
            throw new StatusException(Status.failure(404, StatusReason.NOT_FOUND,
                    "the server could not find the requested resource", null));
        }
        return paths;
    }
}
