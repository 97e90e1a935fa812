package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.testing.CaravelCluster;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import dev.caravel.tls.TlsContexts;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * The serving certificate as incident 1 needs it handled: replaced on disk, served to the next
 * connection within seconds and logged; expired, logged as such and visible on /metrics.
 */
class CertificateReloadTest {

    private static CaravelCluster cluster;
    private static CertificateAuthority authority;

    /** Certificates and keys of the test; JUnit deletes it afterwards. */
    @TempDir
    Path scratch;

    @BeforeAll
    static void start() {
        cluster = CaravelCluster.start();
        authority = CertificateAuthority.create("metrics-reload-ca", Duration.ofDays(30));
    }

    @AfterAll
    static void stop() {
        cluster.close();
    }

    private static IssuedCertificate serving(Instant notBefore, Instant notAfter) {
        return authority.issueServing(List.of("localhost"), List.of("127.0.0.1"), notBefore, notAfter);
    }

    private static MetricsServer startServer(Path directory) throws Exception {
        MetricsServer server = new MetricsServer(new MetricsServer.Config("127.0.0.1", 0, directory.resolve("tls.crt"),
                directory.resolve("tls.key"), ApiClient.Config.of(cluster.url()), null, Duration.ofMillis(200), null));
        server.start();
        return server;
    }

    /** The certificate a brand-new connection is shown, trusting anything so an expired one is seen too. */
    private static X509Certificate presented(MetricsServer server) throws Exception {
        java.net.URI url = java.net.URI.create(server.url());
        try (SSLSocket socket = (SSLSocket) TlsContexts.trustingAnyServer(null, null).getSocketFactory()
                .createSocket(url.getHost(), url.getPort())) {
            socket.startHandshake();
            return (X509Certificate) socket.getSession().getPeerCertificates()[0];
        }
    }

    private static String scrape(MetricsServer server) throws Exception {
        var http = java.net.http.HttpClient.newBuilder().sslContext(TlsContexts.trustingAnyServer(null, null)).build();
        return http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/metrics")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString()).body();
    }

    private static ListAppender<ILoggingEvent> captureLogs() {
        ListAppender<ILoggingEvent> appender = new ListAppender<>();
        appender.start();
        ((Logger) LoggerFactory.getLogger("metrics-server")).addAppender(appender);
        return appender;
    }

    @Test
    void aCertificateReplacedOnDiskIsServedToNewConnectionsAndLogged() throws Exception {
        Path directory = Files.createDirectories(scratch.resolve("metrics-reload-1"));
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        serving(now.minusSeconds(60), now.plus(Duration.ofDays(1))).writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
        ListAppender<ILoggingEvent> logs = captureLogs();
        try (MetricsServer server = startServer(directory)) {
            X509Certificate first = presented(server);
            assertThat(first.getNotAfter().toInstant()).isEqualTo(now.plus(Duration.ofDays(1)));

            IssuedCertificate renewed = serving(now.minusSeconds(60), now.plus(Duration.ofDays(7)));
            renewed.writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            X509Certificate served = presented(server);
            while (!served.equals(renewed.certificate()) && System.nanoTime() < deadline) {
                Thread.sleep(100);
                served = presented(server);
            }
            assertThat(served).isEqualTo(renewed.certificate());
            assertThat(PrometheusText.value(scrape(server), "metrics_server_serving_certificate_expiration_timestamp_seconds"))
                    .isEqualTo(now.plus(Duration.ofDays(7)).getEpochSecond());
            assertThat(logs.list).extracting(ILoggingEvent::getFormattedMessage)
                    .anySatisfy(line -> assertThat(line).contains(directory.resolve("tls.crt").toString())
                            .contains("expires " + now.plus(Duration.ofDays(7))));
        } finally {
            ((Logger) LoggerFactory.getLogger("metrics-server")).detachAppender(logs);
        }
    }

    @Test
    void aClientOnAKeptAliveConnectionIsMovedToTheNewCertificate() throws Exception {
        Path directory = Files.createDirectories(scratch.resolve("metrics-reload-2"));
        Instant now = Instant.now();
        IssuedCertificate original = serving(now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        original.writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
        try (MetricsServer server = startServer(directory);
             var http = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_1_1)
                     .sslContext(TlsContexts.client(List.of(authority.certificate()), null, null)).build()) {
            var healthz = java.net.http.HttpRequest.newBuilder(java.net.URI.create(server.url() + "/healthz")).build();
            var first = http.send(healthz, java.net.http.HttpResponse.BodyHandlers.ofString());
            assertThat(first.sslSession().orElseThrow().getPeerCertificates()[0]).isEqualTo(original.certificate());

            IssuedCertificate renewed = serving(now.minusSeconds(60), now.plus(Duration.ofDays(3)));
            renewed.writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            java.security.cert.Certificate seen;
            do {
                Thread.sleep(100);
                seen = http.send(healthz, java.net.http.HttpResponse.BodyHandlers.ofString()).sslSession().orElseThrow()
                        .getPeerCertificates()[0];
            } while (!seen.equals(renewed.certificate()) && System.nanoTime() < deadline);
            assertThat(seen).isEqualTo(renewed.certificate());
        }
    }

    @Test
    void aKeyThatDoesNotMatchKeepsTheCertificateInUse() throws Exception {
        Path directory = Files.createDirectories(scratch.resolve("metrics-reload-3"));
        Instant now = Instant.now();
        IssuedCertificate original = serving(now.minusSeconds(60), now.plus(Duration.ofDays(1)));
        original.writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
        try (MetricsServer server = startServer(directory)) {
            // A new certificate written without its key: the pair does not match.
            Files.writeString(directory.resolve("tls.crt"), serving(now, now.plus(Duration.ofDays(2))).certificatePem());
            Thread.sleep(600);
            assertThat(presented(server)).isEqualTo(original.certificate());
            assertThat(PrometheusText.value(scrape(server), "metrics_server_serving_certificate_reloads_total{result=\"failure\"}"))
                    .isEqualTo(1);
        }
    }

    @Test
    void anExpiredCertificateIsLoggedAsExpiredAndItsPastExpiryIsExported() throws Exception {
        Path directory = Files.createDirectories(scratch.resolve("metrics-expired-4"));
        Instant expiredAt = Instant.now().minus(Duration.ofDays(2)).truncatedTo(ChronoUnit.SECONDS);
        serving(expiredAt.minus(Duration.ofDays(30)), expiredAt).writeTo(directory.resolve("tls.crt"), directory.resolve("tls.key"));
        ListAppender<ILoggingEvent> logs = captureLogs();
        try (MetricsServer server = startServer(directory)) {
            double expiry = PrometheusText.value(scrape(server), "metrics_server_serving_certificate_expiration_timestamp_seconds");
            assertThat(expiry).isEqualTo(expiredAt.getEpochSecond()).isLessThan(Instant.now().getEpochSecond());
            assertThat(logs.list).anySatisfy(event -> {
                assertThat(event.getLevel().toString()).isEqualTo("WARN");
                assertThat(event.getFormattedMessage()).contains("EXPIRED at " + expiredAt).contains("tls.crt");
            });
        } finally {
            ((Logger) LoggerFactory.getLogger("metrics-server")).detachAppender(logs);
        }
    }
}
