package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GoJsonEscapes;
import dev.caravel.apiserver.api.StatusException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.function.Predicate;

/**
 * Writes a JSON object whose last field is an array (a Table's rows, a list's items) one element
 * at a time, in chunks of about {@code chunkBytes}: the same chunk contract as
 * {@code ListResult.writeJson}, so a list of a gigabyte is never one tree nor one array. The bytes
 * are exactly those of writing the whole tree at once, then a newline.
 */
final class JsonListWriter {

    /** Go's escapes, as the server writes every other JSON body. */
    static final ObjectMapper JSON = new ObjectMapper(GoJsonEscapes.factory());

    private static final byte[] TAIL = {']', '}', '\n'};

    private final int chunkBytes;
    private final Predicate<byte[]> chunks;
    private final ByteArrayOutputStream buffer;
    private boolean first = true;
    private boolean open = true;

    /**
     * @param header the object up to its array, which must be its last field and empty: everything
     *               before the array's first element is written from it
     */
    JsonListWriter(ObjectNode header, String arrayField, int chunkBytes, Predicate<byte[]> chunks) {
        JsonNode array = header.path(arrayField);
        if (!(array instanceof ArrayNode elements) || !elements.isEmpty()
                || !arrayField.equals(lastField(header))) {
            throw new IllegalArgumentException("the header's last field must be the empty array " + arrayField);
        }
        this.chunkBytes = chunkBytes;
        this.chunks = chunks;
        this.buffer = new ByteArrayOutputStream(Math.min(chunkBytes, 1 << 20) + 1024);
        byte[] whole = bytes(header);
        // "...,"rows":[]}" less its closing "]}" is the head.
        buffer.write(whole, 0, whole.length - 2);
    }

    /** Appends one element; false once the client has gone (the caller should stop). */
    boolean add(JsonNode element) {
        if (!open) {
            return false;
        }
        if (!first) {
            buffer.write(',');
        }
        first = false;
        try {
            JSON.writeValue(buffer, element);
        } catch (IOException e) {
            throw StatusException.internalError(e);
        }
        if (buffer.size() >= chunkBytes) {
            flush();
        }
        return open;
    }

    /** Closes the array and the object and sends what is left; false if the client had gone. */
    boolean finish() {
        if (!open) {
            return false;
        }
        buffer.write(TAIL, 0, TAIL.length);
        flush();
        return open;
    }

    private void flush() {
        byte[] chunk = buffer.toByteArray();
        buffer.reset();
        open = chunks.test(chunk);
    }

    static byte[] bytes(JsonNode node) {
        try {
            return JSON.writeValueAsBytes(node);
        } catch (IOException e) {
            throw StatusException.internalError(e);
        }
    }

    private static String lastField(ObjectNode node) {
        String last = null;
        for (var names = node.fieldNames(); names.hasNext(); ) {
            last = names.next();
        }
        return last;
    }
}
