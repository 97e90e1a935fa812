package dev.caravel.apiserver.aggregation;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import dev.caravel.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;

/**
 * A small aggregated API server for the tests: a group-version shaped as metrics.k8s.io/v1beta1
 * (NodeMetrics, PodMetrics) over TLS on 127.0.0.1,
 * serving its discovery, a list of PodMetrics and a watch of two events, with a certificate the
 * test chooses (a CA's, an expired one). It records the identity headers the aggregator sends.
 */
final class MetricsBackend implements AutoCloseable {

    static final String RESOURCE_LIST = """
            {"kind":"APIResourceList","apiVersion":"v1","groupVersion":"metrics.k8s.io/v1beta1","resources":[\
            {"name":"nodes","singularName":"","namespaced":false,"kind":"NodeMetrics","verbs":["get","list"]},\
            {"name":"pods","singularName":"","namespaced":true,"kind":"PodMetrics","verbs":["get","list","watch"]}]}
            """;
    static final String POD_METRICS_LIST = """
            {"kind":"PodMetricsList","apiVersion":"metrics.k8s.io/v1beta1","metadata":{},"items":[\
            {"metadata":{"name":"web-1","namespace":"default","creationTimestamp":"2026-11-25T18:00:00Z"},\
            "timestamp":"2026-11-25T18:00:00Z","window":"10s","containers":[{"name":"web","usage":{"cpu":"5m","memory":"20Mi"}}]}]}
            """;

    private final HttpsServer server;
    final List<String> remoteUsers = new CopyOnWriteArrayList<>();
    final List<List<String>> remoteGroups = new CopyOnWriteArrayList<>();
    final List<String> authorizationHeaders = new CopyOnWriteArrayList<>();

    private final String groupVersion;

    private MetricsBackend(HttpsServer server, String groupVersion) {
        this.server = server;
        this.groupVersion = groupVersion;
    }

    /** This backend's discovery document. */
    String resourceList() {
        return RESOURCE_LIST.replace("metrics.k8s.io/v1beta1", groupVersion);
    }

    /** A backend presenting a certificate of {@code authority} for {@code serverName}, valid from {@code notBefore} to {@code notAfter}. */
    static MetricsBackend start(String groupVersion, CertificateAuthority authority, String serverName, Instant notBefore,
                                Instant notAfter) throws IOException {
        return start(groupVersion, authority, serverName, notBefore, notAfter, null);
    }

    /**
     * The same, serving only clients that present a certificate {@code clientAuthority} signed
     * (the aggregator's front-proxy client certificate), when it is not null.
     */
    static MetricsBackend start(String groupVersion, CertificateAuthority authority, String serverName, Instant notBefore,
                                Instant notAfter, CertificateAuthority clientAuthority) throws IOException {
        IssuedCertificate certificate = authority.issueServing(List.of(serverName), List.of(), notBefore, notAfter);
        SSLContext context;
        try {
            context = SSLContext.getInstance("TLS");
            context.init(TlsContexts.presenting(certificate.key(), List.of(certificate.certificate())),
                    clientAuthority == null ? null : TlsContexts.trusting(List.of(clientAuthority.certificate())),
                    new SecureRandom());
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        HttpsServer server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(context) {
            @Override
            public void configure(com.sun.net.httpserver.HttpsParameters parameters) {
                javax.net.ssl.SSLParameters ssl = context.getDefaultSSLParameters();
                ssl.setNeedClientAuth(clientAuthority != null);
                parameters.setSSLParameters(ssl);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        MetricsBackend backend = new MetricsBackend(server, groupVersion);
        server.createContext("/", backend::handle);
        server.start();
        return backend;
    }

    int port() {
        return server.getAddress().getPort();
    }

    private void handle(HttpExchange exchange) throws IOException {
        String path = exchange.getRequestURI().getPath();
        String query = exchange.getRequestURI().getRawQuery() == null ? "" : exchange.getRequestURI().getRawQuery();
        remoteUsers.add(String.valueOf(exchange.getRequestHeaders().getFirst("X-Remote-User")));
        remoteGroups.add(List.copyOf(exchange.getRequestHeaders().getOrDefault("X-Remote-Group", List.of())));
        if (exchange.getRequestHeaders().containsKey("Authorization")) {
            authorizationHeaders.add(exchange.getRequestHeaders().getFirst("Authorization"));
        }
        String prefix = "/apis/" + groupVersion;
        if (path.equals(prefix)) {
            send(exchange, 200, resourceList());
        } else if (path.equals(prefix + "/namespaces/default/pods") && query.contains("watch=true")) {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, 0);
            try (OutputStream out = exchange.getResponseBody()) {
                for (String name : List.of("web-1", "web-2")) {
                    out.write(("{\"type\":\"ADDED\",\"object\":{\"kind\":\"PodMetrics\",\"apiVersion\":\"metrics.k8s.io/v1beta1\","
                            + "\"metadata\":{\"name\":\"" + name + "\",\"namespace\":\"default\"}}}\n").getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    sleep(150);
                }
            }
        } else if (path.equals(prefix + "/namespaces/default/pods")) {
            send(exchange, 200, POD_METRICS_LIST);
        } else {
            send(exchange, 404, "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                    + "\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\",\"code\":404}\n");
        }
    }

    private static void send(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
