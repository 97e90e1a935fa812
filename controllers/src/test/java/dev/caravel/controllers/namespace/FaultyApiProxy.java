package dev.caravel.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.Executors;

/**
 * An HTTP proxy in front of the real server that can make one group version fail discovery the
 * way an unavailable aggregated API does (503 for {@code /apis/GROUP/VERSION}, and
 * {@code freshness: Stale} in aggregated discovery) and make deletes under a path fail with 500,
 * until {@link #heal}. Everything else, watches included, streams through unchanged.
 */
final class FaultyApiProxy implements AutoCloseable {

    private static final ObjectMapper json = new ObjectMapper();
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "content-length", "transfer-encoding", "host",
            "upgrade", "keep-alive", "expect");

    private final String target;
    private final HttpServer server;
    private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private volatile String failedGroup;
    private volatile String failedVersion;
    private volatile String failedDeletesUnder;

    FaultyApiProxy(String targetUrl) throws IOException {
        this.target = targetUrl;
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.setExecutor(Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "faulty-api-proxy");
            t.setDaemon(true);
            return t;
        }));
        server.start();
    }

    String url() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** From now on, discovery of this group version fails as an unreachable extension API server's does. */
    void failDiscoveryOf(String group, String version) {
        failedGroup = group;
        failedVersion = version;
    }

    /** From now on, every DELETE whose path starts with this prefix answers 500. */
    void failDeletesUnder(String pathPrefix) {
        failedDeletesUnder = pathPrefix;
    }

    void heal() {
        failedGroup = null;
        failedVersion = null;
        failedDeletesUnder = null;
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String method = exchange.getRequestMethod();
            String path = exchange.getRequestURI().getRawPath();
            String group = failedGroup;
            String version = failedVersion;
            if (group != null && method.equals("GET") && path.equals("/apis/" + group + "/" + version)) {
                status(exchange, 503, "ServiceUnavailable", "the server is currently unable to handle the request");
                return;
            }
            String deletes = failedDeletesUnder;
            if (deletes != null && method.equals("DELETE") && path.startsWith(deletes)) {
                status(exchange, 500, "InternalError", "Internal error occurred: injected fault");
                return;
            }
            forward(exchange, group != null && method.equals("GET") && path.equals("/apis") ? group : null, version);
        }
    }

    private void forward(HttpExchange exchange, String staleGroup, String staleVersion) throws IOException {
        URI uri = URI.create(target + exchange.getRequestURI().toString());
        byte[] body = exchange.getRequestBody().readAllBytes();
        HttpRequest.Builder request = HttpRequest.newBuilder(uri)
                .method(exchange.getRequestMethod(), body.length == 0 ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofByteArray(body));
        exchange.getRequestHeaders().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase())) {
                values.forEach(v -> request.header(name, v));
            }
        });
        HttpResponse<InputStream> response;
        try {
            response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
        response.headers().map().forEach((name, values) -> {
            if (!HOP_BY_HOP.contains(name.toLowerCase()) && !name.startsWith(":")) {
                exchange.getResponseHeaders().put(name, values);
            }
        });
        try (InputStream in = response.body()) {
            if (staleGroup != null) {
                byte[] rewritten = markStale(in.readAllBytes(), staleGroup, staleVersion);
                exchange.sendResponseHeaders(response.statusCode(), rewritten.length);
                exchange.getResponseBody().write(rewritten);
                return;
            }
            exchange.sendResponseHeaders(response.statusCode(), 0);
            OutputStream out = exchange.getResponseBody();
            byte[] buffer = new byte[8192];
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
                out.flush(); // watch events go out as they come
            }
        }
    }

    /** In aggregated discovery, the group version turns Stale with no resources, as the aggregator reports an unavailable APIService. */
    private static byte[] markStale(byte[] document, String group, String version) throws IOException {
        JsonNode root = json.readTree(document);
        if (!"APIGroupDiscoveryList".equals(root.path("kind").asText())) {
            return document;
        }
        for (JsonNode item : root.path("items")) {
            if (!group.equals(item.path("metadata").path("name").asText())) {
                continue;
            }
            for (JsonNode v : item.path("versions")) {
                if (version.equals(v.path("version").asText())) {
                    ((ObjectNode) v).put("freshness", "Stale");
                    ((ObjectNode) v).set("resources", json.createArrayNode());
                }
            }
        }
        return json.writeValueAsBytes(root);
    }

    private static void status(HttpExchange exchange, int code, String reason, String message) throws IOException {
        ObjectNode status = json.createObjectNode();
        status.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
        status.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
        byte[] bytes = json.writeValueAsBytes(status);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    @Override
    public void close() {
        server.stop(0);
        http.shutdownNow();
    }

}
