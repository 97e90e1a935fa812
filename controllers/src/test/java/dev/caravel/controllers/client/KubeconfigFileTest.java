package dev.caravel.controllers.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import dev.caravel.tls.TlsContexts;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubeconfigFileTest {

    private static final CertificateAuthority CA = CertificateAuthority.create("cluster-ca", Duration.ofDays(1));

    @TempDir
    Path dir;

    @Test
    void aClientFromAKubeconfigTrustsTheClusterCaAndPresentsItsClientCertificate() throws Exception {
        IssuedCertificate serving = CA.issueServing(List.of("localhost"), List.of("127.0.0.1"),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
        IssuedCertificate admin = CA.issueClient("kubernetes-admin", List.of("system:masters"),
                Instant.now().minusSeconds(60), Instant.now().plus(Duration.ofHours(1)));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(TlsContexts.presenting(serving.key(), List.of(serving.certificate())),
                TlsContexts.trusting(List.of(CA.certificate())), null);
        try (SSLServerSocket listener = (SSLServerSocket) serverContext.getServerSocketFactory()
                .createServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setNeedClientAuth(true);
            CompletableFuture<String> clientName = CompletableFuture.supplyAsync(() -> answerOnce(listener));
            Path kubeconfig = write("""
                    apiVersion: v1
                    kind: Config
                    current-context: admin@cluster
                    contexts:
                    - name: admin@cluster
                      context: {cluster: cluster, user: admin}
                    clusters:
                    - name: cluster
                      cluster:
                        server: https://127.0.0.1:%d
                        certificate-authority: ca.crt
                    users:
                    - name: admin
                      user:
                        client-certificate-data: %s
                        client-key-data: %s
                    """.formatted(listener.getLocalPort(), base64(admin.certificatePem()), base64(admin.keyPem())));
            Files.writeString(dir.resolve("ca.crt"), CA.certificatePem());

            try (ApiClient client = new ApiClient(ApiClient.Config.fromKubeconfig(kubeconfig, null))) {
                JsonNode versions = client.get("/api");
                assertThat(versions.path("versions").get(0).asText()).isEqualTo("v1");
            }
            assertThat(clientName.get()).isEqualTo("CN=kubernetes-admin,O=system:masters");
        }
    }

    @Test
    void aNamedContextSelectsItsClusterAndToken() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "s3cret\n");
        Path kubeconfig = write("""
                current-context: a
                contexts:
                - {name: a, context: {cluster: one, user: u1}}
                - {name: b, context: {cluster: two, user: u2}}
                clusters:
                - {name: one, cluster: {server: "http://127.0.0.1:1"}}
                - {name: two, cluster: {server: "https://127.0.0.1:2", insecure-skip-tls-verify: true}}
                users:
                - {name: u1, user: {token: abc}}
                - {name: u2, user: {tokenFile: token}}
                """);

        ApiClient.Config b = ApiClient.Config.fromKubeconfig(kubeconfig, "b");

        assertThat(b.baseUrl()).hasToString("https://127.0.0.1:2");
        assertThat(b.bearerToken()).isEqualTo("s3cret");
        assertThat(b.sslContext()).isNotNull();
        assertThat(ApiClient.Config.fromKubeconfig(kubeconfig, null).bearerToken()).isEqualTo("abc");
    }

    @Test
    void aMissingContextOrAnExecPluginIsRefusedNamingTheFileAndEntry() throws Exception {
        Path kubeconfig = write("""
                current-context: a
                contexts:
                - {name: a, context: {cluster: one, user: u1}}
                clusters:
                - {name: one, cluster: {server: "https://127.0.0.1:1"}}
                users:
                - {name: u1, user: {exec: {command: aws}}}
                """);

        assertThatThrownBy(() -> ApiClient.Config.fromKubeconfig(kubeconfig, "nope"))
                .hasMessage(kubeconfig + ": context \"nope\" not found");
        assertThatThrownBy(() -> ApiClient.Config.fromKubeconfig(kubeconfig, null))
                .hasMessageContaining("exec or auth-provider plugin");
    }

    private Path write(String yaml) throws Exception {
        Path file = dir.resolve("kubeconfig");
        Files.writeString(file, yaml);
        return file;
    }

    private static String base64(String text) {
        return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.US_ASCII));
    }

    /** Answers one HTTP request with an APIVersions document; returns the client certificate's subject. */
    private static String answerOnce(SSLServerSocket listener) {
        try (SSLSocket socket = (SSLSocket) listener.accept()) {
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
            for (String line = in.readLine(); line != null && !line.isEmpty(); line = in.readLine()) {
                // the request's headers
            }
            byte[] body = "{\"kind\":\"APIVersions\",\"versions\":[\"v1\"]}".getBytes(StandardCharsets.US_ASCII);
            OutputStream out = socket.getOutputStream();
            out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: " + body.length
                    + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body);
            out.flush();
            return ((java.security.cert.X509Certificate) socket.getSession().getPeerCertificates()[0])
                    .getSubjectX500Principal().getName();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
