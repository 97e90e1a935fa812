package dev.caravel.controllers.serviceaccount;

import static dev.caravel.controllers.ControllerTestCluster.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.ControllerTestCluster;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.namespace.NamespaceController;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The service account controller against a real server in-process, with the namespace controller
 * beside it as in {@code caravel serve}, through the API only.
 */
class ServiceAccountControllerTest {

    private static final ObjectMapper json = new ObjectMapper();

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static ServiceAccountController controller;
    private static NamespaceController namespaceController;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start();
        client = cluster.client();
        controller = cluster.closing(new ServiceAccountController(client,
                ServiceAccountController.Options.defaults().withMaxBackoff(Duration.ofMillis(500))));
        controller.start();
        namespaceController = cluster.closing(new NamespaceController(client,
                NamespaceController.Options.defaults().withMaxBackoff(Duration.ofMillis(500))));
        namespaceController.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theDefaultNamespaceGetsADefaultServiceAccount() throws Exception {
        awaitTrue(() -> exists("/api/v1/namespaces/default/serviceaccounts/default"));
    }

    @Test
    void aNewNamespaceGetsADefaultServiceAccount() throws Exception {
        createNamespace("fresh");
        awaitTrue(() -> exists("/api/v1/namespaces/fresh/serviceaccounts/default"));
    }

    @Test
    void aDeletedDefaultServiceAccountComesBack() throws Exception {
        createNamespace("again");
        String account = "/api/v1/namespaces/again/serviceaccounts/default";
        awaitTrue(() -> exists(account));
        String firstUid = client.get(account).path("metadata").path("uid").asText();

        client.delete(account);

        awaitTrue(() -> exists(account) && !client.get(account).path("metadata").path("uid").asText().equals(firstUid));
    }

    @Test
    void aTerminatingNamespaceGetsNoDefaultServiceAccountAndStillFinishes() throws Exception {
        String ns = "leaving";
        String account = "/api/v1/namespaces/" + ns + "/serviceaccounts/default";
        createNamespace(ns);
        awaitTrue(() -> exists(account));
        client.post("/api/v1/namespaces/" + ns + "/configmaps", obj("""
                {"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"held","finalizers":["example.com/hold"]}}"""));

        client.delete("/api/v1/namespaces/" + ns);

        awaitTrue(() -> !exists(account));
        Thread.sleep(1500); // several passes of both controllers while the namespace is Terminating
        assertThat(exists(account)).isFalse();
        assertThat(client.get("/api/v1/namespaces/" + ns).path("status").path("phase").asText()).isEqualTo("Terminating");

        ObjectNode held = (ObjectNode) client.get("/api/v1/namespaces/" + ns + "/configmaps/held");
        ((ObjectNode) held.get("metadata")).putArray("finalizers");
        client.put("/api/v1/namespaces/" + ns + "/configmaps/held", held);

        awaitTrue(() -> !exists("/api/v1/namespaces/" + ns));
    }

    private static void createNamespace(String name) throws Exception {
        client.post("/api/v1/namespaces", obj("""
                {"apiVersion":"v1","kind":"Namespace","metadata":{"name":"%s"}}""".formatted(name)));
    }

    private static boolean exists(String path) throws Exception {
        try {
            client.get(path);
            return true;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    private static ObjectNode obj(String text) throws Exception {
        return (ObjectNode) json.readTree(text);
    }
}
