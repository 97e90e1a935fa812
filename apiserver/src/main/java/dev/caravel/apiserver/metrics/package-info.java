/**
 * The API server's metrics: one Prometheus registry per server ({@link dev.caravel.apiserver.metrics.ServerMetrics}),
 * the request metrics stage, the audit writer's counters, and the {@code /metrics} endpoint. Names,
 * labels and buckets are kube-apiserver's, so its dashboards and alerts work unchanged.
 */
package dev.caravel.apiserver.metrics;
