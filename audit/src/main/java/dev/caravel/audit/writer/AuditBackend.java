package dev.caravel.audit.writer;

import java.io.IOException;
import java.util.List;

/**
 * Where events end up: a log file, a webhook. Called by one writer thread only (the
 * {@link BufferedAuditSink}'s), so an implementation needs no locking of its own.
 */
public interface AuditBackend extends AutoCloseable {

    /** The plugin label of this backend's metrics: "log" or "webhook", as kube-apiserver names them. */
    String name();

    /** Writes the events, in order; throws if any could not be written (after the backend's own retries). */
    void write(List<AuditEvent> events) throws IOException;

    @Override
    void close() throws IOException;
}
