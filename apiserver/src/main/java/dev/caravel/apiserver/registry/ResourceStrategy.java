package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.resource.ResourceDefinition;
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

    /** The strategy of a built-in resource. */
    static ResourceStrategy of(ResourceDefinition definition) {
        if (definition.group().isEmpty() && definition.resource().equals("namespaces")) {
            return new NamespaceStrategy(definition);
        }
        if (definition.group().isEmpty() && definition.resource().equals("pods")) {
            return new PodStrategy(definition);
        }
        return () -> definition;
    }
}
