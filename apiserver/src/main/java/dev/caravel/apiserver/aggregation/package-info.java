/**
 * API aggregation, as kube-aggregator does it: APIServices (apiregistration.k8s.io/v1) claim a
 * group-version; the server serves the local ones itself ({@link dev.caravel.apiserver.aggregation.LocalApiServices}
 * keeps one per served group-version) and proxies the others to their Service
 * ({@link dev.caravel.apiserver.aggregation.AggregationProxy}), whose availability
 * {@link dev.caravel.apiserver.aggregation.AvailabilityController} checks and writes as the
 * Available condition, and whose discovery it caches for
 * {@link dev.caravel.apiserver.aggregation.AggregatedApis}, which merges it into /apis.
 *
 * <p>Why it is built so: {@code docs/decisions/0023-api-aggregation.md}.
 */
package dev.caravel.apiserver.aggregation;
