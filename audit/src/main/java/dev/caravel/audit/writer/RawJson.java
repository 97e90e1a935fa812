package dev.caravel.audit.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * A JSON value carried in an audit event (request object, response object, status details):
 * compact, on one line, already escaped the way {@link AuditEventJson} writes strings, so it is
 * copied into the log as bytes. Immutable, so an event can be handed to the writer thread.
 */
public final class RawJson {

    private final byte[] bytes;

    private RawJson(byte[] bytes) {
        this.bytes = bytes;
    }

    /**
     * Re-encodes the JSON compactly (a client may send a pretty-printed body; a log line must not
     * break), optionally without {@code metadata.managedFields} in the object or, for a list, in
     * each item: what kube-apiserver does for a policy with omitManagedFields.
     *
     * @throws IllegalArgumentException if the bytes are not one JSON value
     */
    public static RawJson of(byte[] json, boolean omitManagedFields) {
        JsonNode tree;
        try {
            tree = AuditEventJson.MAPPER.readTree(json);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
        if (tree == null || tree.isMissingNode()) {
            throw new IllegalArgumentException("not JSON: empty");
        }
        return of(tree, omitManagedFields);
    }

    /** As {@link #of(byte[], boolean)} from a tree; the tree is not changed. */
    public static RawJson of(JsonNode tree, boolean omitManagedFields) {
        if (omitManagedFields && tree.isObject()) {
            tree = tree.deepCopy();
            stripManagedFields(tree);
            JsonNode items = tree.get("items");
            if (items != null && items.isArray()) {
                items.forEach(RawJson::stripManagedFields);
            }
        }
        try {
            return new RawJson(AuditEventJson.MAPPER.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static RawJson of(String json) {
        return of(json.getBytes(StandardCharsets.UTF_8), false);
    }

    private static void stripManagedFields(JsonNode object) {
        JsonNode metadata = object.get("metadata");
        if (metadata instanceof ObjectNode meta) {
            meta.remove("managedFields");
        }
    }

    byte[] bytes() {
        return bytes;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof RawJson raw && Arrays.equals(bytes, raw.bytes);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(bytes);
    }

    @Override
    public String toString() {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
