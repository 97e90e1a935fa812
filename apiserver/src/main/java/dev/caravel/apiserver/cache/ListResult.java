package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * One page of a list, whether the watch cache or storage answered it: the items in key order, the
 * revision they were read at, the continue token when more follow and, when Kubernetes reports it,
 * how many items follow.
 *
 * @param remainingItemCount null when not reported: Kubernetes reports it only for a page of a
 *                           list without selectors (with selectors it cannot know without reading on)
 */
public record ListResult(List<CachedObject> items, long resourceVersion, String continueToken, Long remainingItemCount) {

    public ListResult {
        items = List.copyOf(items);
        continueToken = continueToken == null ? "" : continueToken;
    }

    /**
     * The list as Kubernetes writes it, from the items' cached bytes (nothing is re-encoded):
     * {@code {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"12"},"items":[...]}}
     * and a newline.
     */
    public byte[] toJson(CachedObject.TypeMeta type) {
        byte[] start = head(type);
        byte[] end = TAIL;
        // Sized exactly and filled once: a growing buffer would copy a large list several times.
        long size = jsonSize(type);
        if (size > Integer.MAX_VALUE - 16) {
            throw dev.caravel.apiserver.api.StatusException.internalError("the list is larger than 2 GiB; ask for it in pages");
        }
        byte[] out = new byte[(int) size];
        System.arraycopy(start, 0, out, 0, start.length);
        int at = start.length;
        for (int i = 0; i < items.size(); i++) {
            if (i > 0) {
                out[at++] = ',';
            }
            byte[] json = items.get(i).json();
            System.arraycopy(json, 0, out, at, json.length);
            at += json.length;
        }
        System.arraycopy(end, 0, out, at, end.length);
        return out;
    }

    /** The length of {@link #toJson}'s bytes. */
    public long jsonSize(CachedObject.TypeMeta type) {
        long size = head(type).length + TAIL.length + Math.max(items.size() - 1, 0);
        for (CachedObject item : items) {
            size += item.json().length;
        }
        return size;
    }

    /**
     * Hands on {@link #toJson}'s bytes in chunks of about {@code chunkBytes}, so that a list of a
     * gigabyte is never one array. A chunk is a list of parts that make it up in order: the items'
     * cached arrays themselves and the separators between them, nothing copied (the receiver must
     * not change them); a server can write them to the socket as they are.
     *
     * @param chunks receives each chunk's parts (it may keep them); returns false to stop (the client left)
     */
    public void writeJson(CachedObject.TypeMeta type, int chunkBytes, Predicate<List<byte[]>> chunks) {
        int from = 0;
        while (from <= items.size()) {
            // One chunk: as many items as fit in about chunkBytes (at least one).
            List<byte[]> parts = new ArrayList<>();
            long size = 0;
            if (from == 0) {
                byte[] head = head(type);
                parts.add(head);
                size = head.length;
            }
            int to = from;
            while (to < items.size() && (to == from || size + items.get(to).json().length < chunkBytes)) {
                if (to > 0) {
                    parts.add(COMMA);
                }
                byte[] json = items.get(to).json();
                parts.add(json);
                size += json.length + (to > 0 ? 1 : 0);
                to++;
            }
            boolean last = to == items.size();
            if (last) {
                parts.add(TAIL);
            }
            if (!chunks.test(parts) || last) {
                return;
            }
            from = to;
        }
    }

    private static final byte[] COMMA = {','};
    private static final byte[] TAIL = "]}\n".getBytes(StandardCharsets.UTF_8);

    /** Everything before the first item: kind, apiVersion, metadata and the opening of items. */
    private byte[] head(CachedObject.TypeMeta type) {
        StringBuilder head = new StringBuilder(160)
                .append("{\"kind\":\"").append(type.listKind()).append("\",\"apiVersion\":\"").append(type.apiVersion())
                .append("\",\"metadata\":{\"resourceVersion\":\"").append(resourceVersion).append('"');
        if (!continueToken.isEmpty()) {
            head.append(",\"continue\":\"").append(continueToken).append('"');
        }
        if (remainingItemCount != null) {
            head.append(",\"remainingItemCount\":").append(remainingItemCount);
        }
        head.append("},\"items\":[");
        return head.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** The list as a tree, for the forms that transform it (Table, PartialObjectMetadataList, deletecollection). */
    public ObjectNode toTree(CachedObject.TypeMeta type) {
        ObjectNode list = CachedObject.JSON.createObjectNode();
        list.put("kind", type.listKind());
        list.put("apiVersion", type.apiVersion());
        ObjectNode metadata = list.putObject("metadata");
        metadata.put("resourceVersion", Long.toString(resourceVersion));
        if (!continueToken.isEmpty()) {
            metadata.put("continue", continueToken);
        }
        if (remainingItemCount != null) {
            metadata.put("remainingItemCount", remainingItemCount);
        }
        ArrayNode array = list.putArray("items");
        for (CachedObject item : items) {
            array.add(item.tree());
        }
        return list;
    }
}
