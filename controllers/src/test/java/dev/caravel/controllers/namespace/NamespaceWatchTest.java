package dev.caravel.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravel.controllers.client.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The informer's list-then-watch against a small fake API that expires the watch with 410 Gone. */
class NamespaceWatchTest {

    private static final String DOOMED = """
            {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"doomed","resourceVersion":"7","deletionTimestamp":"2026-01-01T00:00:00Z"},
             "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating"}}""";

    private HttpServer api;
    private ApiClient client;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger lists = new AtomicInteger();

    @BeforeEach
    void start() throws IOException {
        api = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        api.createContext("/", this::handle);
        api.start();
        client = new ApiClient(ApiClient.Config.of("http://127.0.0.1:" + api.getAddress().getPort()));
    }

    @AfterEach
    void stop() {
        client.close();
        api.stop(0);
    }

    private void handle(HttpExchange exchange) throws IOException {
        String query = exchange.getRequestURI().getQuery();
        String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath()
                + (query != null && query.contains("watch=true") ? "?watch" : "");
        requests.add(key);
        switch (key) {
            case "GET /api/v1/namespaces" -> reply(exchange, 200, lists.getAndIncrement() == 0
                    ? "{\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\"5\"},\"items\":[]}"
                    : "{\"kind\":\"NamespaceList\",\"metadata\":{\"resourceVersion\":\"8\"},\"items\":[" + DOOMED + "]}");
            case "GET /api/v1/namespaces?watch" -> {
                if (lists.get() == 1) {
                    reply(exchange, 200, """
                            {"type":"ERROR","object":{"kind":"Status","apiVersion":"v1","status":"Failure","reason":"Expired","code":410,"message":"too old resource version: 5"}}
                            """);
                } else {
                    reply(exchange, 200, ""); // an empty stream: the watch ends and is renewed
                }
            }
            case "GET /api/v1/namespaces/doomed" -> reply(exchange, 200, DOOMED);
            case "GET /api" -> reply(exchange, 200, "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}");
            case "GET /apis" -> reply(exchange, 200, "{\"kind\":\"APIGroupList\",\"groups\":[]}");
            case "GET /api/v1" -> reply(exchange, 200, """
                    {"kind":"APIResourceList","groupVersion":"v1","resources":[
                     {"name":"secrets","namespaced":true,"kind":"Secret","verbs":["delete","get","list"]}]}""");
            case "GET /api/v1/namespaces/doomed/secrets" -> reply(exchange, 200, "{\"kind\":\"SecretList\",\"items\":[]}");
            case "PUT /api/v1/namespaces/doomed/finalize" -> reply(exchange, 200, DOOMED);
            default -> reply(exchange, 404, "{\"kind\":\"Status\",\"reason\":\"NotFound\",\"code\":404}");
        }
    }

    private static void reply(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            exchange.getResponseBody().write(bytes);
        }
        exchange.close();
    }

    @Test
    void aWatchExpiredWith410IsFollowedByARelistThatFindsTheDeletedNamespace() throws Exception {
        try (NamespaceController controller = new NamespaceController(client,
                new NamespaceController.Options(1, Duration.ofMillis(20), Duration.ofMillis(200), 1))) {
            controller.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!requests.contains("PUT /api/v1/namespaces/doomed/finalize") && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
        }
        assertThat(lists.get()).as("listed again after the 410").isGreaterThanOrEqualTo(2);
        assertThat(requests).contains("GET /api/v1/namespaces/doomed/secrets", "PUT /api/v1/namespaces/doomed/finalize")
                .as("secrets have no deletecollection: listed, not deleted as a collection")
                .doesNotContain("DELETE /api/v1/namespaces/doomed/secrets");
    }
}
