package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.ResourceDefinition;

/**
 * Namespaces: created Active with the {@code kubernetes} finalizer in {@code spec.finalizers} and
 * the {@code kubernetes.io/metadata.name} label (kept on every write). Deleting one only marks it
 * Terminating ({@link GenericStore} asks {@link #finalizersOf}); the namespace controller empties
 * it and removes the finalizer through the {@code finalize} subresource, and then it is gone.
 */
record NamespaceStrategy(ResourceDefinition definition) implements ResourceStrategy {

    static final String FINALIZER = "kubernetes";
    static final String NAME_LABEL = "kubernetes.io/metadata.name";

    @Override
    public boolean tracksGeneration() {
        return false;
    }

    @Override
    public void prepareForCreate(ObjectNode object) {
        ObjectNode spec = object.withObjectProperty("spec");
        ArrayNode finalizers = spec.putArray("finalizers");
        finalizers.add(FINALIZER);
        object.putObject("status").put("phase", "Active");
        labelWithName(object);
    }

    @Override
    public void prepareForUpdate(ObjectNode object, ObjectNode old) {
        // spec.finalizers change only through the finalize subresource.
        JsonNode finalizers = old.path("spec").get("finalizers");
        if (finalizers != null) {
            object.withObjectProperty("spec").set("finalizers", finalizers.deepCopy());
        } else if (object.has("spec")) {
            ((ObjectNode) object.get("spec")).remove("finalizers");
        }
        ResourceStrategy.super.prepareForUpdate(object, old);
        labelWithName(object);
    }

    /** The finalize subresource: the new spec.finalizers, everything else as stored. */
    ObjectNode prepareForFinalize(ObjectNode object, ObjectNode old) {
        ObjectNode result = old.deepCopy();
        JsonNode finalizers = object.path("spec").get("finalizers");
        ObjectNode spec = result.withObjectProperty("spec");
        if (finalizers == null) {
            spec.remove("finalizers");
        } else {
            spec.set("finalizers", finalizers.deepCopy());
        }
        JsonNode rv = object.path("metadata").get("resourceVersion");
        if (rv != null) {
            result.withObjectProperty("metadata").set("resourceVersion", rv);
        }
        return result;
    }

    static boolean hasSpecFinalizers(JsonNode namespace) {
        return namespace.path("spec").path("finalizers").size() > 0;
    }

    static boolean isTerminating(JsonNode namespace) {
        return namespace.path("metadata").hasNonNull("deletionTimestamp")
                || "Terminating".equals(namespace.path("status").path("phase").asText());
    }

    private static void labelWithName(ObjectNode object) {
        String name = object.path("metadata").path("name").asText("");
        if (!name.isEmpty()) {
            object.withObjectProperty("metadata").withObjectProperty("labels").put(NAME_LABEL, name);
        }
    }
}
