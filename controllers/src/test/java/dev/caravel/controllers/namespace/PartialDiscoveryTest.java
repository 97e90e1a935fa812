package dev.caravel.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravel.controllers.client.ApiClient;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident 1's shape against a small fake API: one group's discovery fails. The content of the
 * groups that answered is still deleted, the failed group is reported, and the namespace keeps its
 * finalizer (its content is unknown).
 */
class PartialDiscoveryTest {

    private HttpServer api;
    private ApiClient client;
    private final List<String> requests = new CopyOnWriteArrayList<>();

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
        String path = exchange.getRequestURI().getPath();
        String method = exchange.getRequestMethod();
        requests.add(method + " " + path);
        switch (method + " " + path) {
            case "GET /api/v1/namespaces/doomed" -> reply(exchange, 200, """
                    {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"doomed","deletionTimestamp":"2026-01-01T00:00:00Z"},
                     "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating"}}""");
            case "GET /api" -> reply(exchange, 200, """
                    {"kind":"APIVersions","versions":["v1"]}""");
            case "GET /apis" -> reply(exchange, 200, """
                    {"kind":"APIGroupList","groups":[
                     {"name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],
                      "preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}}]}""");
            case "GET /api/v1" -> reply(exchange, 200, """
                    {"kind":"APIResourceList","groupVersion":"v1","resources":[
                     {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","deletecollection","get","list"]},
                     {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["create","delete","get","list"]},
                     {"name":"namespaces/finalize","namespaced":false,"kind":"Namespace","verbs":["update"]}]}""");
            case "GET /apis/metrics.k8s.io/v1beta1" -> reply(exchange, 503, """
                    {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"ServiceUnavailable","message":"the server is currently unable to handle the request","code":503}""");
            case "DELETE /api/v1/namespaces/doomed/configmaps" -> reply(exchange, 200, """
                    {"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[]}""");
            case "GET /api/v1/namespaces/doomed/configmaps" -> reply(exchange, 200, """
                    {"kind":"ConfigMapList","apiVersion":"v1","metadata":{},"items":[]}""");
            default -> reply(exchange, 404, """
                    {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"NotFound","code":404}""");
        }
    }

    private static void reply(HttpExchange exchange, int code, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(code, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }

    @Test
    void aGroupWhoseDiscoveryFailsDoesNotStopTheDeletionOfTheOthersButKeepsTheNamespace() throws Exception {
        NamespaceController controller = new NamespaceController(client);

        NamespaceController.Outcome outcome = controller.deleteContent("doomed");
        assertThat(outcome.failures()).singleElement().asString()
                .contains("metrics.k8s.io/v1beta1").contains("ServiceUnavailable");
        assertThat(requests).contains("DELETE /api/v1/namespaces/doomed/configmaps");

        requests.clear();
        assertThat(controller.sync("doomed")).as("the namespace is not finished").isFalse();
        assertThat(requests).contains("DELETE /api/v1/namespaces/doomed/configmaps")
                .noneMatch(r -> r.endsWith("/finalize"));
    }

    @Test
    void theNamespaceIsFinalizedWhenEveryGroupAnswersAndNothingIsLeft() throws Exception {
        NamespaceController controller = new NamespaceController(client);
        api.removeContext("/");
        api.createContext("/", exchange -> {
            String key = exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath();
            if (key.equals("GET /apis")) {
                requests.add(key);
                reply(exchange, 200, "{\"kind\":\"APIGroupList\",\"groups\":[]}");
            } else if (key.equals("PUT /api/v1/namespaces/doomed/finalize")) {
                requests.add(key + " " + new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
                reply(exchange, 200, "{\"kind\":\"Namespace\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"doomed\"}}");
            } else {
                handle(exchange);
            }
        });

        assertThat(controller.sync("doomed")).isTrue();
        assertThat(requests).anySatisfy(r -> assertThat(r)
                .startsWith("PUT /api/v1/namespaces/doomed/finalize")
                .contains("\"finalizers\":[]"));
    }
}
