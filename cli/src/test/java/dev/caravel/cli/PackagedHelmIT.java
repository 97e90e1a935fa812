package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real helm against the packaged jar: a chart holding a Namespace, Deployment, Service,
 * ConfigMap and Secret is installed, upgraded, rolled back, listed, inspected and uninstalled, and
 * kubectl sees each step's objects. Helm keeps its release history in Secrets, so this also checks
 * that what helm wrote reads back as helm expects.
 */
class PackagedHelmIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static PackagedServer server;
    private static ClientCommand helm;
    private static ClientCommand kubectl;
    private static Path chart;

    @BeforeAll
    static void startThePackagedServerAndWriteTheChart() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        server = PackagedServer.start(data, PackagedServer.freePort());
        helm = ClientCommand.helm(server.kubeconfig(), dir.resolve("home"));
        kubectl = ClientCommand.kubectl(server.kubeconfig(), dir.resolve("home"));
        chart = DemoChart.writeTo(dir.resolve("webshop"));
    }

    @AfterAll
    static void stopIt() throws Exception {
        if (server != null) {
            assertThat(server.stop()).as("exit code after SIGTERM; log:\n" + server.log()).isZero();
        }
    }

    @Test
    void helmInstallsUpgradesRollsBackListsAndUninstallsAChart() throws Exception {
        Result installed = ok(helm.run("install", "shop", chart.toString()));
        assertThat(installed.stdout()).contains("NAME: shop", "STATUS: deployed", "REVISION: 1");
        assertThat(configValue("1")).isEqualTo("greeting=hello");
        assertThat(ok(kubectl.run("get", "namespace", "shop-extras", "-o", "name")).stdout().strip())
                .isEqualTo("namespace/shop-extras");
        assertThat(ok(kubectl.run("get", "deployment,service,secret", "-n", "default",
                "-l", "app.kubernetes.io/instance=shop", "-o", "name")).stdout().lines().toList())
                .containsExactlyInAnyOrder("deployment.apps/shop-web", "service/shop-web", "secret/shop-credentials");

        Result upgraded = ok(helm.run("upgrade", "shop", chart.toString(), "--set", "greeting=bonjour",
                "--set", "replicas=3"));
        assertThat(upgraded.stdout()).contains("STATUS: deployed", "REVISION: 2");
        assertThat(configValue("2")).isEqualTo("greeting=bonjour");
        assertThat(ok(kubectl.run("get", "deployment", "shop-web", "-n", "default",
                "-o", "jsonpath={.spec.replicas}")).stdout()).isEqualTo("3");

        Result rolledBack = ok(helm.run("rollback", "shop", "1"));
        assertThat(rolledBack.stdout()).contains("Rollback was a success");
        assertThat(configValue("1")).isEqualTo("greeting=hello");

        JsonNode releases = JSON.readTree(ok(helm.run("list", "-o", "json")).stdout());
        assertThat(releases).hasSize(1);
        assertThat(releases.get(0).path("name").asText()).isEqualTo("shop");
        assertThat(releases.get(0).path("revision").asText()).isEqualTo("3");
        assertThat(releases.get(0).path("status").asText()).isEqualTo("deployed");

        JsonNode history = JSON.readTree(ok(helm.run("history", "shop", "-o", "json")).stdout());
        assertThat(history).hasSize(3);
        assertThat(ok(helm.run("status", "shop")).stdout()).contains("STATUS: deployed", "REVISION: 3");

        Result uninstalled = ok(helm.run("uninstall", "shop", "--wait"));
        assertThat(uninstalled.stdout()).contains("release \"shop\" uninstalled");
        assertThat(ok(helm.run("list", "-q")).stdout()).isBlank();
        assertThat(ok(kubectl.run("get", "deployment,service,configmap,secret", "-n", "default",
                "-l", "app.kubernetes.io/instance=shop", "-o", "name")).stdout()).isBlank();
    }

    /** The chart's ConfigMap's one entry, read back through kubectl; {@code revision} names the helm revision expected. */
    private static String configValue(String revision) throws Exception {
        JsonNode configMap = JSON.readTree(ok(kubectl.run("get", "configmap", "shop-settings", "-n", "default",
                "-o", "json")).stdout());
        assertThat(configMap.at("/metadata/annotations/meta.helm.sh~1release-name").asText())
                .as("at helm revision " + revision).isEqualTo("shop");
        return configMap.at("/data/settings.properties").asText().strip();
    }

    private static Result ok(Result result) {
        assertThat(result.succeeded()).as(result.describe() + "\nserver log:\n" + server.log()).isTrue();
        return result;
    }

    /** A small chart, written by the test: what `helm create` would give, cut to the five kinds asked for. */
    static final class DemoChart {
        private DemoChart() {}

        static Path writeTo(Path root) throws IOException {
            Files.createDirectories(root.resolve("templates"));
            Files.writeString(root.resolve("Chart.yaml"), """
                    apiVersion: v2
                    name: webshop
                    description: A web front with its settings and credentials
                    version: 0.3.0
                    appVersion: "1.27"
                    """);
            Files.writeString(root.resolve("values.yaml"), """
                    replicas: 1
                    greeting: hello
                    image: nginx:1.27
                    """);
            Files.writeString(root.resolve("templates/_helpers.tpl"), """
                    {{- define "webshop.labels" -}}
                    app.kubernetes.io/name: webshop
                    app.kubernetes.io/instance: {{ .Release.Name }}
                    app.kubernetes.io/managed-by: {{ .Release.Service }}
                    helm.sh/chart: {{ .Chart.Name }}-{{ .Chart.Version }}
                    {{- end }}
                    """);
            Files.writeString(root.resolve("templates/namespace.yaml"), """
                    apiVersion: v1
                    kind: Namespace
                    metadata:
                      name: {{ .Release.Name }}-extras
                      labels:
                        {{- include "webshop.labels" . | nindent 4 }}
                    """);
            Files.writeString(root.resolve("templates/configmap.yaml"), """
                    apiVersion: v1
                    kind: ConfigMap
                    metadata:
                      name: {{ .Release.Name }}-settings
                      labels:
                        {{- include "webshop.labels" . | nindent 4 }}
                    data:
                      settings.properties: |
                        greeting={{ .Values.greeting }}
                    """);
            Files.writeString(root.resolve("templates/secret.yaml"), """
                    apiVersion: v1
                    kind: Secret
                    metadata:
                      name: {{ .Release.Name }}-credentials
                      labels:
                        {{- include "webshop.labels" . | nindent 4 }}
                    type: Opaque
                    stringData:
                      api-key: not-a-real-key
                    """);
            Files.writeString(root.resolve("templates/deployment.yaml"), """
                    apiVersion: apps/v1
                    kind: Deployment
                    metadata:
                      name: {{ .Release.Name }}-web
                      labels:
                        {{- include "webshop.labels" . | nindent 4 }}
                    spec:
                      replicas: {{ .Values.replicas }}
                      selector:
                        matchLabels:
                          app.kubernetes.io/instance: {{ .Release.Name }}
                      template:
                        metadata:
                          labels:
                            {{- include "webshop.labels" . | nindent 8 }}
                          annotations:
                            checksum/config: {{ .Values.greeting | sha256sum }}
                        spec:
                          containers:
                            - name: web
                              image: {{ .Values.image }}
                              ports:
                                - containerPort: 80
                              envFrom:
                                - configMapRef:
                                    name: {{ .Release.Name }}-settings
                    """);
            Files.writeString(root.resolve("templates/service.yaml"), """
                    apiVersion: v1
                    kind: Service
                    metadata:
                      name: {{ .Release.Name }}-web
                      labels:
                        {{- include "webshop.labels" . | nindent 4 }}
                    spec:
                      selector:
                        app.kubernetes.io/instance: {{ .Release.Name }}
                      ports:
                        - port: 80
                          targetPort: 80
                    """);
            return root;
        }
    }
}
