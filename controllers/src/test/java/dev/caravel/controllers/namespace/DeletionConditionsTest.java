package dev.caravel.controllers.namespace;

import static dev.caravel.controllers.ControllerTestCluster.awaitTrue;
import static dev.caravel.controllers.ControllerTestCluster.isGone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import dev.caravel.controllers.ControllerTestCluster;
import dev.caravel.controllers.client.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The namespace controller against a real server, through a proxy that makes discovery of one
 * group fail as an unavailable aggregated API does, or makes deletes fail: what could be deleted
 * is, the namespace's conditions say what could not in Kubernetes' words (read back with kubectl
 * too), and the namespace goes once the fault is gone. The latch is off here: only Kubernetes'
 * behaviour is under test.
 */
class DeletionConditionsTest {

    private static final ObjectMapper json = new ObjectMapper();

    @TempDir
    static Path home;

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static FaultyApiProxy proxy;
    private static ApiClient throughProxy;
    private static NamespaceController controller;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start();
        client = cluster.client();
        proxy = new FaultyApiProxy(cluster.cluster().url());
        throughProxy = new ApiClient(ApiClient.Config.of(proxy.url()));
        controller = cluster.closing(new NamespaceController(throughProxy, NamespaceController.Options.defaults()
                .withMaxBackoff(Duration.ofMillis(300)).withDeletionLatch(Duration.ZERO)));
        controller.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
        if (throughProxy != null) {
            throughProxy.close();
        }
        if (proxy != null) {
            proxy.close();
        }
    }

    @AfterEach
    void heal() {
        proxy.heal();
    }

    @Test
    void aGroupWhoseDiscoveryFailsKeepsItsContentAndTheNamespaceWhileEverythingElseIsDeleted() throws Exception {
        String ns = "partial";
        createNamespace(ns);
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}"""));
        createDeployment(ns, "web");
        proxy.failDiscoveryOf("apps", "v1");

        client.delete("/api/v1/namespaces/" + ns);

        awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns + "/configmaps/settings")
                && conditionOf(ns, "NamespaceDeletionDiscoveryFailure").path("status").asText().equals("True"));
        JsonNode failure = conditionOf(ns, "NamespaceDeletionDiscoveryFailure");
        assertThat(failure.path("reason").asText()).isEqualTo("DiscoveryFailed");
        assertThat(failure.path("message").asText()).isEqualTo("Discovery failed for some groups, 1 failing: unable to retrieve "
                + "the complete list of server APIs: apps/v1: stale GroupVersion discovery: apps/v1");
        assertThat(conditionOf(ns, "NamespaceDeletionContentFailure").path("status").asText()).isEqualTo("False");
        Thread.sleep(1000); // several passes with backoff
        assertThat(client.get("/apis/apps/v1/namespaces/" + ns + "/deployments/web").path("metadata").path("name").asText())
                .as("content of the group that failed discovery is not touched").isEqualTo("web");
        JsonNode namespace = client.get("/api/v1/namespaces/" + ns);
        assertThat(namespace.path("status").path("phase").asText()).isEqualTo("Terminating");
        assertThat(namespace.path("status").path("conditions").toString())
                .as("the latch is off: only Kubernetes' conditions").doesNotContain("NamespaceDeletionBlocked");

        proxy.heal();

        awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
        assertThat(isGone(client, "/apis/apps/v1/namespaces/" + ns + "/deployments/web")).isTrue();
    }

    @Test
    void contentThatCannotBeDeletedAndFinalizersHoldingContentAreReportedAndKubectlShowsIt() throws Exception {
        String ns = "stuck";
        createNamespace(ns);
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}"""));
        client.post("/api/v1/namespaces/" + ns + "/secrets", obj("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"token"},"stringData":{"k":"v"}}"""));
        proxy.failDeletesUnder("/api/v1/namespaces/" + ns + "/secrets");

        client.delete("/api/v1/namespaces/" + ns);

        awaitTrue(() -> conditionOf(ns, "NamespaceDeletionContentFailure").path("status").asText().equals("True")
                && conditionOf(ns, "NamespaceFinalizersRemaining").path("status").asText().equals("True"));
        JsonNode contentFailure = conditionOf(ns, "NamespaceDeletionContentFailure");
        assertThat(contentFailure.path("reason").asText()).isEqualTo("ContentDeletionFailed");
        assertThat(contentFailure.path("message").asText())
                .isEqualTo("Failed to delete all resource types, 1 remaining: Internal error occurred: injected fault");
        JsonNode remaining = conditionOf(ns, "NamespaceContentRemaining");
        assertThat(remaining.path("reason").asText()).isEqualTo("SomeResourcesRemain");
        assertThat(remaining.path("message").asText()).isEqualTo("Some resources are remaining: configmaps. has 1 resource instances");
        JsonNode finalizers = conditionOf(ns, "NamespaceFinalizersRemaining");
        assertThat(finalizers.path("reason").asText()).isEqualTo("SomeFinalizerRemain");
        assertThat(finalizers.path("message").asText()).isEqualTo("Some finalizers are remaining: example.com/hold in 1 resource instances");

        Result yaml = kubectl("get", "namespace", ns, "-o", "yaml");
        assertThat(yaml.exitCode()).as(yaml.describe()).isZero();
        assertThat(yaml.stdout()).contains("type: NamespaceDeletionContentFailure", "reason: ContentDeletionFailed",
                "message: 'Some finalizers are remaining: example.com/hold in 1 resource instances'",
                "type: NamespaceDeletionDiscoveryFailure", "phase: Terminating");

        String finalizersSince = finalizers.path("lastTransitionTime").asText();
        Thread.sleep(1100); // conditions' times are in seconds
        proxy.heal();
        awaitTrue(() -> conditionOf(ns, "NamespaceDeletionContentFailure").path("status").asText().equals("False")
                && isGone(client, "/api/v1/namespaces/" + ns + "/secrets/token"));
        JsonNode recovered = conditionOf(ns, "NamespaceDeletionContentFailure");
        assertThat(recovered.path("reason").asText()).isEqualTo("ContentDeleted");
        assertThat(recovered.path("message").asText()).isEqualTo("All content successfully deleted, may be waiting on finalization");
        assertThat(recovered.path("lastTransitionTime").asText()).isGreaterThan(contentFailure.path("lastTransitionTime").asText());
        assertThat(conditionOf(ns, "NamespaceFinalizersRemaining").path("lastTransitionTime").asText())
                .as("a condition whose status did not change keeps its time").isEqualTo(finalizersSince);

        ObjectNode held = (ObjectNode) client.get("/api/v1/namespaces/" + ns + "/configmaps/held");
        ((ObjectNode) held.get("metadata")).putArray("finalizers");
        client.put("/api/v1/namespaces/" + ns + "/configmaps/held", held);
        awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
    }

    @Test
    void podsInTheirGracePeriodAreWaitedForAsRemainingContentNotReportedAsAFailure() throws Exception {
        String ns = "graceful";
        createNamespace(ns);
        client.post("/api/v1/namespaces/" + ns + "/pods", obj("""
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"worker"},
                 "spec":{"nodeName":"node-1","terminationGracePeriodSeconds":4,"containers":[{"name":"w","image":"busybox"}]}}"""));

        client.delete("/api/v1/namespaces/" + ns);

        awaitTrue(() -> conditionOf(ns, "NamespaceContentRemaining").path("status").asText().equals("True"));
        assertThat(conditionOf(ns, "NamespaceContentRemaining").path("message").asText())
                .isEqualTo("Some resources are remaining: pods. has 1 resource instances");
        assertThat(conditionOf(ns, "NamespaceDeletionContentFailure").path("status").asText())
                .as("a pod within its grace period is expected to remain").isEqualTo("False");
        assertThat(client.get("/api/v1/namespaces/" + ns + "/pods/worker").path("metadata").hasNonNull("deletionTimestamp")).isTrue();

        // the kubelet's part: the pod goes when its grace period ends
        try (var kubelet = new dev.caravel.controllers.podtermination.PodTerminationController(client)) {
            kubelet.start();
            awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
        }
    }

    // ---- helpers ----

    static void createNamespace(String name) throws Exception {
        client.post("/api/v1/namespaces", obj("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(name)));
    }

    static void createDeployment(String ns, String name) throws Exception {
        client.post("/apis/apps/v1/namespaces/" + ns + "/deployments", obj("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%1$s"}},
                  "template":{"metadata":{"labels":{"app":"%1$s"}},
                   "spec":{"containers":[{"name":"%1$s","image":"nginx"}]}}}}""".formatted(name)));
    }

    static JsonNode conditionOf(String ns, String type) throws Exception {
        for (JsonNode c : client.get("/api/v1/namespaces/" + ns).path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return json.createObjectNode();
    }

    static ObjectNode obj(String text) throws Exception {
        return (ObjectNode) json.readTree(text);
    }

    private static Result kubectl(String... args) throws Exception {
        return ClientCommand.kubectl(cluster.cluster().kubeconfigPath(), home).run(args);
    }
}
