package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.TlsContexts;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code caravel metrics-server} from the packaged jar, as its own process beside {@code caravel
 * serve}: it reads the cluster through the kubeconfig serve wrote, answers over HTTPS with the
 * certificate it was given, and exits 0 on SIGTERM.
 */
class PackagedMetricsServerIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static PackagedServer caravel;
    private static CertificateAuthority authority;

    @BeforeAll
    static void startCaravel() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        caravel = PackagedServer.start(data, PackagedServer.freePort());
        authority = CertificateAuthority.create("packaged-metrics-ca", Duration.ofDays(1));
        authority.issueServing(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
        try (HttpClient http = HttpClient.newHttpClient()) {
            http.send(HttpRequest.newBuilder(URI.create(caravel.url() + "/api/v1/nodes"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("""
                            {"apiVersion":"v1","kind":"Node","metadata":{"name":"worker-1"},
                             "status":{"capacity":{"cpu":"8","memory":"16Gi"}}}""")).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    @AfterAll
    static void stopCaravel() throws Exception {
        if (caravel != null) {
            caravel.stop();
        }
    }

    @Test
    void theMetricsServerProcessServesNodeMetricsOverHttpsAndExitsZeroOnSigterm() throws Exception {
        int port = PackagedServer.freePort();
        Path log = dir.resolve("metrics-server.log");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process process = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", PackagedServer.jar().toString(), "metrics-server",
                "--kubeconfig", caravel.kubeconfig().toString(), "--secure-port", Integer.toString(port),
                "--tls-cert-file", dir.resolve("tls.crt").toString(), "--tls-private-key-file", dir.resolve("tls.key").toString()))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (HttpClient https = HttpClient.newBuilder().sslContext(TlsContexts.client(List.of(authority.certificate()), null, null))
                .connectTimeout(Duration.ofSeconds(2)).build()) {
            String url = "https://127.0.0.1:" + port;
            awaitReady(https, url, process, log);
            HttpResponse<String> nodes = https.send(HttpRequest.newBuilder(URI.create(url + "/apis/metrics.k8s.io/v1beta1/nodes/worker-1"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(nodes.statusCode()).as(Files.readString(log)).isEqualTo(200);
            JsonNode node = JSON.readTree(nodes.body());
            assertThat(node.path("kind").asText()).isEqualTo("NodeMetrics");
            assertThat(node.path("usage").path("cpu").asText()).isNotEmpty();
        } finally {
            process.destroy();
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
        assertThat(process.exitValue()).as("exit code after SIGTERM; log:\n" + Files.readString(log)).isZero();
        assertThat(Files.readString(log)).contains("Caravel metrics server is ready: https://127.0.0.1:" + port)
                .contains("serving certificate " + dir.resolve("tls.crt") + " loaded, expires");
    }

    private static void awaitReady(HttpClient https, String url, Process process, Path log) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            assertThat(process.isAlive()).as("metrics-server exited early; log:\n" + Files.readString(log)).isTrue();
            try {
                HttpResponse<String> ready = https.send(HttpRequest.newBuilder(URI.create(url + "/readyz")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (ready.statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still starting
            }
            assertThat(System.nanoTime()).as("not ready within 30s; log:\n" + Files.readString(log)).isLessThan(deadline);
            Thread.sleep(100);
        }
    }
}
