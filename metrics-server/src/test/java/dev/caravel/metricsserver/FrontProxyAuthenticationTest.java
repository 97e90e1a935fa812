package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.testing.CaravelCluster;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import dev.caravel.tls.TlsContexts;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With a front-proxy CA configured, only the aggregator (a client certificate from that CA, with an
 * allowed name) may speak for a user; everyone else gets 401, health probes excepted.
 */
class FrontProxyAuthenticationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static CaravelCluster cluster;
    private static CertificateAuthority servingCa;
    private static CertificateAuthority frontProxyCa;
    private static MetricsServer server;

    /** Certificates and keys of the test; JUnit deletes it afterwards. */
    @TempDir
    static Path scratch;

    @BeforeAll
    static void start() throws Exception {
        cluster = CaravelCluster.start();
        servingCa = CertificateAuthority.create("serving-ca", Duration.ofDays(1));
        frontProxyCa = CertificateAuthority.create("front-proxy-ca", Duration.ofDays(1));
        Path directory = Files.createDirectories(scratch.resolve("front-proxy"));
        servingCa.issueServing(List.of("localhost"), List.of("127.0.0.1"), Instant.now().minusSeconds(60),
                Instant.now().plus(Duration.ofDays(1))).writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
        server = new MetricsServer(MetricsServer.Config.loopback(directory.resolve("tls.crt"), directory.resolve("tls.key"),
                ApiClient.Config.of(cluster.url())).withFrontProxy(
                        new FrontProxy(List.of(frontProxyCa.certificate()), Set.of("front-proxy-client"))));
        server.start();
    }

    @AfterAll
    static void stop() {
        server.close();
        cluster.close();
    }

    private static HttpResponse<String> get(IssuedCertificate clientCertificate, String path, String user) throws Exception {
        var context = clientCertificate == null ? TlsContexts.client(List.of(servingCa.certificate()), null, null)
                : TlsContexts.client(List.of(servingCa.certificate()), clientCertificate.key(), List.of(clientCertificate.certificate()));
        try (HttpClient http = HttpClient.newBuilder().sslContext(context).build()) {
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path));
            if (user != null) {
                request.header("X-Remote-User", user);
            }
            return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static IssuedCertificate client(CertificateAuthority authority, String name) {
        return authority.issueClient(name, List.of(), Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofDays(1)));
    }

    @Test
    void theAggregatorsCertificateWithAUserIsServed() throws Exception {
        HttpResponse<String> nodes = get(client(frontProxyCa, "front-proxy-client"), "/apis/metrics.k8s.io/v1beta1/nodes", "alice");
        assertThat(nodes.statusCode()).isEqualTo(200);
        assertThat(JSON.readTree(nodes.body()).path("kind").asText()).isEqualTo("NodeMetricsList");
    }

    @Test
    void withoutACertificateOrWithAnotherNameOrWithoutAUserTheAnswerIsUnauthorized() throws Exception {
        for (HttpResponse<String> refused : List.of(
                get(null, "/apis/metrics.k8s.io/v1beta1/nodes", "alice"),
                get(client(frontProxyCa, "someone-else"), "/apis/metrics.k8s.io/v1beta1/nodes", "alice"),
                get(client(frontProxyCa, "front-proxy-client"), "/apis/metrics.k8s.io/v1beta1/nodes", null),
                get(null, "/metrics", null))) {
            assertThat(refused.statusCode()).isEqualTo(401);
            JsonNode status = JSON.readTree(refused.body());
            assertThat(status.path("reason").asText()).isEqualTo("Unauthorized");
            assertThat(status.path("message").asText()).isEqualTo("Unauthorized");
        }
    }

    @Test
    void aCertificateFromAnotherAuthorityAuthenticatesNobody() throws Exception {
        // Client certificates are asked for, not required: an untrusted one leaves the connection anonymous.
        IssuedCertificate stranger = client(CertificateAuthority.create("stranger-ca", Duration.ofDays(1)), "front-proxy-client");
        assertThat(get(stranger, "/apis/metrics.k8s.io/v1beta1/nodes", "alice").statusCode()).isEqualTo(401);
    }

    @Test
    void healthProbesNeedNoCertificate() throws Exception {
        assertThat(get(null, "/healthz", null).statusCode()).isEqualTo(200);
        assertThat(get(null, "/livez", null).statusCode()).isEqualTo(200);
    }
}
