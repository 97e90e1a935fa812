package dev.caravel.apiserver.http;

import java.util.List;

/**
 * Where a streaming response (a watch) writes its chunks. Each chunk is flushed to the client as
 * it is sent; the stream ends when the body's writer returns.
 */
public interface ResponseStream {

    /** Sends one chunk; false once the client has gone, after which the writer should stop. */
    boolean send(byte[] chunk);

    /**
     * Sends one chunk made of {@code parts} in order. The server writes them as they are, without
     * joining them into one array first (a list sends its items' cached bytes this way), so the
     * parts must not change afterwards. False once the client has gone.
     */
    default boolean send(List<byte[]> parts) {
        int size = 0;
        for (byte[] part : parts) {
            size += part.length;
        }
        byte[] chunk = new byte[size];
        int at = 0;
        for (byte[] part : parts) {
            System.arraycopy(part, 0, chunk, at, part.length);
            at += part.length;
        }
        return send(chunk);
    }

    /** Whether the client is still connected. */
    boolean isOpen();

    /** Runs {@code onClose} when the client goes away (at once if it already has). */
    void onClose(Runnable onClose);
}
