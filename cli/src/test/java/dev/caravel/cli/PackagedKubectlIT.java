package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's newcomer path, on the packaged jar: {@code caravel serve}, then the real kubectl
 * with the kubeconfig it wrote, on an application's whole manifest. The in-process KubectlTest
 * covers more cases; this one is about the jar as shipped (its shaded classpath, its logback
 * configuration, the RocksDB store, the controllers running beside the server). The methods run
 * in order on one server: each step starts from what the one before left.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PackagedKubectlIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NS = AppManifest.NAMESPACE;

    @TempDir
    static Path dir;

    private static PackagedServer server;
    private static ClientCommand kubectl;

    @BeforeAll
    static void startThePackagedServer() throws Exception {
        Path data = dir.resolve("data");
        Files.createDirectories(data);
        server = PackagedServer.start(data, PackagedServer.freePort());
        kubectl = ClientCommand.kubectl(server.kubeconfig(), dir.resolve("home"));
    }

    @AfterAll
    static void stopIt() throws Exception {
        if (server != null) {
            int exit = server.stop();
            assertThat(exit).as("caravel serve's exit code after SIGTERM; log:\n" + server.log()).isZero();
        }
    }

    @Test
    @Order(1)
    void clientSideApplyCreatesEveryObjectOfTheManifestAndASecondApplyChangesNothing() throws Exception {
        Result first = ok(kubectl.runWithInput(AppManifest.orders(2), "apply", "-f", "-"));

        assertThat(first.stdout()).contains(
                "namespace/shop created",
                "serviceaccount/orders created",
                "configmap/orders-config created",
                "secret/orders-db created",
                "deployment.apps/orders created",
                "service/orders created",
                "role.rbac.authorization.k8s.io/orders-config-reader created",
                "rolebinding.rbac.authorization.k8s.io/orders-config-reader created",
                "ingress.networking.k8s.io/orders created",
                "poddisruptionbudget.policy/orders created");

        Result second = ok(kubectl.runWithInput(AppManifest.orders(2), "apply", "-f", "-"));
        // The disruption budget's selector has patch strategy "replace", so kubectl's three-way
        // patch for it is never empty and it says "configured" every time, against
        // kube-apiserver as here; every other object is unchanged.
        assertThat(second.stdout().lines().toList())
                .hasSize(10)
                .filteredOn(line -> !line.startsWith("poddisruptionbudget.policy/"))
                .allSatisfy(line -> assertThat(line).endsWith(" unchanged"));
    }

    @Test
    @Order(2)
    void serverSideApplyTakesTheReplicasOverAndRecordsKubectlAsTheirManager() throws Exception {
        Result applied = ok(kubectl.runWithInput(AppManifest.orders(3),
                "apply", "--server-side", "--force-conflicts", "-f", "-"));
        assertThat(applied.stdout()).contains("deployment.apps/orders serverside-applied");

        JsonNode deployment = getJson("deployment", "orders", "--show-managed-fields");
        assertThat(deployment.at("/spec/replicas").asInt()).isEqualTo(3);
        List<String> appliers = new ArrayList<>();
        deployment.at("/metadata/managedFields").forEach(entry -> {
            if (entry.path("operation").asText().equals("Apply")) {
                appliers.add(entry.path("manager").asText());
            }
        });
        // kubectl applies as "kubectl"; moving an object from client-side apply, it also applies the
        // last-applied annotation alone as "kubectl-last-applied", as against kube-apiserver.
        assertThat(appliers).contains("kubectl");
    }

    @Test
    @Order(3)
    void getPrintsJsonYamlWideAndFiltersByLabelAndField() throws Exception {
        JsonNode list = JSON.readTree(ok(kubectl.run("get", "deployments,services,configmaps", "-n", NS,
                "-l", "app.kubernetes.io/name=orders", "-o", "json")).stdout());
        List<String> kindsAndNames = new ArrayList<>();
        list.path("items").forEach(item -> kindsAndNames.add(item.path("kind").asText() + "/"
                + item.at("/metadata/name").asText()));
        assertThat(kindsAndNames).containsExactlyInAnyOrder(
                "Deployment/orders", "Service/orders", "ConfigMap/orders-config");

        String yaml = ok(kubectl.run("get", "configmap", "orders-config", "-n", NS, "-o", "yaml")).stdout();
        assertThat(yaml).contains("kind: ConfigMap", "name: orders-config", "application.properties: |");

        String wide = ok(kubectl.run("get", "deployment", "orders", "-n", NS, "-o", "wide")).stdout();
        assertThat(wide.lines().findFirst().orElseThrow())
                .contains("NAME", "READY", "CONTAINERS", "IMAGES", "SELECTOR");
        assertThat(wide).contains("ghcr.io/example/orders:2.14.3", "app.kubernetes.io/name=orders");

        String byField = ok(kubectl.run("get", "configmaps", "-n", NS,
                "--field-selector", "metadata.name=orders-config", "-o", "name")).stdout();
        assertThat(byField.lines().toList()).containsExactly("configmap/orders-config");
        String service = ok(kubectl.run("get", "service", "orders", "-n", NS,
                "-o", "jsonpath={.spec.clusterIP}")).stdout();
        assertThat(service).matches("10\\.(9[6-9]|1[01][0-9])\\.\\d+\\.\\d+");
    }

    @Test
    @Order(4)
    void describeShowsTheDeploymentsSpecInKubectlsLayout() throws Exception {
        String described = ok(kubectl.run("describe", "deployment", "orders", "-n", NS)).stdout();
        assertThat(described).contains("Name:", "orders", "Namespace:", "shop", "Replicas:",
                "Image:", "ghcr.io/example/orders:2.14.3", "Service Account:");
    }

    @Test
    @Order(5)
    void strategicMergeAndJsonPatchesEachChangeWhatTheySay() throws Exception {
        ok(kubectl.run("patch", "deployment", "orders", "-n", NS, "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"orders\",\"env\":[{\"name\":\"FEATURE_X\",\"value\":\"on\"}]}]}}}}"));
        JsonNode env = getJson("deployment", "orders").at("/spec/template/spec/containers/0/env");
        List<String> names = new ArrayList<>();
        env.forEach(e -> names.add(e.path("name").asText()));
        assertThat(names).as("a strategic merge patch merges the env list by name")
                .containsExactlyInAnyOrder("DB_PASSWORD", "FEATURE_X");

        ok(kubectl.run("patch", "configmap", "orders-config", "-n", NS, "--type", "merge",
                "-p", "{\"data\":{\"LOG_FORMAT\":null,\"LOG_LEVEL\":\"debug\"}}"));
        JsonNode data = getJson("configmap", "orders-config").path("data");
        assertThat(data.has("LOG_FORMAT")).as("merge patch null removes the key").isFalse();
        assertThat(data.path("LOG_LEVEL").asText()).isEqualTo("debug");

        ok(kubectl.run("patch", "deployment", "orders", "-n", NS, "--type", "json",
                "-p", "[{\"op\":\"replace\",\"path\":\"/spec/revisionHistoryLimit\",\"value\":2}]"));
        assertThat(getJson("deployment", "orders").at("/spec/revisionHistoryLimit").asInt()).isEqualTo(2);
    }

    @Test
    @Order(6)
    void labelAnnotateScaleAndWaitForTheNewReplicaCount() throws Exception {
        ok(kubectl.run("label", "deployment", "orders", "-n", NS, "tier=backend"));
        ok(kubectl.run("annotate", "deployment", "orders", "-n", NS, "owner=team-orders"));
        ok(kubectl.run("annotate", "deployment", "orders", "-n", NS, "--overwrite", "owner=team-payments"));
        ok(kubectl.run("scale", "deployment", "orders", "-n", NS, "--replicas=5"));

        Result waited = ok(kubectl.run("wait", "deployment/orders", "-n", NS,
                "--for=jsonpath={.spec.replicas}=5", "--timeout=20s"));
        assertThat(waited.stdout()).contains("deployment.apps/orders condition met");
        JsonNode deployment = getJson("deployment", "orders");
        assertThat(deployment.at("/metadata/labels/tier").asText()).isEqualTo("backend");
        assertThat(deployment.at("/metadata/annotations/owner").asText()).isEqualTo("team-payments");

        String selected = ok(kubectl.run("get", "deployments", "-n", NS, "-l", "tier=backend", "-o", "name")).stdout();
        assertThat(selected.strip()).isEqualTo("deployment.apps/orders");
    }

    @Test
    @Order(7)
    void discoveryCommandsListTheBuiltInResourcesAndExplainReadsTheirSchema() throws Exception {
        String resources = ok(kubectl.run("api-resources")).stdout();
        assertThat(resources.lines().findFirst().orElseThrow()).contains("NAME", "SHORTNAMES", "APIVERSION", "NAMESPACED", "KIND");
        assertThat(resources).containsPattern("deployments\\s+deploy\\s+apps/v1\\s+true\\s+Deployment")
                .containsPattern("ingresses\\s+ing\\s+networking.k8s.io/v1\\s+true\\s+Ingress");

        List<String> versions = ok(kubectl.run("api-versions")).stdout().lines().toList();
        assertThat(versions).contains("v1", "apps/v1", "networking.k8s.io/v1", "rbac.authorization.k8s.io/v1", "policy/v1");

        String explained = ok(kubectl.run("explain", "deployment.spec.replicas")).stdout();
        assertThat(explained).contains("KIND:", "Deployment", "FIELD:", "replicas", "integer");
    }

    @Test
    @Order(8)
    void deleteRemovesTheManifestsObjectsAndTheNamespaceAndWaitSeesThemGone() throws Exception {
        Path manifest = dir.resolve("orders.yaml");
        Files.writeString(manifest, AppManifest.orders(5));
        Result deleted = ok(kubectl.run("delete", "-f", manifest.toString(), "--wait=true", "--timeout=60s"));
        assertThat(deleted.stdout()).contains("deployment.apps \"orders\" deleted", "namespace \"shop\" deleted");

        ok(kubectl.run("wait", "--for=delete", "namespace/shop", "--timeout=30s"));
        Result gone = kubectl.run("get", "configmap", "orders-config", "-n", NS);
        assertThat(gone.exitCode()).isNotZero();
        assertThat(gone.stderr()).contains("NotFound");
    }

    private static JsonNode getJson(String resource, String name, String... extra) throws Exception {
        List<String> args = new ArrayList<>(List.of("get", resource, name, "-n", NS, "-o", "json"));
        args.addAll(List.of(extra));
        return JSON.readTree(ok(kubectl.run(args.toArray(String[]::new))).stdout());
    }

    private static Result ok(Result result) {
        assertThat(result.succeeded()).as(result.describe() + "\nserver log:\n" + server.log()).isTrue();
        return result;
    }
}
