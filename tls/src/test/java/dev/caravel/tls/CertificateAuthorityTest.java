package dev.caravel.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.cert.CertificateExpiredException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CertificateAuthorityTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("test-ca", Duration.ofDays(1));

    @Test
    void aClientTrustingTheCaCompletesAHandshakeWithAServingCertificateItIssued() throws Exception {
        IssuedCertificate serving = CA.issueServing(List.of("localhost"), List.of("127.0.0.1"),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));

        String answer = handshake(serving, TlsContexts.client(List.of(CA.certificate()), null, null), "localhost");

        assertThat(answer).isEqualTo("pong");
    }

    @Test
    void anExpiredServingCertificateFailsTheHandshakeWithAnExpiryCause() throws Exception {
        IssuedCertificate expired = CA.issueServing(List.of("localhost"), List.of(),
                Instant.now().minus(Duration.ofDays(2)), Instant.now().minus(Duration.ofDays(1)));

        assertThatThrownBy(() -> handshake(expired, TlsContexts.client(List.of(CA.certificate()), null, null), "localhost"))
                .isInstanceOf(SSLHandshakeException.class)
                .hasRootCauseInstanceOf(CertificateExpiredException.class);
    }

    @Test
    void aClientTrustingAnotherCaRefusesTheServer() {
        IssuedCertificate serving = CA.issueServing(List.of("localhost"), List.of(),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
        CertificateAuthority other = CertificateAuthority.create("other-ca", Duration.ofDays(1));

        assertThatThrownBy(() -> handshake(serving, TlsContexts.client(List.of(other.certificate()), null, null), "localhost"))
                .isInstanceOf(SSLHandshakeException.class);
    }

    @Test
    void skippingVerificationAcceptsACertificateForAnotherHost() throws Exception {
        IssuedCertificate serving = CA.issueServing(List.of("elsewhere.example"), List.of(),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));

        assertThat(handshake(serving, TlsContexts.trustingAnyServer(null, null), "localhost")).isEqualTo("pong");
    }

    @Test
    void certificatesAndKeysSurviveAPemRoundTripThroughFiles(@TempDir Path dir) throws Exception {
        IssuedCertificate client = CA.issueClient("alice", List.of("system:masters"),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
        Path cert = dir.resolve("tls.crt");
        Path key = dir.resolve("tls.key");

        client.writeTo(cert, key);

        assertThat(Pem.certificates(Files.readString(cert))).containsExactly(client.certificate());
        assertThat(Pem.privateKey(Files.readString(key)).getEncoded()).isEqualTo(client.key().getEncoded());
        assertThat(client.certificate().getSubjectX500Principal().getName()).isEqualTo("CN=alice,O=system:masters");
    }

    @Test
    void textWithoutACertificateIsRefusedWithAClearMessage() {
        assertThatThrownBy(() -> Pem.certificates("hello"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PEM certificate");
        assertThatThrownBy(() -> Pem.privateKey(CA.certificatePem()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no PEM private key");
    }

    /** Serves one TLS connection that answers "pong"; returns what the client read. */
    private static String handshake(IssuedCertificate serving, SSLContext client, String host) throws Exception {
        SSLContext server = SSLContext.getInstance("TLS");
        server.init(TlsContexts.presenting(serving.key(), List.of(serving.certificate())), null, null);
        try (SSLServerSocket listener = (SSLServerSocket) server.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            CompletableFuture<Void> served = CompletableFuture.runAsync(() -> {
                try (SSLSocket socket = (SSLSocket) listener.accept(); OutputStream out = socket.getOutputStream()) {
                    out.write("pong".getBytes());
                    out.flush();
                } catch (Exception ignored) {
                    // the client refused the handshake: what some tests expect
                }
            });
            try (SSLSocket socket = (SSLSocket) client.getSocketFactory().createSocket(host, listener.getLocalPort())) {
                var parameters = socket.getSSLParameters();
                parameters.setEndpointIdentificationAlgorithm("HTTPS");
                socket.setSSLParameters(parameters);
                socket.startHandshake();
                InputStream in = socket.getInputStream();
                return new String(in.readNBytes(4));
            } finally {
                served.get();
            }
        }
    }
}
