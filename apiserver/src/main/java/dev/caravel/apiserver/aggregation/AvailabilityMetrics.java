package dev.caravel.apiserver.aggregation;

import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

/**
 * kube-aggregator's availability gauge under its name: {@code aggregator_unavailable_apiservice}, 1
 * while an APIService is not Available, else 0; where an alert on a failed aggregated API looks
 * first. Its counter {@code aggregator_unavailable_apiservice_total} is left out: the Prometheus
 * Java client names a counter without its {@code _total} suffix, so the two names collide in one
 * registry; the transitions it counts are logged by the availability controller instead.
 */
final class AvailabilityMetrics {

    private final Gauge unavailable;

    AvailabilityMetrics(PrometheusRegistry registry) {
        unavailable = Gauge.builder().name("aggregator_unavailable_apiservice")
                .help("Gauge of APIServices which are marked as unavailable broken down by APIService name.")
                .labelNames("name").register(registry);
    }

    /** Records {@code apiService}'s condition after a check. */
    void observe(String apiService, AvailableCondition now) {
        unavailable.labelValues(apiService).set(now.isTrue() ? 0 : 1);
    }

    /** Forgets a deleted APIService. */
    void forget(String apiService) {
        unavailable.remove(apiService);
    }
}
