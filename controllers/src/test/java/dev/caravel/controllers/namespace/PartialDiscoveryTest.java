package dev.caravel.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Incident 1's shape against a small fake API, where every byte of discovery is under the test's
 * control: one group's discovery fails (a 503 in legacy discovery, Stale in aggregated discovery),
 * or a group version does not parse. The content of the groups that answered is still deleted
 * (except after a parse failure, as in the reference), the namespace's conditions say what failed
 * in Kubernetes' words, and the namespace keeps its finalizer.
 */
class PartialDiscoveryTest {

    private static final ObjectMapper json = new ObjectMapper();

    private HttpServer api;
    private ApiClient client;
    private final List<String> requests = new CopyOnWriteArrayList<>();
    private volatile ObjectNode namespace;
    private volatile boolean aggregated;
    private volatile boolean metricsDown = true;
    private volatile String oddVersion;

    @BeforeEach
    void start() throws IOException {
        namespace = (ObjectNode) json.readTree("""
                {"kind":"Namespace","apiVersion":"v1","metadata":{"name":"doomed","uid":"u-1","resourceVersion":"5",
                  "deletionTimestamp":"2026-01-01T00:00:00Z"},
                 "spec":{"finalizers":["kubernetes"]},"status":{"phase":"Terminating"}}""");
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
        String key = exchange.getRequestMethod() + " " + path;
        String accept = exchange.getRequestHeaders().getFirst("Accept");
        byte[] body = exchange.getRequestBody().readAllBytes();
        requests.add(key + (body.length > 0 ? " " + new String(body, StandardCharsets.UTF_8) : ""));
        if (aggregated && accept != null && accept.contains("apidiscovery.k8s.io") && (path.equals("/api") || path.equals("/apis"))) {
            reply(exchange, 200, path.equals("/api") ? """
                    {"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[
                     {"metadata":{},"versions":[{"version":"v1","freshness":"Current","resources":[
                      {"resource":"configmaps","responseKind":{"group":"","version":"","kind":"ConfigMap"},"scope":"Namespaced",
                       "verbs":["create","delete","deletecollection","get","list"]},
                      {"resource":"namespaces","responseKind":{"group":"","version":"","kind":"Namespace"},"scope":"Cluster",
                       "verbs":["create","delete","get","list"]}]}]}]}""" : """
                    {"kind":"APIGroupDiscoveryList","apiVersion":"apidiscovery.k8s.io/v2","metadata":{},"items":[
                     {"metadata":{"name":"metrics.k8s.io"},"versions":[{"version":"v1beta1","freshness":"%s","resources":[]}]}]}"""
                    .formatted(metricsDown ? "Stale" : "Current"));
            return;
        }
        switch (key) {
            case "GET /api/v1/namespaces/doomed" -> reply(exchange, 200, namespace.toString());
            case "PUT /api/v1/namespaces/doomed/status" -> {
                ObjectNode updated = (ObjectNode) json.readTree(body);
                ((ObjectNode) updated.get("metadata")).put("resourceVersion",
                        Long.toString(namespace.path("metadata").path("resourceVersion").asLong() + 1));
                namespace = updated;
                reply(exchange, 200, updated.toString());
            }
            case "PUT /api/v1/namespaces/doomed/finalize" -> reply(exchange, 200, new String(body, StandardCharsets.UTF_8));
            case "GET /api" -> reply(exchange, 200, """
                    {"kind":"APIVersions","versions":["v1"]}""");
            case "GET /apis" -> reply(exchange, 200, oddVersion != null ? """
                    {"kind":"APIGroupList","groups":[
                     {"name":"odd.example.com","versions":[{"groupVersion":"odd.example.com/%1$s","version":"%1$s"}],
                      "preferredVersion":{"groupVersion":"odd.example.com/%1$s","version":"%1$s"}}]}""".formatted(oddVersion) : """
                    {"kind":"APIGroupList","groups":[
                     {"name":"metrics.k8s.io","versions":[{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}],
                      "preferredVersion":{"groupVersion":"metrics.k8s.io/v1beta1","version":"v1beta1"}}]}""");
            case "GET /api/v1" -> reply(exchange, 200, """
                    {"kind":"APIResourceList","groupVersion":"v1","resources":[
                     {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["create","delete","deletecollection","get","list"]},
                     {"name":"namespaces","namespaced":false,"kind":"Namespace","verbs":["create","delete","get","list"]},
                     {"name":"namespaces/finalize","namespaced":false,"kind":"Namespace","verbs":["update"]}]}""");
            case "GET /apis/metrics.k8s.io/v1beta1" -> {
                if (metricsDown) {
                    reply(exchange, 503, """
                            {"kind":"Status","apiVersion":"v1","status":"Failure","reason":"ServiceUnavailable","message":"the server is currently unable to handle the request","code":503}""");
                } else {
                    reply(exchange, 200, """
                            {"kind":"APIResourceList","groupVersion":"metrics.k8s.io/v1beta1","resources":[
                             {"name":"pods","namespaced":true,"kind":"PodMetrics","verbs":["get","list"]}]}""");
                }
            }
            case "GET /apis/odd.example.com/v1/extra" -> reply(exchange, 200, """
                    {"kind":"APIResourceList","groupVersion":"odd.example.com/v1/extra","resources":[
                     {"name":"widgets","namespaced":true,"kind":"Widget","verbs":["delete","list"]}]}""");
            case "DELETE /api/v1/namespaces/doomed/configmaps", "GET /api/v1/namespaces/doomed/configmaps" -> reply(exchange, 200, """
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

    private NamespaceController controller() {
        return new NamespaceController(client, NamespaceController.Options.defaults().withDeletionLatch(Duration.ZERO));
    }

    private JsonNode condition(String type) {
        for (JsonNode c : namespace.path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        throw new AssertionError("no condition " + type + " in " + namespace.path("status"));
    }

    @Test
    void aGroupWhose503sInLegacyDiscoveryIsReportedWhileTheOthersContentIsDeletedAndTheNamespaceKept() throws Exception {
        assertThat(controller().sync("doomed")).as("the namespace is not finished").isFalse();

        assertThat(requests).anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/doomed/configmaps"))
                .noneMatch(r -> r.contains("/finalize"));
        JsonNode failure = condition("NamespaceDeletionDiscoveryFailure");
        assertThat(failure.path("status").asText()).isEqualTo("True");
        assertThat(failure.path("reason").asText()).isEqualTo("DiscoveryFailed");
        assertThat(failure.path("message").asText()).isEqualTo("Discovery failed for some groups, 1 failing: unable to retrieve the "
                + "complete list of server APIs: metrics.k8s.io/v1beta1: the server is currently unable to handle the request");
        assertThat(failure.path("lastTransitionTime").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        assertThat(condition("NamespaceDeletionContentFailure").path("reason").asText()).isEqualTo("ContentDeleted");
        assertThat(condition("NamespaceDeletionGroupVersionParsingFailure").path("message").asText())
                .isEqualTo("All legacy kube types successfully parsed");
        assertThat(condition("NamespaceContentRemaining").path("status").asText()).isEqualTo("False");
        assertThat(condition("NamespaceFinalizersRemaining").path("reason").asText()).isEqualTo("ContentRemoved");
    }

    @Test
    void aVersionMarkedStaleInAggregatedDiscoveryIsReportedAsClientGoReportsIt() throws Exception {
        aggregated = true;

        assertThat(controller().sync("doomed")).isFalse();

        assertThat(requests).noneMatch(r -> r.startsWith("GET /apis/metrics.k8s.io"))
                .anyMatch(r -> r.startsWith("DELETE /api/v1/namespaces/doomed/configmaps"));
        assertThat(condition("NamespaceDeletionDiscoveryFailure").path("message").asText())
                .isEqualTo("Discovery failed for some groups, 1 failing: unable to retrieve the complete list of server APIs: "
                        + "metrics.k8s.io/v1beta1: stale GroupVersion discovery: metrics.k8s.io/v1beta1");
    }

    @Test
    void conditionsAreWrittenOnlyWhenTheyChangeAndTheTransitionTimeMovesOnlyWithTheStatus() throws Exception {
        NamespaceController controller = controller();
        controller.sync("doomed");
        String failedSince = condition("NamespaceDeletionDiscoveryFailure").path("lastTransitionTime").asText();
        String removedSince = condition("NamespaceContentRemaining").path("lastTransitionTime").asText();

        requests.clear();
        controller.sync("doomed");
        assertThat(requests).as("the same failure again").noneMatch(r -> r.startsWith("PUT /api/v1/namespaces/doomed/status"));

        Thread.sleep(1100); // conditions' times are in seconds
        metricsDown = false;
        requests.clear();
        assertThat(controller.sync("doomed")).isTrue();
        assertThat(requests).anyMatch(r -> r.startsWith("PUT /api/v1/namespaces/doomed/status"))
                .anyMatch(r -> r.startsWith("PUT /api/v1/namespaces/doomed/finalize") && r.contains("\"finalizers\":[]"));
        JsonNode recovered = condition("NamespaceDeletionDiscoveryFailure");
        assertThat(recovered.path("status").asText()).isEqualTo("False");
        assertThat(recovered.path("reason").asText()).isEqualTo("ResourcesDiscovered");
        assertThat(recovered.path("message").asText()).isEqualTo("All resources successfully discovered");
        assertThat(recovered.path("lastTransitionTime").asText()).isGreaterThan(failedSince);
        assertThat(condition("NamespaceContentRemaining").path("lastTransitionTime").asText()).isEqualTo(removedSince);
    }

    @Test
    void aGroupVersionThatDoesNotParseStopsThePassBeforeAnyDeletionAsInTheReference() throws Exception {
        oddVersion = "v1/extra";

        assertThat(controller().sync("doomed")).isFalse();

        assertThat(requests).noneMatch(r -> r.startsWith("DELETE"));
        JsonNode parsing = condition("NamespaceDeletionGroupVersionParsingFailure");
        assertThat(parsing.path("status").asText()).isEqualTo("True");
        assertThat(parsing.path("reason").asText()).isEqualTo("GroupVersionParsingFailed");
        assertThat(parsing.path("message").asText()).isEqualTo("unexpected GroupVersion string: odd.example.com/v1/extra");
    }

    @Test
    void withTheLatchOnTheNamespaceAlsoSaysWhetherItsDeletionIsBlocked() throws Exception {
        NamespaceController controller = new NamespaceController(client, NamespaceController.Options.defaults());

        controller.sync("doomed");

        JsonNode blocked = condition("NamespaceDeletionBlocked");
        assertThat(blocked.path("status").asText()).isEqualTo("True");
        assertThat(blocked.path("reason").asText()).isEqualTo("ContentDeletionBlocked");
        assertThat(blocked.path("message").asText()).startsWith("DiscoveryFailed: Discovery failed for some groups")
                .contains("metrics.k8s.io/v1beta1");
        assertThat(condition("NamespaceDeletionLatched").path("reason").asText()).isEqualTo("NotLatched");
    }
}
