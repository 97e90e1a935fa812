package dev.caravel.apiserver.metrics;

import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.writer.AuditMetrics;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.EnumMap;
import java.util.Map;

/**
 * The audit writer's counters under kube-apiserver's names and help texts:
 * {@code apiserver_audit_event_total}, {@code apiserver_audit_error_total{plugin}},
 * {@code apiserver_audit_level_total{level}} and {@code apiserver_audit_requests_rejected_total}.
 * The level counters' data points are looked up once, so counting a request's level is one add.
 */
public final class PrometheusAuditMetrics implements AuditMetrics {

    private final Counter events;
    private final Counter errors;
    private final Counter rejected;
    private final Map<AuditLevel, CounterDataPoint> levels = new EnumMap<>(AuditLevel.class);

    PrometheusAuditMetrics(PrometheusRegistry registry) {
        events = Counter.builder().name("apiserver_audit_event_total")
                .help("Counter of audit events generated and sent to the audit backend.")
                .register(registry);
        errors = Counter.builder().name("apiserver_audit_error_total")
                .help("Counter of audit events that failed to be audited properly. Plugin identifies the plugin affected by the error.")
                .labelNames("plugin")
                .register(registry);
        rejected = Counter.builder().name("apiserver_audit_requests_rejected_total")
                .help("Counter of apiserver requests rejected due to an error in audit logging backend.")
                .register(registry);
        Counter level = Counter.builder().name("apiserver_audit_level_total")
                .help("Counter of policy levels for audit events (1 per request).")
                .labelNames("level")
                .register(registry);
        for (AuditLevel l : AuditLevel.values()) {
            levels.put(l, level.labelValues(l.wireName()));
        }
    }

    @Override
    public void eventGenerated() {
        events.inc();
    }

    @Override
    public void levelDecided(AuditLevel level) {
        levels.get(level).inc();
    }

    @Override
    public void errors(String plugin, int count) {
        errors.labelValues(plugin).inc(count);
    }

    @Override
    public void requestRejected() {
        rejected.inc();
    }
}
