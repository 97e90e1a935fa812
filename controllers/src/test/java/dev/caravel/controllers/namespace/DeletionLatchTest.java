package dev.caravel.controllers.namespace;

import static dev.caravel.controllers.ControllerTestCluster.awaitTrue;
import static dev.caravel.controllers.ControllerTestCluster.isGone;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.controllers.ControllerTestCluster;
import dev.caravel.controllers.client.ApiClient;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deletion latch against a real server, with a limit of two seconds: a deletion blocked for
 * longer (discovery of apps/v1 failing, as when the aggregated API of incident 1 was down) is not
 * finished when the block lifts; the namespace says why and since when, an Event says it too, and
 * nothing more is deleted until the confirmation annotation, also across a controller restart.
 */
class DeletionLatchTest {

    private static final ObjectMapper json = new ObjectMapper();
    private static final Duration LIMIT = Duration.ofSeconds(2);

    @TempDir
    static Path home;

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static FaultyApiProxy proxy;
    private static ApiClient throughProxy;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start();
        client = cluster.client();
        proxy = new FaultyApiProxy(cluster.cluster().url());
        throughProxy = new ApiClient(ApiClient.Config.of(proxy.url()));
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

    private static NamespaceController controller() {
        NamespaceController controller = new NamespaceController(throughProxy, NamespaceController.Options.defaults()
                .withMaxBackoff(Duration.ofMillis(300)).withDeletionLatch(LIMIT));
        controller.start();
        return controller;
    }

    @Test
    void aDeletionBlockedLongerThanTheLimitWaitsForAConfirmationAfterTheBlockLifts() throws Exception {
        String ns = "latched";
        createNamespace(ns);
        createDeployment(ns, "web");
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"settings"}}"""));
        proxy.failDiscoveryOf("apps", "v1");
        try (NamespaceController controller = controller()) {
            client.delete("/api/v1/namespaces/" + ns);

            awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns + "/configmaps/settings")
                    && conditionOf(ns, DeletionLatch.BLOCKED).path("status").asText().equals("True"));
            awaitTrue(() -> conditionOf(ns, DeletionLatch.LATCHED).path("status").asText().equals("True"));

            JsonNode blocked = conditionOf(ns, DeletionLatch.BLOCKED);
            JsonNode latched = conditionOf(ns, DeletionLatch.LATCHED);
            assertThat(latched.path("reason").asText()).isEqualTo("BlockedTooLong");
            assertThat(latched.path("message").asText())
                    .contains("The deletion of namespace latched has been blocked since " + blocked.path("lastTransitionTime").asText())
                    .contains("longer than the latch's 2s")
                    .contains("unable to retrieve the complete list of server APIs: apps/v1: stale GroupVersion discovery: apps/v1")
                    .contains("caravel.dev/confirm-deletion");
            assertThat(Duration.between(Instant.parse(blocked.path("lastTransitionTime").asText()),
                    Instant.parse(latched.path("lastTransitionTime").asText()))).isGreaterThanOrEqualTo(LIMIT);
            JsonNode event = eventFor(ns, DeletionLatch.LATCHED_EVENT);
            assertThat(event.path("type").asText()).isEqualTo("Warning");
            assertThat(event.path("message").asText()).isEqualTo(latched.path("message").asText());
            assertThat(event.path("involvedObject").path("kind").asText()).isEqualTo("Namespace");
            assertThat(event.path("source").path("component").asText()).isEqualTo("namespace-controller");
            String described = kubectl("describe", "namespace", ns);
            assertThat(described).as("describe shows the conditions").contains("NamespaceDeletionLatched", "BlockedTooLong");
            String events = kubectl("get", "events", "-n", "default",
                    "--field-selector", "involvedObject.kind=Namespace,involvedObject.name=" + ns);
            assertThat(events).contains("Warning", "NamespaceDeletionLatched", "namespace/" + ns, "has been blocked since");

            proxy.heal();
            Thread.sleep(1500); // many passes' worth of backoff
            assertThat(client.get("/apis/apps/v1/namespaces/" + ns + "/deployments/web").path("metadata").path("name").asText())
                    .as("the block lifted, but the latch holds the content").isEqualTo("web");
            assertThat(client.get("/api/v1/namespaces/" + ns).path("spec").path("finalizers").toString()).contains("kubernetes");

            annotate(ns, Instant.parse(latched.path("lastTransitionTime").asText()).minusSeconds(60).toString());
            Thread.sleep(1000);
            assertThat(isGone(client, "/apis/apps/v1/namespaces/" + ns + "/deployments/web"))
                    .as("a confirmation older than the latch confirms nothing").isFalse();

            annotate(ns, Instant.now().toString());
            awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
            assertThat(isGone(client, "/apis/apps/v1/namespaces/" + ns + "/deployments/web")).isTrue();
            assertThat(eventFor(ns, DeletionLatch.CONFIRMED_EVENT).path("type").asText()).isEqualTo("Normal");
        }
    }

    @Test
    void blockedSinceIsKeptInTheNamespaceSoARestartedControllerLatchesInsteadOfDeleting() throws Exception {
        String ns = "restarted";
        createNamespace(ns);
        createDeployment(ns, "api");
        proxy.failDiscoveryOf("apps", "v1");
        try (NamespaceController first = controller()) {
            client.delete("/api/v1/namespaces/" + ns);
            awaitTrue(() -> conditionOf(ns, DeletionLatch.BLOCKED).path("status").asText().equals("True"));
        }
        // the controller is down while the block lifts and the limit passes
        proxy.heal();
        Thread.sleep(LIMIT.plusMillis(500).toMillis());

        try (NamespaceController second = controller()) {
            awaitTrue(() -> conditionOf(ns, DeletionLatch.LATCHED).path("status").asText().equals("True"));
            Thread.sleep(500);
            assertThat(isGone(client, "/apis/apps/v1/namespaces/" + ns + "/deployments/api")).isFalse();

            annotate(ns, Instant.now().toString());
            awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
        }
    }

    @Test
    void aBlockThatLiftsWithinTheLimitFinishesTheDeletionAsKubernetesWould() throws Exception {
        String ns = "brief";
        createNamespace(ns);
        createDeployment(ns, "web");
        proxy.failDiscoveryOf("apps", "v1");
        try (NamespaceController controller = controller()) {
            client.delete("/api/v1/namespaces/" + ns);
            awaitTrue(() -> conditionOf(ns, DeletionLatch.BLOCKED).path("status").asText().equals("True"));
            proxy.heal();
            awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
            assertThat(isGone(client, "/apis/apps/v1/namespaces/" + ns + "/deployments/web")).isTrue();
        }
    }

    // ---- helpers ----

    /** kubectl's output, with the cluster's kubeconfig; fails on a non-zero exit. */
    private static String kubectl(String... args) throws Exception {
        return ClientCommand.kubectl(cluster.cluster().kubeconfigPath(), home).run(args).requireSuccess().stdout();
    }

    private static void annotate(String ns, String time) throws Exception {
        ArrayNode patch = json.createArrayNode();
        JsonNode annotations = client.get("/api/v1/namespaces/" + ns).path("metadata").path("annotations");
        if (annotations.isMissingNode() || annotations.isNull()) {
            patch.addObject().put("op", "add").put("path", "/metadata/annotations").putObject("value")
                    .put(DeletionLatch.CONFIRM_ANNOTATION, time);
        } else {
            patch.addObject().put("op", "add").put("path", "/metadata/annotations/caravel.dev~1confirm-deletion").put("value", time);
        }
        client.jsonPatch("/api/v1/namespaces/" + ns, patch);
    }

    /** The Event, waited for: it is recorded just after the condition is written. */
    private static JsonNode eventFor(String ns, String reason) throws Exception {
        awaitTrue(() -> findEvent(ns, reason) != null);
        return findEvent(ns, reason);
    }

    private static JsonNode findEvent(String ns, String reason) throws Exception {
        for (JsonNode event : client.get("/api/v1/namespaces/default/events").path("items")) {
            if (event.path("involvedObject").path("name").asText().equals(ns) && event.path("reason").asText().equals(reason)) {
                return event;
            }
        }
        return null;
    }

    private static void createNamespace(String name) throws Exception {
        client.post("/api/v1/namespaces", obj("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(name)));
    }

    private static void createDeployment(String ns, String name) throws Exception {
        client.post("/apis/apps/v1/namespaces/" + ns + "/deployments", obj("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"%1$s"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"%1$s"}},
                  "template":{"metadata":{"labels":{"app":"%1$s"}},
                   "spec":{"containers":[{"name":"%1$s","image":"nginx"}]}}}}""".formatted(name)));
    }

    private static JsonNode conditionOf(String ns, String type) throws Exception {
        for (JsonNode c : client.get("/api/v1/namespaces/" + ns).path("status").path("conditions")) {
            if (c.path("type").asText().equals(type)) {
                return c;
            }
        }
        return json.createObjectNode();
    }

    private static ObjectNode obj(String text) throws Exception {
        return (ObjectNode) json.readTree(text);
    }
}
