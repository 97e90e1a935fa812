package dev.caravel.apiserver.http;

/**
 * Where a streaming response (a watch) writes its chunks. Each chunk is flushed to the client as
 * it is sent; the stream ends when the body's writer returns.
 */
public interface ResponseStream {

    /** Sends one chunk; false once the client has gone, after which the writer should stop. */
    boolean send(byte[] chunk);

    /** Whether the client is still connected. */
    boolean isOpen();

    /** Runs {@code onClose} when the client goes away (at once if it already has). */
    void onClose(Runnable onClose);
}
