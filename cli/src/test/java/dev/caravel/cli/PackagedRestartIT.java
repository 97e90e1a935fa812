package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@code caravel serve} wrote survives a stop and a start on the same data directory: SIGTERM
 * shuts it down gracefully (controllers, then the server, then the store) with exit code 0, and a
 * new process on the same directory serves the same objects, with the same uids, resource versions
 * that keep growing, and helm's release history intact.
 */
class PackagedRestartIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private PackagedServer server;

    @AfterEach
    void killWhatIsLeft() throws Exception {
        if (server != null) {
            server.kill();
        }
    }

    @Test
    void objectsAndHelmReleasesSurviveAGracefulStopAndARestartOnTheSameDataDirectory() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        int port = PackagedServer.freePort();
        server = PackagedServer.start(data, port);
        ClientCommand kubectl = ClientCommand.kubectl(server.kubeconfig(), dir.resolve("home"));
        ClientCommand helm = ClientCommand.helm(server.kubeconfig(), dir.resolve("home"));

        ok(kubectl.runWithInput(AppManifest.orders(2), "apply", "-f", "-"));
        ok(helm.run("install", "shop", PackagedHelmIT.DemoChart.writeTo(dir.resolve("webshop")).toString()));
        JsonNode before = configMap(kubectl);
        String defaultServiceAccountBefore = uid(kubectl, "serviceaccount", "default", "shop");

        int exit = server.stop();
        String firstLog = server.log();
        assertThat(exit).as("exit code after SIGTERM; log:\n" + firstLog).isZero();
        assertThat(firstLog).contains("stopping the API server, then the embedded store");

        server = PackagedServer.start(data, port);
        JsonNode after = configMap(kubectl);
        assertThat(after.at("/metadata/uid").asText()).isEqualTo(before.at("/metadata/uid").asText());
        assertThat(after.at("/metadata/resourceVersion").asText()).isEqualTo(before.at("/metadata/resourceVersion").asText());
        assertThat(after.path("data")).isEqualTo(before.path("data"));
        assertThat(uid(kubectl, "serviceaccount", "default", "shop"))
                .as("the controller's default service account is the one created before the restart")
                .isEqualTo(defaultServiceAccountBefore);
        assertThat(ok(kubectl.run("get", "deployment,service,secret,role,rolebinding,ingress,pdb", "-n", "shop",
                "-o", "name")).stdout().lines().toList()).hasSize(7);

        JsonNode releases = JSON.readTree(ok(helm.run("list", "-o", "json")).stdout());
        assertThat(releases).hasSize(1);
        assertThat(releases.get(0).path("status").asText()).isEqualTo("deployed");

        ok(kubectl.run("label", "configmap", "orders-config", "-n", "shop", "restarted=yes"));
        long versionAfterWrite = Long.parseLong(configMap(kubectl).at("/metadata/resourceVersion").asText());
        assertThat(versionAfterWrite).as("resource versions continue after the restart")
                .isGreaterThan(Long.parseLong(before.at("/metadata/resourceVersion").asText()));

        assertThat(server.stop()).as("second exit code; log:\n" + server.log()).isZero();
    }

    private JsonNode configMap(ClientCommand kubectl) throws Exception {
        return JSON.readTree(ok(kubectl.run("get", "configmap", "orders-config", "-n", "shop", "-o", "json")).stdout());
    }

    private String uid(ClientCommand kubectl, String resource, String name, String namespace) throws Exception {
        // The service account controller creates "default" shortly after the namespace: wait for it.
        ok(kubectl.run("wait", "--for=create", resource + "/" + name, "-n", namespace, "--timeout=20s"));
        return ok(kubectl.run("get", resource, name, "-n", namespace, "-o", "jsonpath={.metadata.uid}")).stdout();
    }

    private Result ok(Result result) {
        assertThat(result.succeeded()).as(result.describe() + "\nserver log:\n" + server.log()).isTrue();
        return result;
    }
}
