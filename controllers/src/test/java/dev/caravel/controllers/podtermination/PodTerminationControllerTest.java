package dev.caravel.controllers.podtermination;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.testing.CaravelCluster;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The kubelet stand-in against a real server in-process, through the API only. */
class PodTerminationControllerTest {

    private static final ObjectMapper json = new ObjectMapper();
    private static final String PODS = "/api/v1/namespaces/default/pods";

    private static CaravelCluster cluster;
    private static ApiClient client;
    private static PodTerminationController controller;

    @BeforeAll
    static void start() {
        cluster = CaravelCluster.start();
        client = new ApiClient(ApiClient.Config.of(cluster.url()));
        controller = new PodTerminationController(client,
                PodTerminationController.Options.defaults().withMaxBackoff(Duration.ofMillis(500)), Clock.systemUTC());
        controller.start();
    }

    @AfterAll
    static void stop() {
        if (controller != null) {
            controller.close();
        }
        if (client != null) {
            client.close();
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    /** A pod bound to a node, as a scheduler leaves it, with the given grace period. */
    static void runningPod(String name, long grace, String... finalizers) throws Exception {
        ObjectNode pod = json.createObjectNode();
        ObjectNode metadata = pod.putObject("metadata").put("name", name);
        for (String finalizer : finalizers) {
            metadata.withArray("finalizers").add(finalizer);
        }
        ObjectNode spec = pod.putObject("spec").put("terminationGracePeriodSeconds", grace);
        spec.putArray("containers").addObject().put("name", "c").put("image", "busybox");
        client.post(PODS, pod);
        ObjectNode binding = json.createObjectNode();
        binding.putObject("metadata").put("name", name);
        binding.putObject("target").put("kind", "Node").put("name", "node-1");
        client.post(PODS + "/" + name + "/binding", binding);
    }

    static boolean exists(String name) throws Exception {
        try {
            client.get(PODS + "/" + name);
            return true;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return false;
            }
            throw e;
        }
    }

    static Duration awaitGone(String name, Duration limit) throws Exception {
        Instant start = Instant.now();
        while (exists(name)) {
            assertThat(Duration.between(start, Instant.now())).as("pod " + name + " still exists").isLessThan(limit);
            Thread.sleep(50);
        }
        return Duration.between(start, Instant.now());
    }

    @Test
    void aGracefullyDeletedPodGoesWhenItsGracePeriodEnds() throws Exception {
        runningPod("graceful", 2);
        JsonNode marked = client.delete(PODS + "/graceful");
        assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(2);
        assertThat(exists("graceful")).as("the pod stays during its grace").isTrue();
        Duration waited = awaitGone("graceful", Duration.ofSeconds(10));
        // the deadline is written to the second, so the pod goes between one and three seconds later
        assertThat(waited).isGreaterThan(Duration.ofMillis(900));
    }

    @Test
    void aShortenedGracePeriodIsHonoured() throws Exception {
        runningPod("shortened", 600);
        client.delete(PODS + "/shortened");
        ObjectNode shorter = json.createObjectNode().put("gracePeriodSeconds", 1);
        client.delete(PODS + "/shortened", shorter);
        awaitGone("shortened", Duration.ofSeconds(10));
    }

    @Test
    void aPodWithFinalizersStaysMarkedWithGraceZeroUntilTheyGo() throws Exception {
        runningPod("finalized", 1, "example.com/keep");
        client.delete(PODS + "/finalized");
        Instant start = Instant.now();
        JsonNode pod = client.get(PODS + "/finalized");
        while (pod.path("metadata").path("deletionGracePeriodSeconds").asLong() != 0) {
            assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(10));
            Thread.sleep(50);
            pod = client.get(PODS + "/finalized");
        }
        assertThat(pod.path("metadata").path("finalizers").get(0).asText()).isEqualTo("example.com/keep");
        ((ObjectNode) pod.path("metadata")).remove("finalizers");
        client.put(PODS + "/finalized", pod);
        assertThat(exists("finalized")).isFalse();
    }
}
