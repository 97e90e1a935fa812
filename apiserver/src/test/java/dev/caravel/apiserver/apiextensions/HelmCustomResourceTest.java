package dev.caravel.apiserver.apiextensions;

import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.LoopbackServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real helm: a chart whose crds/ folder holds a CRD and whose templates hold one of its custom resources. */
class HelmCustomResourceTest {

    private static LoopbackServer server;
    private static ClientCommand helm;

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
        server = LoopbackServer.start();
        helm = ClientCommand.helm(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
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
    }

    /** What helm printed to stdout (its report of the release); fails unless it exited 0. */
    static String helm(String... args) throws Exception {
        return helm.run(args).requireSuccess().stdout();
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
