package dev.caravel.metricsserver;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One HTTP request as the metrics API reads it.
 *
 * @param method the HTTP method
 * @param path   the decoded path, without the query
 * @param query  the first value of each query parameter
 * @param accept the Accept header, empty when absent
 * @param user   who the aggregator says is asking ({@code X-Remote-User}), empty when nobody said
 * @param client the common name of the client certificate the connection presented (and the
 *               handshake verified), empty for none
 */
record MetricsRequest(String method, String path, Map<String, String> query, String accept, String user, String client) {

    MetricsRequest {
        query = Map.copyOf(query);
        accept = accept == null ? "" : accept;
        user = user == null ? "" : user;
        client = client == null ? "" : client;
    }

    /** From a request target such as {@code /apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dweb}. */
    static MetricsRequest of(String method, String uri, String accept, String user, String client) {
        int question = uri.indexOf('?');
        String rawPath = question < 0 ? uri : uri.substring(0, question);
        Map<String, String> query = new LinkedHashMap<>();
        if (question >= 0) {
            for (String pair : uri.substring(question + 1).split("&")) {
                if (pair.isEmpty()) {
                    continue;
                }
                int equals = pair.indexOf('=');
                String name = decode(equals < 0 ? pair : pair.substring(0, equals));
                String value = equals < 0 ? "" : decode(pair.substring(equals + 1));
                query.putIfAbsent(name, value);
            }
        }
        return new MetricsRequest(method, URLDecoder.decode(rawPath.replace("+", "%2B"), StandardCharsets.UTF_8), query, accept, user,
                client);
    }

    String parameter(String name) {
        return query.getOrDefault(name, "");
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
