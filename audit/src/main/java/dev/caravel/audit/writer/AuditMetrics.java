package dev.caravel.audit.writer;

import dev.caravel.audit.policy.AuditLevel;

/**
 * The audit counters, named after kube-apiserver's metrics; the server bridges them to
 * Prometheus. Called on request threads and writer threads: implementations must be thread-safe
 * and must not block.
 */
public interface AuditMetrics {

    /** {@code apiserver_audit_event_total}: an event was handed to the sink. */
    void eventGenerated();

    /** {@code apiserver_audit_level_total{level}}: the policy decided this level for a request (the stage calls it). */
    void levelDecided(AuditLevel level);

    /**
     * {@code apiserver_audit_error_total{plugin}}: events that could not be written. {@code plugin}
     * is "log" or "webhook" for a backend failure and "buffered" for events dropped because the
     * buffer was full, as in kube-apiserver.
     */
    void errors(String plugin, int events);

    /** {@code apiserver_audit_requests_rejected_total}: a request failed because auditing failed (blocking-strict). */
    void requestRejected();

    /** Events a backend wrote (no kube-apiserver metric; for tests and diagnostics). */
    default void written(String plugin, int events) {
    }

    AuditMetrics NONE = new AuditMetrics() {
        @Override
        public void eventGenerated() {
        }

        @Override
        public void levelDecided(AuditLevel level) {
        }

        @Override
        public void errors(String plugin, int events) {
        }

        @Override
        public void requestRejected() {
        }
    };
}
