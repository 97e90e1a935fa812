package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.testing.CaravelCluster;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole path of {@code kubectl top}: the real kubectl asks Caravel, Caravel's aggregator proxies
 * {@code metrics.k8s.io} through an APIService, a Service and its Endpoints to this metrics server
 * over TLS (verifying the caBundle for {@code metrics-server.kube-system.svc}), which answers from
 * its informers. Then incident 1's certificate: an expired one makes the APIService unavailable with
 * a message that says so, and a renewed one on disk brings it back without a restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class KubectlTopTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static CaravelCluster cluster;
    private static ApiClient api;
    private static CertificateAuthority authority;
    private static Path certificates;
    private static MetricsServer metricsServer;
    private static Path home;

    /** Certificates and kubectl's HOME; JUnit deletes it after the class. */
    @TempDir
    static Path scratch;

    @BeforeAll
    static void startEverything() throws Exception {
        cluster = CaravelCluster.start();
        api = new ApiClient(ApiClient.Config.of(cluster.url()));

        post("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"worker-1"},
                 "status":{"capacity":{"cpu":"4","memory":"8Gi","pods":"110"},"allocatable":{"cpu":"4","memory":"8Gi","pods":"110"}}}""");
        post("/api/v1/nodes", """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"worker-2"},
                 "status":{"capacity":{"cpu":"2","memory":"4Gi","pods":"110"},"allocatable":{"cpu":"2","memory":"4Gi","pods":"110"}}}""");
        post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"shop\"}}");
        for (String[] p : new String[][] {{"web-1", "worker-1"}, {"web-2", "worker-2"}}) {
            post("/api/v1/namespaces/shop/pods", """
                    {"apiVersion":"v1","kind":"Pod","metadata":{"name":"%s","labels":{"app":"web"}},
                     "spec":{"nodeName":"%s","containers":[
                       {"name":"app","image":"nginx","resources":{"requests":{"cpu":"500m","memory":"256Mi"}}},
                       {"name":"proxy","image":"envoy","resources":{"requests":{"cpu":"100m","memory":"64Mi"}}}]}}"""
                    .formatted(p[0], p[1]));
        }

        authority = CertificateAuthority.create("metrics-e2e-ca", Duration.ofDays(30));
        certificates = Files.createDirectories(scratch.resolve("tls"));
        serving(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1))).writeTo(crt(), key());
        metricsServer = new MetricsServer(new MetricsServer.Config("127.0.0.1", 0, crt(), key(),
                ApiClient.Config.of(cluster.url()), null, Duration.ofMillis(200), null));
        int port = metricsServer.start().getPort();

        if (!exists("/api/v1/namespaces/kube-system")) {
            post("/api/v1/namespaces", "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"kube-system\"}}");
        }
        post("/api/v1/namespaces/kube-system/services", """
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"metrics-server"},
                 "spec":{"ports":[{"name":"https","port":443,"protocol":"TCP","targetPort":%d}]}}""".formatted(port));
        post("/api/v1/namespaces/kube-system/endpoints", """
                {"apiVersion":"v1","kind":"Endpoints","metadata":{"name":"metrics-server"},
                 "subsets":[{"addresses":[{"ip":"127.0.0.1"}],"ports":[{"name":"https","port":%d,"protocol":"TCP"}]}]}"""
                .formatted(port));
        String caBundle = Base64.getEncoder().encodeToString(authority.certificatePem().getBytes(StandardCharsets.US_ASCII));
        post("/apis/apiregistration.k8s.io/v1/apiservices", """
                {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"v1beta1.metrics.k8s.io"},
                 "spec":{"group":"metrics.k8s.io","version":"v1beta1","groupPriorityMinimum":100,"versionPriority":100,
                         "service":{"name":"metrics-server","namespace":"kube-system","port":443},"caBundle":"%s"}}"""
                .formatted(caBundle));
        home = Files.createDirectories(scratch.resolve("kubectl-home"));
    }

    @AfterAll
    static void stopEverything() throws Exception {
        if (metricsServer != null) {
            metricsServer.close();
        }
        if (api != null) {
            api.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    private static Path crt() {
        return certificates.resolve("tls.crt");
    }

    private static Path key() {
        return certificates.resolve("tls.key");
    }

    private static IssuedCertificate serving(Instant notBefore, Instant notAfter) {
        return authority.issueServing(List.of("metrics-server.kube-system.svc"), List.of("127.0.0.1"), notBefore, notAfter);
    }

    private static boolean exists(String path) throws Exception {
        try {
            api.get(path);
            return true;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    private static void post(String path, String body) throws Exception {
        // A node keeps the status it is created with (capacity, allocatable), as a kubelet registers it.
        api.post(path, JSON.readTree(body));
    }

    private static JsonNode availableCondition() throws Exception {
        JsonNode service = api.get("/apis/apiregistration.k8s.io/v1/apiservices/v1beta1.metrics.k8s.io");
        for (JsonNode condition : service.path("status").path("conditions")) {
            if (condition.path("type").asText().equals("Available")) {
                return condition;
            }
        }
        return JSON.createObjectNode();
    }

    private static JsonNode awaitAvailable(Predicate<JsonNode> wanted) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode condition = availableCondition();
        while (!wanted.test(condition) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            condition = availableCondition();
        }
        return condition;
    }

    private static Result kubectl(String... args) throws IOException, InterruptedException {
        return ClientCommand.kubectl(cluster.kubeconfigPath(), home).run(args);
    }

    private static List<String> rows(String table) {
        return table.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
    }

    @Test
    @Order(1)
    void theApiServiceBecomesAvailable() throws Exception {
        JsonNode condition = awaitAvailable(c -> c.path("status").asText().equals("True"));
        assertThat(condition.path("status").asText()).as(condition.toString()).isEqualTo("True");
        assertThat(condition.path("reason").asText()).isEqualTo("Passed");
    }

    @Test
    @Order(2)
    void kubectlTopNodesShowsEveryNodesUsage() throws Exception {
        Result top = kubectl("top", "nodes");
        assertThat(top.exitCode()).as(top.describe()).isZero();
        List<String> rows = rows(top.stdout());
        assertThat(rows.getFirst()).matches("NAME\\s+CPU\\(cores\\)\\s+CPU(\\(%\\)|%)\\s+MEMORY\\(bytes\\)\\s+MEMORY(\\(%\\)|%)");
        assertThat(rows).hasSize(3);
        assertThat(rows.get(1)).matches("worker-1\\s+\\d+m\\s+\\d+%\\s+\\d+Mi\\s+\\d+%");
        assertThat(rows.get(2)).startsWith("worker-2");
    }

    @Test
    @Order(3)
    void kubectlTopPodsShowsPodsAndTheirContainers() throws Exception {
        Result top = kubectl("top", "pods", "-n", "shop");
        assertThat(top.exitCode()).as(top.describe()).isZero();
        List<String> rows = rows(top.stdout());
        assertThat(rows.getFirst()).matches("NAME\\s+CPU\\(cores\\)\\s+MEMORY\\(bytes\\)");
        assertThat(rows.subList(1, rows.size())).satisfiesExactly(
                r -> assertThat(r).matches("web-1\\s+\\d+m\\s+\\d+Mi"),
                r -> assertThat(r).matches("web-2\\s+\\d+m\\s+\\d+Mi"));

        Result containers = kubectl("top", "pod", "web-1", "-n", "shop", "--containers");
        assertThat(containers.exitCode()).as(containers.describe()).isZero();
        assertThat(containers.stdout()).contains("app").contains("proxy");

        Result all = kubectl("top", "pods", "-A", "-l", "app=web");
        assertThat(all.exitCode()).as(all.describe()).isZero();
        assertThat(rows(all.stdout())).hasSize(3);

        Result missing = kubectl("top", "pod", "nope", "-n", "shop");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("pods \"nope\" not found");
    }

    @Test
    @Order(4)
    void anExpiredCertificateMakesTheApiServiceUnavailableSayingSoAndARenewedOneIsPickedUpWithoutARestart() throws Exception {
        Instant expiredAt = Instant.now().minus(Duration.ofHours(1));
        serving(expiredAt.minus(Duration.ofDays(1)), expiredAt).writeTo(crt(), key());
        JsonNode down = awaitAvailable(c -> c.path("status").asText().equals("False"));
        assertThat(down.path("status").asText()).as(down.toString()).isEqualTo("False");
        assertThat(down.path("reason").asText()).isEqualTo("FailedDiscoveryCheck");
        assertThat(down.path("message").asText()).containsIgnoringCase("expired");
        Result failing = kubectl("top", "nodes");
        assertThat(failing.exitCode()).isNotZero();

        serving(Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1))).writeTo(crt(), key());
        JsonNode up = awaitAvailable(c -> c.path("status").asText().equals("True"));
        assertThat(up.path("status").asText()).as(up.toString()).isEqualTo("True");
        Result top = kubectl("top", "nodes");
        assertThat(top.exitCode()).as(top.describe()).isZero();
    }
}
