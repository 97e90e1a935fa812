package dev.caravel.audit.writer;

import java.util.List;

/**
 * Several sinks fed the same events: kube-apiserver audits to its log and its webhook at once
 * when both are configured, each with its own buffer and mode, so a slow webhook never delays
 * the log. In blocking-strict mode a sink that fails still lets the others have the event; the
 * first failure is thrown afterwards.
 */
public final class UnionAuditSink implements AuditSink {

    private final List<AuditSink> sinks;

    private UnionAuditSink(List<AuditSink> sinks) {
        this.sinks = List.copyOf(sinks);
    }

    /** One sink for all of {@code sinks}; the only one itself when there is one. */
    public static AuditSink of(List<AuditSink> sinks) {
        if (sinks.isEmpty()) {
            throw new IllegalArgumentException("no audit sinks");
        }
        return sinks.size() == 1 ? sinks.get(0) : new UnionAuditSink(sinks);
    }

    /**
     * The metrics for the second and later sinks of a union: {@code apiserver_audit_event_total}
     * counts an event once however many backends receive it, as in kube-apiserver.
     */
    public static AuditMetrics withoutEventCount(AuditMetrics metrics) {
        return new AuditMetrics() {
            @Override
            public void eventGenerated() {
            }

            @Override
            public void levelDecided(dev.caravel.audit.policy.AuditLevel level) {
                metrics.levelDecided(level);
            }

            @Override
            public void errors(String plugin, int events) {
                metrics.errors(plugin, events);
            }

            @Override
            public void requestRejected() {
                metrics.requestRejected();
            }

            @Override
            public void written(String plugin, int events) {
                metrics.written(plugin, events);
            }
        };
    }

    @Override
    public void process(AuditEvent event) {
        AuditWriteException first = null;
        for (AuditSink sink : sinks) {
            try {
                sink.process(event);
            } catch (AuditWriteException e) {
                if (first == null) {
                    first = e;
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    @Override
    public void close() {
        for (AuditSink sink : sinks) {
            sink.close();
        }
    }
}
