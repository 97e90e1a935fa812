package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.storage.KeyValue;

import java.io.IOException;

/** Reading and writing objects as stored: JSON without resourceVersion, which is the mod revision. */
final class StoredObjects {

    static final ObjectMapper JSON = new ObjectMapper();

    private StoredObjects() {}

    /** The object of a key-value, its resourceVersion set from the revision it was written at. */
    static ObjectNode read(KeyValue kv) {
        return read(kv.value(), kv.modRevision());
    }

    static ObjectNode read(byte[] value, long revision) {
        try {
            ObjectNode object = (ObjectNode) JSON.readTree(value);
            object.withObjectProperty("metadata").put("resourceVersion", Long.toString(revision));
            return object;
        } catch (IOException | ClassCastException e) {
            throw StatusException.internalError("stored object does not decode: " + e.getMessage());
        }
    }

    /** The bytes to store: the object without its resourceVersion. */
    static byte[] write(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        JsonNode metadata = copy.get("metadata");
        if (metadata instanceof ObjectNode m) {
            m.remove("resourceVersion");
        }
        try {
            return JSON.writeValueAsBytes(copy);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String text(JsonNode object, String... path) {
        JsonNode node = object;
        for (String p : path) {
            node = node.path(p);
        }
        return node.isValueNode() ? node.asText() : "";
    }
}
