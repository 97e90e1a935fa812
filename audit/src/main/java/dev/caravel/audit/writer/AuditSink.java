package dev.caravel.audit.writer;

/**
 * What the API server's audit stage hands events to. Thread-safe; {@link #process} is called on
 * request threads and never blocks longer than the sink's configured bound.
 */
public interface AuditSink extends AutoCloseable {

    /**
     * Queues or writes the event according to the sink's mode.
     *
     * @throws AuditWriteException in blocking-strict mode only, when the event was not written
     */
    void process(AuditEvent event);

    /** Stops accepting events, writes those already queued (bounded in time) and closes the backend. */
    @Override
    void close();
}
