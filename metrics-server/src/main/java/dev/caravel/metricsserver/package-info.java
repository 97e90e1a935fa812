/**
 * The resource metrics API, {@code metrics.k8s.io/v1beta1}, as its own HTTPS process, like
 * kubernetes-sigs/metrics-server: Caravel's API server reaches it through an APIService, and
 * {@code kubectl top} reads NodeMetrics and PodMetrics from it.
 *
 * <p>It is a client of the API ({@link dev.caravel.controllers.client.ApiClient} and informers) and
 * serves usage that is <em>simulated</em> until Caravel has simulated nodes: see {@link
 * dev.caravel.metricsserver.SimulatedUsage}. Its serving certificate is read from files and reloaded
 * when they change ({@link dev.caravel.metricsserver.ServingCertificate}); why it is built so is in
 * docs/decisions/0024-metrics-server.md.
 */
package dev.caravel.metricsserver;
