package dev.caravel.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.apiserver.server.ClientBinaries;
import dev.caravel.controllers.ControllerTestCluster;
import dev.caravel.controllers.client.ApiClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl deletes a namespace and, waiting as it does by default, sees it gone. */
class NamespaceKubectlTest {

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @TempDir
    static Path dir;

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static NamespaceController controller;
    private static Path kubeconfig;
    private static String kubectl;

    @BeforeAll
    static void start() throws Exception {
        kubectl = ClientBinaries.kubectl();
        cluster = ControllerTestCluster.start();
        kubeconfig = cluster.cluster().kubeconfigPath();
        client = cluster.client();
        controller = cluster.closing(new NamespaceController(client,
                NamespaceController.Options.defaults().withMaxBackoff(Duration.ofMillis(500))));
        controller.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void kubectlDeleteNamespaceReturnsOnceTheNamespaceAndItsContentAreGone() throws Exception {
        ok("create", "namespace", "x");
        ok("create", "configmap", "settings", "-n", "x", "--from-literal=k=v");

        Result deleted = ok("delete", "namespace", "x", "--timeout=30s");
        assertThat(deleted.out()).contains("namespace \"x\" deleted");

        Result get = kubectl("get", "ns", "x");
        assertThat(get.exit()).as(get.toString()).isNotZero();
        assertThat(get.err()).contains("NotFound");
        Result configmaps = kubectl("get", "configmap", "settings", "-n", "x");
        assertThat(configmaps.exit()).as(configmaps.toString()).isNotZero();
        assertThat(configmaps.err()).contains("NotFound");
    }

    static Result kubectl(String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(kubectl);
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", dir.toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Process process = pb.start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Result ok(String... args) throws Exception {
        Result r = kubectl(args);
        assertThat(r.exit()).as("kubectl " + String.join(" ", args) + "\n" + r).isZero();
        return r;
    }
}
