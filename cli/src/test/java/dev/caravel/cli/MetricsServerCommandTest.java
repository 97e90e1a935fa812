package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.TlsContexts;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class MetricsServerCommandTest {

    @TempDir
    static Path dir;

    private static KeyValueStore store;
    private static CaravelServer apiServer;
    private static CertificateAuthority authority;
    private static Path kubeconfig;

    @BeforeAll
    static void startAnApiServerAndIssueACertificate() throws Exception {
        store = MemoryStore.open();
        apiServer = new CaravelServer(CaravelServer.Config.loopback(0, store));
        apiServer.start();
        kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), apiServer.url());
        authority = CertificateAuthority.create("metrics-cli-ca", Duration.ofDays(1));
        authority.issueServing(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(dir.resolve("tls.crt"), dir.resolve("tls.key"));
    }

    @AfterAll
    static void stop() {
        apiServer.close();
        store.close();
    }

    @Test
    void theCommandServesOverHttpsUntilAskedToStopThenExitsZero() throws Exception {
        MetricsServerCommand command = new MetricsServerCommand();
        StringWriter out = new StringWriter();
        CommandLine line = new CommandLine(command).setOut(new PrintWriter(out, true));
        AtomicInteger exit = new AtomicInteger(-1);
        Thread running = Thread.ofPlatform().start(() -> exit.set(line.execute("--kubeconfig", kubeconfig.toString(),
                "--secure-port", "0", "--tls-cert-file", dir.resolve("tls.crt").toString(),
                "--tls-private-key-file", dir.resolve("tls.key").toString(), "--metric-resolution", "10s")));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (command.running() == null && running.isAlive() && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(command.running()).as("the metrics server started").isNotNull();
        String url = command.running().url();
        assertThat(out.toString()).contains("Caravel metrics server is ready: " + url).contains(apiServer.url());

        try (HttpClient http = HttpClient.newBuilder().sslContext(TlsContexts.client(List.of(authority.certificate()), null, null)).build()) {
            HttpResponse<String> nodes = http.send(HttpRequest.newBuilder(URI.create(url + "/apis/metrics.k8s.io/v1beta1/nodes")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(nodes.statusCode()).isEqualTo(200);
            assertThat(nodes.body()).contains("\"kind\":\"NodeMetricsList\"");
        }

        command.requestStop();
        running.join(Duration.ofSeconds(20));
        assertThat(running.isAlive()).isFalse();
        assertThat(exit.get()).isZero();
    }

    @Test
    void aMissingCertificateStopsTheCommandWithTheReason() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MetricsServerCommand()).setErr(new PrintWriter(err, true)).execute(
                "--kubeconfig", kubeconfig.toString(), "--secure-port", "0",
                "--tls-cert-file", dir.resolve("absent.crt").toString(), "--tls-private-key-file", dir.resolve("tls.key").toString());
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).startsWith("caravel metrics-server: the serving certificate: cannot read").contains("absent.crt");
    }

    @Test
    void allowedNamesWithoutAFrontProxyCaAreRefused() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MetricsServerCommand()).setErr(new PrintWriter(err, true)).execute(
                "--kubeconfig", kubeconfig.toString(), "--tls-cert-file", "a", "--tls-private-key-file", "b",
                "--requestheader-allowed-names", "front-proxy-client");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--requestheader-allowed-names needs --requestheader-client-ca-file");
    }

    @Test
    void aMetricResolutionThatIsNotADurationIsRefused() {
        StringWriter err = new StringWriter();
        int exit = new CommandLine(new MetricsServerCommand()).setErr(new PrintWriter(err, true)).execute(
                "--kubeconfig", kubeconfig.toString(), "--tls-cert-file", "a", "--tls-private-key-file", "b",
                "--metric-resolution", "often");
        assertThat(exit).isEqualTo(1);
        assertThat(err.toString()).contains("--metric-resolution: invalid duration \"often\"");
    }
}
