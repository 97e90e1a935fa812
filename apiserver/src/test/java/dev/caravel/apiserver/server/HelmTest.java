package dev.caravel.apiserver.server;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real helm binary against an in-process server: install, upgrade, list, status, rollback, uninstall. */
class HelmTest {

    private static LoopbackServer server;
    private static ClientCommand helm;

    @TempDir
    static Path dir;

    static final String CHART = """
            apiVersion: v2
            name: demo
            version: 0.1.0
            """;

    static final String TEMPLATES = """
            apiVersion: v1
            kind: Namespace
            metadata:
              name: {{ .Release.Name }}-extra
            ---
            apiVersion: v1
            kind: ConfigMap
            metadata:
              name: {{ .Release.Name }}-cm
            data:
              a: "{{ .Values.a | default "1" }}"
            ---
            apiVersion: v1
            kind: Secret
            metadata:
              name: {{ .Release.Name }}-secret
            stringData:
              password: hunter2
            ---
            apiVersion: v1
            kind: Service
            metadata:
              name: {{ .Release.Name }}-svc
            spec:
              selector: {app: demo}
              ports: [{port: 80}]
            ---
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: {{ .Release.Name }}-web
            spec:
              replicas: 1
              selector: {matchLabels: {app: demo}}
              template:
                metadata: {labels: {app: demo}}
                spec:
                  containers: [{name: web, image: "nginx:1.27"}]
            """;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start();
        helm = ClientCommand.helm(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
        Files.createDirectories(dir.resolve("chart/templates"));
        Files.writeString(dir.resolve("chart/Chart.yaml"), CHART);
        Files.writeString(dir.resolve("chart/templates/all.yaml"), TEMPLATES);
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
    void helmInstallsUpgradesRollsBackAndUninstallsAChart() throws Exception {
        String chart = dir.resolve("chart").toString();
        assertThat(helm("install", "demo", chart)).contains("STATUS: deployed");
        assertThat(helm("upgrade", "demo", chart, "--set", "a=2")).contains("STATUS: deployed");
        assertThat(helm("list")).contains("demo").contains("deployed");
        assertThat(helm("status", "demo")).contains("REVISION: 2");
        assertThat(helm("rollback", "demo", "1")).contains("Rollback was a success");
        assertThat(helm("uninstall", "demo")).contains("release \"demo\" uninstalled");
        assertThat(helm("list", "--all")).doesNotContain("demo");
    }
}
