package dev.caravel.apiserver.metrics;

import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * The API server's one metrics registry, served at {@code /metrics} in Prometheus' text format.
 * Each part of the server registers its metrics here under Kubernetes' names: the request path
 * ({@link RequestMetrics}), auditing ({@link PrometheusAuditMetrics}); later parts (storage, watch
 * cache, priority and fairness) add theirs through {@link #registry()}.
 *
 * <p>One per server, not the library's process-wide default registry: two servers in one JVM (tests,
 * benchmarks) keep their figures apart.
 */
public final class ServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final RequestMetrics requests = new RequestMetrics(registry);
    private final PrometheusAuditMetrics audit = new PrometheusAuditMetrics(registry);

    public PrometheusRegistry registry() {
        return registry;
    }

    public RequestMetrics requests() {
        return requests;
    }

    public PrometheusAuditMetrics audit() {
        return audit;
    }

    /** Every metric now, in the text format (version 0.0.4), as Prometheus scrapes it. */
    public byte[] scrapeText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(16 * 1024);
        try {
            text.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public String textContentType() {
        return text.getContentType();
    }
}
