package dev.caravel.apiserver.apiextensions;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.ClientBinaries;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real helm: a chart whose crds/ folder holds a CRD and whose templates hold one of its custom resources. */
class HelmCustomResourceTest {

    private static KeyValueStore store;
    private static CaravelServer server;
    private static Path kubeconfig;
    private static String helm;

    @TempDir
    static Path dir;

    static final String CRD = """
            apiVersion: apiextensions.k8s.io/v1
            kind: CustomResourceDefinition
            metadata:
              name: backups.ops.example.com
            spec:
              group: ops.example.com
              scope: Namespaced
              names: {plural: backups, kind: Backup}
              versions:
              - name: v1
                served: true
                storage: true
                schema:
                  openAPIV3Schema:
                    type: object
                    properties:
                      spec:
                        type: object
                        properties:
                          schedule: {type: string}
                          keep: {type: integer, default: 7}
            """;

    static final String TEMPLATE = """
            apiVersion: ops.example.com/v1
            kind: Backup
            metadata:
              name: {{ .Release.Name }}-nightly
            spec:
              schedule: {{ .Values.schedule | quote }}
            """;

    @BeforeAll
    static void start() throws Exception {
        helm = ClientBinaries.helm();
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), server.url());
        Files.createDirectories(dir.resolve("chart/templates"));
        Files.createDirectories(dir.resolve("chart/crds"));
        Files.writeString(dir.resolve("chart/Chart.yaml"), "apiVersion: v2\nname: backups\nversion: 0.1.0\n");
        Files.writeString(dir.resolve("chart/values.yaml"), "schedule: \"0 2 * * *\"\n");
        Files.writeString(dir.resolve("chart/crds/backups.yaml"), CRD);
        Files.writeString(dir.resolve("chart/templates/backup.yaml"), TEMPLATE);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    static String helm(String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(helm, "--kubeconfig", kubeconfig.toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().put("HOME", dir.toString());
        pb.environment().put("HELM_CACHE_HOME", dir.resolve("cache").toString());
        pb.environment().put("HELM_CONFIG_HOME", dir.resolve("config").toString());
        pb.environment().put("HELM_DATA_HOME", dir.resolve("data").toString());
        Process process = pb.start();
        process.getOutputStream().close();
        byte[] output = process.getInputStream().readAllBytes();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
        }
        String text = new String(output, StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("helm " + String.join(" ", args) + "\n" + text).isZero();
        return text;
    }

    @Test
    void helmInstallsTheCrdThenItsCustomResourceAndUpgradesAndUninstallsIt() throws Exception {
        String chart = dir.resolve("chart").toString();
        assertThat(helm("install", "ops", chart, "--namespace", "default")).contains("STATUS: deployed");
        var backups = server.registry().store(new dev.caravel.apiserver.resource.GroupVersion("ops.example.com", "v1"), "backups");
        var nightly = backups.get("default", "ops-nightly");
        assertThat(nightly.at("/spec/schedule").asText()).isEqualTo("0 2 * * *");
        assertThat(nightly.at("/spec/keep").asInt()).isEqualTo(7);

        assertThat(helm("upgrade", "ops", chart, "--namespace", "default", "--set", "schedule=0 4 * * *"))
                .contains("STATUS: deployed");
        assertThat(backups.get("default", "ops-nightly").at("/spec/schedule").asText()).isEqualTo("0 4 * * *");

        assertThat(helm("uninstall", "ops", "--namespace", "default")).contains("release \"ops\" uninstalled");
        assertThat(backups.list("default", dev.caravel.apiserver.request.ListOptions.defaults()).path("items")).isEmpty();
    }
}
