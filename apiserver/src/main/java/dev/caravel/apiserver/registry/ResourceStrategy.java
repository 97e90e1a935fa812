package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.apply.FieldManager;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.selection.SelectableFields;
import dev.caravel.apiserver.validation.ObjectValidator;

import java.util.List;
import java.util.OptionalLong;

/**
 * What differs between resources, for the one {@link GenericStore}: Kubernetes'
 * RESTCreateStrategy, RESTUpdateStrategy and RESTDeleteStrategy as one interface with defaults,
 * so that a resource overrides only what is its own ({@link NamespaceStrategy}, {@link PodStrategy}).
 *
 * <p>The store calls, on create: {@link #prepareForCreate}, then validation; on update:
 * {@link #prepareForUpdate} (or {@link #prepareForStatusUpdate} through the status
 * subresource), then validation. Objects are Jackson trees owned by the one request.
 */
public interface ResourceStrategy {

    ResourceDefinition definition();

    default GroupResource groupResource() {
        return new GroupResource(definition().group(), definition().resource());
    }

    default boolean namespaced() {
        return definition().namespaced();
    }

    /** Whether status is a subresource: then main writes keep the stored status and status writes only status. */
    default boolean hasStatusSubresource() {
        return definition().subresource("status").isPresent();
    }

    /** Whether metadata.generation starts at 1 and grows with each change outside status and metadata. */
    default boolean tracksGeneration() {
        return hasStatusSubresource();
    }

    /** Whether a delete answers with the deleted object instead of a Success Status (pods do). */
    default boolean returnsDeletedObject() {
        return false;
    }

    /**
     * Kubernetes' RESTGracefulDeleteStrategy.CheckGracefulDelete: the grace period in seconds a
     * delete gives {@code object}, from the one requested (null when the client gave none; never
     * negative); empty for resources deleted at once, which is all but pods.
     */
    default OptionalLong gracePeriod(JsonNode object, Long requested) {
        return OptionalLong.empty();
    }

    /** Clears what a client may not set on create: the status, when it is a subresource. */
    default void prepareForCreate(ObjectNode object) {
        if (hasStatusSubresource()) {
            object.set("status", JsonNodeFactory.instance.objectNode());
        }
    }

    /** A main-resource update keeps the stored status when status is a subresource. */
    default void prepareForUpdate(ObjectNode object, ObjectNode old) {
        if (hasStatusSubresource()) {
            JsonNode status = old.get("status");
            if (status == null) {
                object.remove("status");
            } else {
                object.set("status", status.deepCopy());
            }
        }
    }

    /**
     * A status update takes only the new status: everything else comes from the stored object,
     * metadata included, except the resourceVersion the client sent (its precondition).
     */
    default ObjectNode prepareForStatusUpdate(ObjectNode object, ObjectNode old) {
        ObjectNode result = old.deepCopy();
        JsonNode status = object.get("status");
        if (status == null) {
            result.remove("status");
        } else {
            result.set("status", status.deepCopy());
        }
        JsonNode rv = object.path("metadata").get("resourceVersion");
        if (rv != null) {
            result.withObjectProperty("metadata").set("resourceVersion", rv);
        }
        return result;
    }

    /**
     * Storage keys the object holds besides its own (a Service's cluster IP and node ports): each
     * must be absent when the object is written and is written in the same transaction, and is
     * deleted in the transaction that deletes the object, so no value is ever held twice or leaked.
     */
    default List<String> reservations(JsonNode object) {
        return List.of();
    }

    default void validateCreate(ObjectValidator validator, ObjectNode object) {
        validator.validateCreate(target(), object);
    }

    default void validateUpdate(ObjectValidator validator, ObjectNode object, ObjectNode old) {
        validator.validateUpdate(target(), object, old);
    }

    default ObjectValidator.Target target() {
        return new ObjectValidator.Target(definition().groupVersionKind(), namespaced());
    }

    /**
     * Decodes a request body's object (or a patch result) for this resource: type errors and,
     * per {@code directive}, unknown and duplicate fields as a 400 or as Warning texts; unknown
     * fields are dropped. Built-in kinds are checked against Kubernetes' OpenAPI document;
     * custom resources prune and default by their CRD's schema.
     */
    default List<String> decode(ObjectValidator validator, ObjectNode object, List<String> duplicateFields,
                                FieldValidation directive) {
        return validator.decode(target(), object, duplicateFields, directive);
    }

    /**
     * The managedFields bookkeeping of this resource's objects, typed by their schema. Built-in
     * kinds are typed by Kubernetes' OpenAPI document.
     */
    default FieldManager fieldManager() {
        return FieldManager.forKind(definition().groupVersionKind());
    }

    /**
     * The object as this resource serves it, from the object as stored: a resource served in a
     * version other than its storage version converts here (custom resources: apiVersion only,
     * the None strategy). Built-in kinds are served as stored.
     */
    default ObjectNode toServed(ObjectNode stored) {
        return stored;
    }

    /**
     * The object as it is stored, from the object as served: the inverse of {@link #toServed}.
     * Must not change its argument (the caller goes on using it): a strategy that converts
     * returns a copy; the default returns the argument itself, so built-in writes copy nothing.
     */
    default ObjectNode toStored(ObjectNode served) {
        return served;
    }

    /** The autoscaling/v1 Scale of an object, for the {@code scale} subresource. */
    default ObjectNode scaleOf(ObjectNode object) {
        return Scale.of(object);
    }

    /** The object with the replicas of {@code scale}; its resourceVersion, if any, is the precondition. */
    default ObjectNode withScale(ObjectNode live, ObjectNode scale) {
        return Scale.applyTo(live, scale);
    }

    /**
     * Whether strategic merge patch applies: it needs patch metadata that only Kubernetes' own
     * types have, so custom resources answer it with 415, as the reference does.
     */
    default boolean acceptsStrategicMergePatch() {
        return true;
    }

    /**
     * Called with a copy of the live object on the first delete request (no deletionTimestamp
     * yet), before finalizers are considered: a resource may add its own finalizer here (a CRD
     * adds the cleanup finalizer so its instances go first).
     */
    default void prepareForDelete(ObjectNode object) {
    }

    /** The fields lists and watches of this resource may select by. */
    default SelectableFields selectableFields() {
        ResourceDefinition d = definition();
        return SelectableFields.of(d.group(), d.kind(), d.namespaced());
    }

    /** Warnings every request to this resource answers with (a deprecated custom resource version's). */
    default List<String> warnings() {
        return List.of();
    }

    /** The strategy of a built-in resource. */
    static ResourceStrategy of(ResourceDefinition definition) {
        if (definition.group().isEmpty() && definition.resource().equals("namespaces")) {
            return new NamespaceStrategy(definition);
        }
        if (definition.group().isEmpty() && definition.resource().equals("pods")) {
            return new PodStrategy(definition);
        }
        if (definition.group().isEmpty() && definition.resource().equals("nodes")) {
            return new NodeStrategy(definition);
        }
        return () -> definition;
    }
}
