package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.server.Kubeconfig;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

/** Binding pods to nodes, as a scheduler does: pods/binding and bindings. */
class PodBindingTest {

    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode createPod(String name) throws Exception {
        return server.post("/api/v1/namespaces/default/pods", "{\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
    }

    static HttpResponse<String> bind(String pod, String body) throws Exception {
        return server.send("POST", "/api/v1/namespaces/default/pods/" + pod + "/binding", body);
    }

    @Test
    void aBindingSetsTheNodeAndThePodScheduledConditionOnce() throws Exception {
        createPod("web");
        HttpResponse<String> response = bind("web", "{\"apiVersion\":\"v1\",\"kind\":\"Binding\","
                + "\"metadata\":{\"name\":\"web\",\"annotations\":{\"scheduler/decision\":\"least-loaded\"}},"
                + "\"target\":{\"apiVersion\":\"v1\",\"kind\":\"Node\",\"name\":\"node-1\"}}");
        assertThat(response.statusCode()).isEqualTo(201);
        JsonNode status = InProcessServer.JSON.readTree(response.body());
        assertThat(status.path("kind").asText()).isEqualTo("Status");
        assertThat(status.path("status").asText()).isEqualTo("Success");
        assertThat(status.path("code").asInt()).isEqualTo(201);

        JsonNode pod = server.get("/api/v1/namespaces/default/pods/web");
        assertThat(pod.path("spec").path("nodeName").asText()).isEqualTo("node-1");
        assertThat(pod.path("metadata").path("annotations").path("scheduler/decision").asText()).isEqualTo("least-loaded");
        JsonNode condition = pod.path("status").path("conditions").get(0);
        assertThat(condition.path("type").asText()).isEqualTo("PodScheduled");
        assertThat(condition.path("status").asText()).isEqualTo("True");
        assertThat(condition.path("lastTransitionTime").asText()).isNotEmpty();

        HttpResponse<String> again = bind("web", "{\"metadata\":{\"name\":\"web\"},\"target\":{\"name\":\"node-2\"}}");
        assertThat(again.statusCode()).isEqualTo(409);
        JsonNode conflict = InProcessServer.JSON.readTree(again.body());
        assertThat(conflict.path("reason").asText()).isEqualTo("Conflict");
        assertThat(conflict.path("message").asText())
                .isEqualTo("Operation cannot be fulfilled on pods/binding \"web\": pod web is already assigned to node \"node-1\"");
        assertThat(server.get("/api/v1/namespaces/default/pods/web").path("spec").path("nodeName").asText()).isEqualTo("node-1");
    }

    @Test
    void aBindingIsRefusedForAMissingPodAWrongNameOrANonNodeTarget() throws Exception {
        HttpResponse<String> missing = bind("ghost", "{\"metadata\":{\"name\":\"ghost\"},\"target\":{\"name\":\"node-1\"}}");
        assertThat(missing.statusCode()).isEqualTo(404);
        assertThat(InProcessServer.JSON.readTree(missing.body()).path("message").asText()).isEqualTo("pods \"ghost\" not found");

        createPod("picky");
        HttpResponse<String> wrongName = bind("picky", "{\"metadata\":{\"name\":\"other\"},\"target\":{\"name\":\"node-1\"}}");
        assertThat(wrongName.statusCode()).isEqualTo(400);
        assertThat(InProcessServer.JSON.readTree(wrongName.body()).path("message").asText())
                .isEqualTo("name in URL does not match name in Binding object");

        HttpResponse<String> notANode = bind("picky", "{\"metadata\":{\"name\":\"picky\"},\"target\":{\"kind\":\"Pod\",\"name\":\"x\"}}");
        assertThat(notANode.statusCode()).isEqualTo(500);
        assertThat(InProcessServer.JSON.readTree(notANode.body()).path("message").asText())
                .isEqualTo("target.kind: Unsupported value: \"Pod\": supported values: \"Node\", \"<empty>\"");

        HttpResponse<String> staleUid = bind("picky", "{\"metadata\":{\"name\":\"picky\",\"uid\":\"old\"},\"target\":{\"name\":\"node-1\"}}");
        assertThat(staleUid.statusCode()).isEqualTo(409);
        assertThat(server.get("/api/v1/namespaces/default/pods/picky").path("spec").has("nodeName")).isFalse();
    }

    @Test
    void fabric8BindsThroughTheBindingsCollection() throws Exception {
        createPod("scheduled-by-fabric8");
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Kubeconfig.render(server.url()))).build()) {
            client.bindings().inNamespace("default").resource(new BindingBuilder()
                    .withNewMetadata().withName("scheduled-by-fabric8").endMetadata()
                    .withNewTarget().withKind("Node").withName("node-7").endTarget().build()).create();
            assertThat(client.pods().inNamespace("default").withName("scheduled-by-fabric8").get().getSpec().getNodeName())
                    .isEqualTo("node-7");
        }
    }
}
