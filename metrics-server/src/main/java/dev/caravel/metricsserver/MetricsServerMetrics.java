package dev.caravel.metricsserver;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.security.cert.X509Certificate;

/**
 * The metrics server's own {@code /metrics}, one registry per server (tests run several per JVM).
 *
 * <ul>
 *   <li>{@code metrics_server_serving_certificate_expiration_timestamp_seconds}: the notAfter of the
 *       certificate now served, as a Unix time; Prometheus names a Unix time {@code _timestamp_seconds}.
 *       An alert is {@code metrics_server_serving_certificate_expiration_timestamp_seconds - time() < 7*86400};
 *       below zero the certificate has expired and the aggregator's APIService is failing (incident 1).</li>
 *   <li>{@code metrics_server_serving_certificate_reloads_total{result="success|failure"}}: loads of the
 *       certificate and key files, the first one included.</li>
 *   <li>{@code metrics_server_api_metric_freshness_seconds}: the age of each NodeMetrics or
 *       PodMetrics served (request time minus its timestamp), with the real metrics-server's name
 *       and buckets; here at most the metric resolution, since samples are computed, not scraped.</li>
 * </ul>
 */
final class MetricsServerMetrics {

    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final PrometheusTextFormatWriter text = PrometheusTextFormatWriter.create();
    private final Gauge certificateExpiry;
    private final Counter certificateReloads;
    private final Histogram freshness;

    MetricsServerMetrics() {
        certificateExpiry = Gauge.builder()
                .name("metrics_server_serving_certificate_expiration_timestamp_seconds")
                .help("The notAfter time of the serving certificate now in use, in seconds since the Unix epoch.")
                .register(registry);
        certificateReloads = Counter.builder()
                .name("metrics_server_serving_certificate_reloads_total")
                .help("Loads of the serving certificate and key files, by result.")
                .labelNames("result")
                .register(registry);
        freshness = Histogram.builder()
                .name("metrics_server_api_metric_freshness_seconds")
                .help("Freshness of metrics exported")
                // metrics-server's: 20 exponential buckets from 1s by a factor of 1.364.
                .classicExponentialUpperBounds(1, 1.364, 20)
                .register(registry);
    }

    void certificateLoaded(X509Certificate certificate) {
        certificateExpiry.set(certificate.getNotAfter().toInstant().getEpochSecond());
        certificateReloads.labelValues("success").inc();
    }

    void certificateLoadFailed() {
        certificateReloads.labelValues("failure").inc();
    }

    void metricServed(double ageSeconds) {
        freshness.observe(ageSeconds);
    }

    byte[] scrapeText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(4096);
        try {
            text.write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    String textContentType() {
        return text.getContentType();
    }
}
