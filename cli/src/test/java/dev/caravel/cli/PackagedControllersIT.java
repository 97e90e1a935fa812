package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The controllers in a process of their own ({@code caravel controllers}), against a packaged
 * server started with {@code --no-controllers}, reading the kubeconfig the server wrote: a
 * namespace deleted while no controller runs stays Terminating, and is emptied and finalized once
 * the standalone controllers start.
 */
class PackagedControllersIT {

    @TempDir
    Path dir;

    @Test
    void theStandaloneNamespaceControllerFinishesADeletionTheServerAloneLeavesTerminating() throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        PackagedServer server = PackagedServer.start(data, PackagedServer.freePort(), "--no-controllers");
        Process controllers = null;
        Path controllersLog = dir.resolve("controllers.log");
        try {
            ClientCommand kubectl = ClientCommand.kubectl(server.kubeconfig(), dir.resolve("home"));
            ok(kubectl.run("create", "namespace", "standalone"));
            ok(kubectl.run("create", "configmap", "settings", "-n", "standalone", "--from-literal=k=v"));
            ok(kubectl.run("delete", "namespace", "standalone", "--wait=false"));
            Thread.sleep(1000);
            assertThat(ok(kubectl.run("get", "namespace", "standalone", "-o", "jsonpath={.status.phase}")).stdout())
                    .as("no controller runs in the server").isEqualTo("Terminating");

            String java = ProcessHandle.current().info().command().orElse("java");
            controllers = new ProcessBuilder(List.of(java, "-Xmx256m", "-jar", PackagedServer.jar().toString(), "controllers",
                    "--kubeconfig", server.kubeconfig().toString(), "--controllers", "namespace-controller",
                    "--namespace-deletion-latch", "0"))
                    .redirectErrorStream(true).redirectOutput(controllersLog.toFile()).start();

            Result waited = kubectl.run("wait", "--for=delete", "namespace/standalone", "--timeout=60s");
            assertThat(waited.exitCode()).as(waited + "\ncontrollers' log:\n" + Files.readString(controllersLog)).isZero();
            assertThat(Files.readString(controllersLog)).contains("caravel controllers: running namespace-controller against "
                    + server.url());

            controllers.destroy(); // SIGTERM
            assertThat(controllers.waitFor(Duration.ofSeconds(30).toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(controllers.exitValue()).as(Files.readString(controllersLog)).isZero();
        } finally {
            if (controllers != null && controllers.isAlive()) {
                controllers.destroyForcibly().waitFor();
            }
            server.stop();
        }
    }

    private static Result ok(Result result) {
        assertThat(result.exitCode()).as(result.toString()).isZero();
        return result;
    }
}
