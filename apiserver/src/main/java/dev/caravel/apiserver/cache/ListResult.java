package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.charset.StandardCharsets;
import java.util.List;

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
        byte[] start = head.toString().getBytes(StandardCharsets.UTF_8);
        byte[] end = "]}\n".getBytes(StandardCharsets.UTF_8);
        // Sized exactly and filled once: a list of 150,000 pods is close to a gigabyte, and a
        // growing buffer would copy it several times over.
        long size = start.length + end.length + Math.max(items.size() - 1, 0);
        for (CachedObject item : items) {
            size += item.json().length;
        }
        if (size > Integer.MAX_VALUE - 16) {
            throw dev.caravel.apiserver.api.StatusException.internalError("the list is larger than 2 GiB");
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
