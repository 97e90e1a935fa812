package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.testing.CaravelCluster;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.TlsContexts;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The metrics server against a real Caravel API server in this JVM, over HTTPS as the aggregator
 * reaches it: the cluster's nodes and pods come in through the informers, the answers go out as
 * metrics-server's.
 */
class MetricsServerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CaravelCluster cluster;
    private static ApiClient api;
    private static CertificateAuthority authority;
    private static Path certificates;
    private static MetricsServer server;
    private static HttpClient http;

    /** Certificates and keys of the test; JUnit deletes it afterwards. */
    @TempDir
    static Path scratch;

    @BeforeAll
    static void startClusterAndMetricsServer() throws Exception {
        cluster = CaravelCluster.start();
        api = new ApiClient(ApiClient.Config.of(cluster.url()));
        create("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-a","labels":{"pool":"web"}},
                 "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"4","memory":"8Gi","pods":"110"}}}""");
        create("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"node-b","labels":{"pool":"batch"}},
                 "status":{"capacity":{"cpu":"2","memory":"4Gi","pods":"110"},"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"}}}""");
        create("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"}}");
        create("/api/v1/namespaces/shop/pods", pod("web-1", "node-a", "web"));
        create("/api/v1/namespaces/shop/pods", pod("web-2", "node-a", "web"));
        create("/api/v1/namespaces/default/pods", pod("batch-1", "node-b", "batch"));
        create("/api/v1/namespaces/shop/pods", pod("unscheduled", "", "web"));

        authority = CertificateAuthority.create("metrics-test-ca", Duration.ofDays(1));
        certificates = Files.createDirectories(scratch.resolve("tls"));
        authority.issueServing(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(certificates.resolve("tls.crt"), certificates.resolve("tls.key"));
        server = new MetricsServer(new MetricsServer.Config("127.0.0.1", 0, certificates.resolve("tls.crt"),
                certificates.resolve("tls.key"), ApiClient.Config.of(cluster.url()), null, Duration.ofMillis(100),
                // Fixed, so two requests of one test see the same sample even across a 15s boundary.
                java.time.Clock.fixed(Instant.now(), java.time.ZoneOffset.UTC)));
        server.start();
        http = HttpClient.newBuilder().sslContext(TlsContexts.client(List.of(authority.certificate()), null, null)).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (!(server.isReady() && get("/apis/metrics.k8s.io/v1beta1/pods").path("items").size() == 3)
                && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static String pod(String name, String node, String app) {
        return """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"%s"}},
                 "spec":{%s"containers":[{"name":"app","image":"nginx","resources":{"requests":{"cpu":"250m","memory":"128Mi"}}},
                                          {"name":"sidecar","image":"envoy"}]}}"""
                .formatted(name, app, node.isEmpty() ? "" : "\"nodeName\":\"" + node + "\",");
    }

    private static void create(String path, String body) throws Exception {
        // A node keeps the status it is created with (capacity, allocatable), as a kubelet registers it.
        api.post(path, JSON.readTree(body));
    }

    private static HttpResponse<String> request(String method, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(server.url() + path)).method(method, HttpRequest.BodyPublishers.noBody())
                .header("X-Remote-User", "system:kube-aggregator").build(), HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode get(String path) throws Exception {
        return JSON.readTree(request("GET", path).body());
    }

    private static List<String> names(JsonNode list) {
        return list.path("items").findValues("metadata").stream().map(m -> m.path("name").asText()).toList();
    }

    @Test
    void discoveryDescribesNodeAndPodMetrics() throws Exception {
        JsonNode groups = get("/apis");
        assertThat(groups.path("kind").asText()).isEqualTo("APIGroupList");
        assertThat(groups.path("groups").get(0).path("preferredVersion").path("groupVersion").asText())
                .isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(get("/apis/metrics.k8s.io").path("kind").asText()).isEqualTo("APIGroup");
        JsonNode resources = get("/apis/metrics.k8s.io/v1beta1");
        assertThat(resources.path("kind").asText()).isEqualTo("APIResourceList");
        assertThat(resources.path("resources").findValuesAsText("kind")).containsExactly("NodeMetrics", "PodMetrics");
        assertThat(resources.path("resources").get(1).path("namespaced").asBoolean()).isTrue();
    }

    @Test
    void aggregatedDiscoveryIsServedWhenTheAggregatorAsksForIt() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/apis"))
                .header("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.headers().firstValue("Content-Type")).hasValue(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        JsonNode list = JSON.readTree(response.body());
        JsonNode version = list.path("items").get(0).path("versions").get(0);
        assertThat(version.path("version").asText()).isEqualTo("v1beta1");
        assertThat(version.path("resources").findValuesAsText("scope")).containsExactly("Cluster", "Namespaced");
    }

    @Test
    void nodeMetricsAreListedByNameWithUsageAsQuantities() throws Exception {
        JsonNode list = get("/apis/metrics.k8s.io/v1beta1/nodes");
        assertThat(list.path("kind").asText()).isEqualTo("NodeMetricsList");
        assertThat(names(list)).containsExactly("node-a", "node-b");
        JsonNode nodeA = list.path("items").get(0);
        assertThat(nodeA.path("apiVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        assertThat(nodeA.path("metadata").path("labels").path("pool").asText()).isEqualTo("web");
        assertThat(nodeA.path("window").asText()).isEqualTo("15s");
        assertThat(Instant.parse(nodeA.path("timestamp").asText())).isBefore(Instant.now().plusSeconds(1));
        long cpu = Quantity.parse(nodeA.path("usage").path("cpu").asText()).nanos();
        long memory = Quantity.parse(nodeA.path("usage").path("memory").asText()).whole();
        assertThat(cpu).isBetween(50_000_000L, 4_000_000_000L);
        assertThat(memory).isBetween(256L << 20, 8L << 30);
    }

    @Test
    void oneNodesMetricsAreGotByNameAndAnUnknownNodeIsNotFound() throws Exception {
        JsonNode node = get("/apis/metrics.k8s.io/v1beta1/nodes/node-b");
        assertThat(node.path("kind").asText()).isEqualTo("NodeMetrics");
        assertThat(node.path("metadata").path("name").asText()).isEqualTo("node-b");

        HttpResponse<String> missing = request("GET", "/apis/metrics.k8s.io/v1beta1/nodes/node-z");
        assertThat(missing.statusCode()).isEqualTo(404);
        JsonNode status = JSON.readTree(missing.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("reason").asText()).isEqualTo("NotFound");
        assertThat(status.path("message").asText()).isEqualTo("node \"node-z\" not found");
    }

    @Test
    void nodesAreSelectedByLabel() throws Exception {
        assertThat(names(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=" + encode("pool in (batch)"))))
                .containsExactly("node-b");
        assertThat(names(get("/apis/metrics.k8s.io/v1beta1/nodes?labelSelector=pool%21%3Dbatch"))).containsExactly("node-a");
    }

    @Test
    void podMetricsOfEveryNamespaceAreListedForScheduledPodsOnly() throws Exception {
        JsonNode list = get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=" + encode("app in (web,batch)"));
        assertThat(list.path("kind").asText()).isEqualTo("PodMetricsList");
        assertThat(list.path("items").findValuesAsText("namespace")).containsExactly("default", "shop", "shop");
        assertThat(names(list)).containsExactly("batch-1", "web-1", "web-2");
        JsonNode web = list.path("items").get(1);
        assertThat(web.path("containers").findValuesAsText("name")).containsExactly("app", "sidecar");
        long appCpu = Quantity.parse(web.path("containers").get(0).path("usage").path("cpu").asText()).nanos();
        assertThat(appCpu).isBetween(1L, 250_000_000L);
    }

    @Test
    void podMetricsOfOneNamespaceAreSelectedByLabelAndField() throws Exception {
        assertThat(names(get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods"))).containsExactly("web-1", "web-2");
        assertThat(names(get("/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?labelSelector=app%3Dweb"))).isEmpty();
        assertThat(names(get("/apis/metrics.k8s.io/v1beta1/pods?labelSelector=app%3Dbatch"))).containsExactly("batch-1");
        assertThat(names(get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods?fieldSelector=metadata.name%3Dweb-2")))
                .containsExactly("web-2");
    }

    @Test
    void onePodsMetricsAreGotAndMissingOnesAreNotFoundAsMetricsServerSaysIt() throws Exception {
        JsonNode pod = get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1");
        assertThat(pod.path("kind").asText()).isEqualTo("PodMetrics");
        assertThat(pod.path("metadata").path("namespace").asText()).isEqualTo("shop");
        assertThat(pod.path("metadata").path("labels").path("app").asText()).isEqualTo("web");

        HttpResponse<String> unknown = request("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/nope");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("message").asText()).isEqualTo("pods \"nope\" not found");

        HttpResponse<String> notRunning = request("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/unscheduled");
        assertThat(notRunning.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(notRunning.body()).path("message").asText())
                .isEqualTo("podmetrics.metrics.k8s.io \"shop/unscheduled\" not found");
    }

    @Test
    void badSelectorsWritesAndUnknownPathsAreStatusErrors() throws Exception {
        HttpResponse<String> badSelector = request("GET", "/apis/metrics.k8s.io/v1beta1/pods?labelSelector=" + encode("app in"));
        assertThat(badSelector.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(badSelector.body()).path("reason").asText()).isEqualTo("BadRequest");

        HttpResponse<String> write = request("DELETE", "/apis/metrics.k8s.io/v1beta1/nodes/node-a");
        assertThat(write.statusCode()).isEqualTo(405);
        assertThat(JSON.readTree(write.body()).path("reason").asText()).isEqualTo("MethodNotAllowed");

        HttpResponse<String> unknown = request("GET", "/apis/metrics.k8s.io/v1beta1/deployments");
        assertThat(unknown.statusCode()).isEqualTo(404);
        assertThat(JSON.readTree(unknown.body()).path("message").asText()).isEqualTo("the server could not find the requested resource");
    }

    @Test
    void aPodCreatedLaterAppearsThroughTheInformer() throws Exception {
        create("/api/v1/namespaces/default/pods", pod("late", "node-b", "late"));
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        HttpResponse<String> response;
        do {
            response = request("GET", "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods/late");
        } while (response.statusCode() != 200 && System.nanoTime() < deadline && sleep());
        assertThat(response.statusCode()).isEqualTo(200);
    }

    @Test
    void kubectlGetsATableWithMetricsServersColumns() throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(server.url()
                        + "/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods"))
                .header("Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json")
                .build(), HttpResponse.BodyHandlers.ofString());
        JsonNode table = JSON.readTree(response.body());
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("apiVersion").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(table.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "cpu", "memory", "Window");
        JsonNode row = table.path("rows").get(0);
        assertThat(row.path("cells").get(0).asText()).isEqualTo("web-1");
        assertThat(row.path("cells").get(3).asText()).isEqualTo("15s");
        assertThat(row.path("object").path("kind").asText()).isEqualTo("PartialObjectMetadata");

        JsonNode pod = get("/apis/metrics.k8s.io/v1beta1/namespaces/shop/pods/web-1");
        long summed = 0;
        for (JsonNode container : pod.path("containers")) {
            summed += Quantity.parse(container.path("usage").path("cpu").asText()).nanos();
        }
        assertThat(Quantity.parse(row.path("cells").get(1).asText()).nanos()).isEqualTo(summed);
    }

    @Test
    void pipelinedRequestsAreAnsweredInOrder() throws Exception {
        URI url = URI.create(server.url());
        try (javax.net.ssl.SSLSocket socket = (javax.net.ssl.SSLSocket) TlsContexts.client(List.of(authority.certificate()), null, null)
                .getSocketFactory().createSocket(url.getHost(), url.getPort())) {
            String requests = "GET /apis/metrics.k8s.io/v1beta1/pods HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
                    + "GET /apis/metrics.k8s.io/v1beta1/nodes HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
            socket.getOutputStream().write(requests.getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            String answers = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int pods = answers.indexOf("\"kind\":\"PodMetricsList\"");
            int ok = answers.indexOf("\r\n\r\nok");
            int nodes = answers.indexOf("\"kind\":\"NodeMetricsList\"");
            assertThat(pods).isNotNegative();
            assertThat(ok).isGreaterThan(pods);
            assertThat(nodes).isGreaterThan(ok);
        }
    }

    @Test
    void healthReadinessAndPrometheusMetricsAreServed() throws Exception {
        assertThat(request("GET", "/healthz").body()).isEqualTo("ok");
        assertThat(request("GET", "/livez").statusCode()).isEqualTo(200);
        assertThat(request("GET", "/readyz").statusCode()).isEqualTo(200);
        String metrics = request("GET", "/metrics").body();
        assertThat(PrometheusText.value(metrics, "metrics_server_serving_certificate_expiration_timestamp_seconds"))
                .isEqualTo(server.servingCertificate().getNotAfter().toInstant().getEpochSecond());
        assertThat(PrometheusText.value(metrics, "metrics_server_serving_certificate_reloads_total{result=\"success\"}"))
                .isEqualTo(1);
        assertThat(PrometheusText.value(metrics, "metrics_server_api_metric_freshness_seconds_count")).isPositive();
        // A sample is at most one resolution old: every item falls in the buckets up to 15s.
        assertThat(PrometheusText.bucketAtLeast(metrics, "metrics_server_api_metric_freshness_seconds", 15))
                .isEqualTo(PrometheusText.value(metrics, "metrics_server_api_metric_freshness_seconds_count"));
    }

    private static boolean sleep() throws InterruptedException {
        Thread.sleep(50);
        return true;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
