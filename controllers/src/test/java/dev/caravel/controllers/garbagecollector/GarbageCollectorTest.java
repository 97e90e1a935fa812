package dev.caravel.controllers.garbagecollector;

import static dev.caravel.controllers.ControllerTestCluster.awaitTrue;
import static org.assertj.core.api.Assertions.assertThat;

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

/** The garbage collector against a real server in-process, through the API only. */
class GarbageCollectorTest {

    private static final ObjectMapper json = new ObjectMapper();
    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";

    private static ControllerTestCluster cluster;
    private static ApiClient client;
    private static GarbageCollector collector;

    @BeforeAll
    static void start() throws Exception {
        cluster = ControllerTestCluster.start();
        client = cluster.client();
        collector = cluster.closing(
                new GarbageCollector(client, GarbageCollector.Options.defaults().withMaxBackoff(Duration.ofMillis(500))));
        collector.start();
    }

    @AfterAll
    static void stop() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A ConfigMap, owned by the given owners (each {@code {name, uid}} of a ConfigMap). */
    static JsonNode configMap(String name, boolean blockOwnerDeletion, JsonNode... owners) throws Exception {
        ObjectNode cm = json.createObjectNode();
        ObjectNode metadata = cm.putObject("metadata").put("name", name);
        for (JsonNode owner : owners) {
            metadata.withArray("ownerReferences").addObject()
                    .put("apiVersion", "v1").put("kind", "ConfigMap")
                    .put("name", owner.path("metadata").path("name").asText())
                    .put("uid", owner.path("metadata").path("uid").asText())
                    .put("blockOwnerDeletion", blockOwnerDeletion);
        }
        return client.post(CONFIGMAPS, cm);
    }

    static JsonNode delete(String name, String policy) throws Exception {
        return client.delete(CONFIGMAPS + "/" + name, json.createObjectNode().put("propagationPolicy", policy));
    }

    static boolean exists(String name) throws Exception {
        try {
            client.get(CONFIGMAPS + "/" + name);
            return true;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    @Test
    void backgroundDeletionCollectsDependentsAndTheirDependents() throws Exception {
        JsonNode owner = configMap("bg-owner", false);
        JsonNode child = configMap("bg-child", false, owner);
        configMap("bg-grandchild", false, child);
        delete("bg-owner", "Background");
        assertThat(exists("bg-owner")).isFalse();
        awaitTrue(() -> !exists("bg-child") && !exists("bg-grandchild"));
    }

    @Test
    void aDependentWithAnotherLiveOwnerOnlyLosesItsReference() throws Exception {
        JsonNode gone = configMap("shared-gone", false);
        JsonNode staying = configMap("shared-staying", false);
        configMap("shared-child", false, gone, staying);
        delete("shared-gone", "Background");
        awaitTrue(() -> client.get(CONFIGMAPS + "/shared-child").path("metadata").path("ownerReferences").size() == 1);
        assertThat(client.get(CONFIGMAPS + "/shared-child").path("metadata").path("ownerReferences").get(0).path("name").asText())
                .isEqualTo("shared-staying");
    }

    @Test
    void foregroundDeletionKeepsTheOwnerUntilItsBlockingDependentsAreGone() throws Exception {
        JsonNode owner = configMap("fg-owner", false);
        configMap("fg-child", true, owner);
        JsonNode marked = delete("fg-owner", "Foreground");
        assertThat(marked.path("metadata").path("finalizers").get(0).asText()).isEqualTo("foregroundDeletion");
        assertThat(marked.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
        awaitTrue(() -> !exists("fg-child") && !exists("fg-owner"));
    }

    @Test
    void orphanDeletionKeepsDependentsWithoutTheReference() throws Exception {
        JsonNode owner = configMap("orphan-owner", false);
        configMap("orphan-child", true, owner);
        JsonNode marked = delete("orphan-owner", "Orphan");
        assertThat(marked.path("metadata").path("finalizers").get(0).asText()).isEqualTo("orphan");
        awaitTrue(() -> !exists("orphan-owner"));
        assertThat(client.get(CONFIGMAPS + "/orphan-child").path("metadata").path("ownerReferences")).isEmpty();
    }

    @Test
    void anObjectWhoseOwnerNeverExistedIsCollected() throws Exception {
        ObjectNode ghost = json.createObjectNode();
        ghost.putObject("metadata").put("name", "never-was").put("uid", "00000000-0000-0000-0000-000000000000");
        configMap("ghost-child", false, ghost);
        awaitTrue(() -> !exists("ghost-child"));
    }
}
