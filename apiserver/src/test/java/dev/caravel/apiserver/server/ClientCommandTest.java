package dev.caravel.apiserver.server;

import dev.caravel.apiserver.server.ClientCommand.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The runner every end-to-end test drives kubectl and helm through, checked with the real kubectl. */
class ClientCommandTest {

    private static LoopbackServer server;
    private static ClientCommand kubectl;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start();
        kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aManifestOnStdinReachesTheCommandAndItsReportComesBackOnStdout() throws Exception {
        Result created = kubectl.runWithInput("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: piped
                  namespace: default
                """, "apply", "-f", "-");

        assertThat(created.succeeded()).as(created.describe()).isTrue();
        assertThat(created.stdout()).isEqualTo("configmap/piped created\n");
        assertThat(created.command()).startsWith(ClientBinaries.kubectl(), "--kubeconfig")
                .endsWith("apply", "-f", "-");
    }

    @Test
    void aFailureKeepsItsErrorOnStderrAndRequireSuccessDescribesIt() throws Exception {
        Result missing = kubectl.run("get", "configmap", "absent");

        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.stdout()).isEmpty();
        assertThat(missing.stderr()).contains("configmaps \"absent\" not found");
        assertThatThrownBy(missing::requireSuccess).isInstanceOf(AssertionError.class)
                .hasMessageContaining("get configmap absent")
                .hasMessageContaining("exit 1")
                .hasMessageContaining("configmaps \"absent\" not found");
    }

    @Test
    void theCommandKeepsItsCachesInThePrivateHome() throws Exception {
        kubectl.run("api-resources").requireSuccess();

        assertThat(dir.resolve("home/.kube/cache/discovery")).as("kubectl's discovery cache").isDirectory();
    }

    @Test
    void aBackgroundCommandWritesItsOutputToTheFileAsItComes() throws Exception {
        kubectl.run("create", "configmap", "watched").requireSuccess();
        Path out = dir.resolve("watch.txt");
        Process watch = kubectl.start(out, "get", "configmap", "watched", "-w", "-o", "name", "--request-timeout=30s");
        try {
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!Files.readString(out).contains("configmap/watched") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(Files.readString(out)).contains("configmap/watched");
            assertThat(watch.isAlive()).as("a watch runs until it is ended").isTrue();
        } finally {
            watch.destroy();
            watch.waitFor();
        }
    }
}
