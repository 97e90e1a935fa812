package dev.caravel.apiserver.metrics;

import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.request.RequestInfo;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * kube-apiserver's request metrics, with its names, labels and buckets:
 * {@code apiserver_request_total{verb,dry_run,group,version,resource,subresource,scope,component,code}}
 * and {@code apiserver_request_duration_seconds} (the same labels but code).
 *
 * <p>Labels as kube-apiserver computes them: the verb in capitals as the route names it (create is
 * POST, update PUT, a server-side apply APPLY, list LIST, watch WATCH); scope {@code resource} for a
 * named object or a create, {@code namespace} or {@code cluster} for collections, empty for a
 * non-resource path; component {@code apiserver}. A non-resource request is labelled by its path in
 * {@code subresource} ({@code /healthz}, {@code /openapi/v3}) as kube-apiserver labels its
 * non-resource routes; a path the server does not serve is labelled {@code other}, so that
 * scanners probing random paths cannot grow the label set without bound.
 */
public final class RequestMetrics {

    /** kube-apiserver's buckets for apiserver_request_duration_seconds (1.31). */
    static final double[] DURATION_BUCKETS = {0.005, 0.025, 0.05, 0.1, 0.2, 0.4, 0.6, 0.8, 1.0, 1.25, 1.5, 2, 3, 4,
            5, 6, 8, 10, 15, 20, 30, 45, 60};
    static final String COMPONENT = "apiserver";
    private static final Map<String, String> ROUTE_VERBS = Map.of(
            "get", "GET", "list", "LIST", "watch", "WATCH", "create", "POST", "update", "PUT", "patch", "PATCH",
            "delete", "DELETE", "deletecollection", "DELETECOLLECTION", "proxy", "PROXY");
    private static final List<String> NON_RESOURCE_ROUTES = List.of("/healthz", "/livez", "/readyz", "/version",
            "/openapi/v2", "/openapi/v3", "/metrics", "/apis", "/api");

    private final Counter total;
    private final Histogram duration;

    RequestMetrics(PrometheusRegistry registry) {
        total = Counter.builder().name("apiserver_request_total")
                .help("Counter of apiserver requests broken out for each verb, dry run value, group, version, resource, scope, component, and HTTP response code.")
                .labelNames("verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component", "code")
                .register(registry);
        duration = Histogram.builder().name("apiserver_request_duration_seconds")
                .help("Response latency distribution in seconds for each verb, dry run value, group, version, resource, subresource, scope and component.")
                .labelNames("verb", "dry_run", "group", "version", "resource", "subresource", "scope", "component")
                .classicOnly()
                .classicUpperBounds(DURATION_BUCKETS)
                .register(registry);
    }

    /** Counts a finished request: {@code code} is its HTTP status, {@code nanos} from arrival to the end of its response. */
    public void observe(ApiRequest request, int code, long nanos) {
        RequestInfo info = request.info();
        String verb;
        String group = "";
        String version = "";
        String resource = "";
        String subresource;
        String scope = "";
        if (info == null || !info.resourceRequest()) {
            verb = request.method().toUpperCase(Locale.ROOT);
            subresource = nonResourceRoute(request.path());
        } else {
            verb = routeVerb(request, info);
            group = info.apiGroup();
            version = info.apiVersion();
            resource = info.resource();
            subresource = info.subresource();
            scope = scope(info);
        }
        String dryRun = dryRun(request);
        total.labelValues(verb, dryRun, group, version, resource, subresource, scope, COMPONENT, Integer.toString(code))
                .inc();
        duration.labelValues(verb, dryRun, group, version, resource, subresource, scope, COMPONENT)
                .observe(nanos / 1e9);
    }

    static String routeVerb(ApiRequest request, RequestInfo info) {
        if ("patch".equals(info.verb()) && request.header("Content-Type").startsWith("application/apply-patch")) {
            return "APPLY";
        }
        String verb = ROUTE_VERBS.get(info.verb());
        return verb != null ? verb : info.verb().toUpperCase(Locale.ROOT);
    }

    static String scope(RequestInfo info) {
        if (!info.name().isEmpty() || "create".equals(info.verb())) {
            return "resource";
        }
        if (!info.namespace().isEmpty()) {
            return "namespace";
        }
        return "cluster";
    }

    /** The dryRun values sorted and joined with commas, as kube-apiserver labels them; "" when none. */
    static String dryRun(ApiRequest request) {
        if (!request.rawQuery().contains("dryRun")) {
            return "";
        }
        List<String> values = new ArrayList<>(request.query().all("dryRun"));
        Collections.sort(values);
        return String.join(",", values);
    }

    static String nonResourceRoute(String path) {
        for (String route : NON_RESOURCE_ROUTES) {
            if (path.equals(route) || path.startsWith(route + "/")) {
                return route;
            }
        }
        return "other";
    }
}
