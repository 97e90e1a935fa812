package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.function.Predicate;

/**
 * meta.k8s.io/v1 PartialObjectMetadata and its list: an object reduced to its metadata, whole
 * (managedFields and all), for {@code as=PartialObjectMetadata} requests and Table rows of
 * {@code includeObject=Metadata}.
 */
public final class PartialObjectMetadata {

    public static final String API_VERSION = "meta.k8s.io/v1";

    private PartialObjectMetadata() {
    }

    public static ObjectNode of(JsonNode object) {
        ObjectNode partial = JsonNodeFactory.instance.objectNode();
        partial.put("kind", "PartialObjectMetadata");
        partial.put("apiVersion", API_VERSION);
        JsonNode metadata = object.path("metadata");
        partial.set("metadata", metadata.isObject() ? metadata.deepCopy() : JsonNodeFactory.instance.objectNode());
        return partial;
    }

    /** A PartialObjectMetadataList; {@code listMetadata} is the list's (resourceVersion, continue...). */
    public static ObjectNode listOf(List<? extends JsonNode> items, JsonNode listMetadata) {
        ObjectNode list = JsonNodeFactory.instance.objectNode();
        list.put("kind", "PartialObjectMetadataList");
        list.put("apiVersion", API_VERSION);
        list.set("metadata", TablePrinter.listMeta(listMetadata));
        var array = list.putArray("items");
        items.forEach(item -> array.add(of(item)));
        return list;
    }

    /**
     * Writes {@link #listOf}'s bytes (and a newline) item by item, in chunks of about
     * {@code chunkBytes}, never holding more than one item's tree.
     *
     * @param items  the list's items in order, read one at a time as they are written
     * @param chunks receives each chunk; returns false to stop (the client left)
     * @return false if the client left before the end
     */
    public static boolean writeList(Iterable<? extends JsonNode> items, JsonNode listMetadata, int chunkBytes,
            Predicate<byte[]> chunks) {
        JsonListWriter writer = new JsonListWriter(listOf(List.of(), listMetadata), "items", chunkBytes, chunks);
        for (JsonNode item : items) {
            if (!writer.add(of(item))) {
                return false;
            }
        }
        return writer.finish();
    }
}
