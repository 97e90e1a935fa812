package dev.caravel.controllers.namespace;

import static dev.caravel.controllers.ControllerTestCluster.awaitTrue;
import static dev.caravel.controllers.ControllerTestCluster.isGone;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.ControllerTestCluster;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The namespace controller against a real server in-process, through the API only. */
class NamespaceControllerTest {

    private static final ObjectMapper json = new ObjectMapper();

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static NamespaceController controller;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start();
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
    void deletingANamespaceDeletesItsContentAndThenTheNamespace() throws Exception {
        String ns = "content";
        createNamespace(ns);
        for (int i = 0; i < 3; i++) {
            client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                    {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm-%d"},"data":{"k":"v"}}""".formatted(i)));
        }
        client.post("/api/v1/namespaces/" + ns + "/secrets", obj("""
                {"apiVersion":"v1","kind":"Secret","metadata":{"name":"s"},"stringData":{"k":"v"}}"""));
        client.post("/apis/apps/v1/namespaces/" + ns + "/deployments", obj("""
                {"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
                 "spec":{"replicas":1,"selector":{"matchLabels":{"app":"web"}},
                  "template":{"metadata":{"labels":{"app":"web"}},
                   "spec":{"containers":[{"name":"web","image":"nginx"}]}}}}"""));
        client.post("/api/v1/namespaces/" + ns + "/services", obj("""
                {"apiVersion":"v1","kind":"Service","metadata":{"name":"web"},
                 "spec":{"selector":{"app":"web"},"ports":[{"port":80}]}}"""));

        client.delete("/api/v1/namespaces/" + ns);

        awaitTrue(() -> client.get("/api/v1/namespaces/" + ns + "/configmaps").path("items").isEmpty()
                && client.get("/api/v1/namespaces/" + ns + "/secrets").path("items").isEmpty()
                && client.get("/apis/apps/v1/namespaces/" + ns + "/deployments").path("items").isEmpty()
                && client.get("/api/v1/namespaces/" + ns + "/services").path("items").isEmpty());
        awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
    }

    @Test
    void anObjectWithItsOwnFinalizerHoldsTheNamespaceTerminatingUntilTheFinalizerIsRemoved() throws Exception {
        String ns = "held";
        createNamespace(ns);
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}"""));
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"free"}}"""));

        client.delete("/api/v1/namespaces/" + ns);

        awaitTrue(() -> client.get("/api/v1/namespaces/" + ns + "/configmaps/held").path("metadata").hasNonNull("deletionTimestamp")
                && isGone(client, "/api/v1/namespaces/" + ns + "/configmaps/free"));
        Thread.sleep(1500); // several backoff rounds of the controller
        JsonNode namespace = client.get("/api/v1/namespaces/" + ns);
        assertThat(namespace.path("status").path("phase").asText()).isEqualTo("Terminating");
        assertThat(namespace.path("spec").path("finalizers").toString()).contains("kubernetes");

        ObjectNode held = (ObjectNode) client.get("/api/v1/namespaces/" + ns + "/configmaps/held");
        ((ObjectNode) held.get("metadata")).putArray("finalizers");
        client.put("/api/v1/namespaces/" + ns + "/configmaps/held", held);

        awaitTrue(() -> isGone(client, "/api/v1/namespaces/" + ns));
    }

    @Test
    void aNamespaceThatIsNotDeletedIsLeftAlone() throws Exception {
        String ns = "kept";
        createNamespace(ns);
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"cm"}}"""));
        Thread.sleep(500);
        assertThat(client.get("/api/v1/namespaces/" + ns + "/configmaps/cm").path("metadata").path("name").asText()).isEqualTo("cm");
        assertThatThrownBy(() -> client.get("/api/v1/namespaces/nope")).isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).isNotFound()).isTrue());
    }

    private static void createNamespace(String name) throws Exception {
        client.post("/api/v1/namespaces", obj("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(name)));
    }

    private static ObjectNode obj(String text) throws Exception {
        return (ObjectNode) json.readTree(text);
    }
}
