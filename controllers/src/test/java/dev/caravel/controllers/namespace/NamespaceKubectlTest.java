package dev.caravel.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import dev.caravel.controllers.ControllerTestCluster;
import dev.caravel.controllers.client.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real kubectl deletes a namespace and, waiting as it does by default, sees it gone. */
class NamespaceKubectlTest {

    @TempDir
    static Path dir;

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static NamespaceController controller;
    private static ClientCommand kubectl;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start();
        kubectl = ClientCommand.kubectl(cluster.cluster().kubeconfigPath(), dir.resolve("home"));
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
        assertThat(deleted.stdout()).contains("namespace \"x\" deleted");

        Result get = kubectl("get", "ns", "x");
        assertThat(get.exitCode()).as(get.describe()).isNotZero();
        assertThat(get.stderr()).contains("NotFound");
        Result configmaps = kubectl("get", "configmap", "settings", "-n", "x");
        assertThat(configmaps.exitCode()).as(configmaps.describe()).isNotZero();
        assertThat(configmaps.stderr()).contains("NotFound");
    }

    static Result kubectl(String... args) throws Exception {
        return kubectl.run(args);
    }

    static Result ok(String... args) throws Exception {
        return kubectl(args).requireSuccess();
    }
}
