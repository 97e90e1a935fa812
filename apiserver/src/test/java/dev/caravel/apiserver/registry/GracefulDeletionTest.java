package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** Deleting pods as kube-apiserver does: at once when nothing runs them, else after their grace period. */
class GracefulDeletionTest {

    private static final String PODS = "/api/v1/namespaces/default/pods";
    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A pod bound to a node, as a scheduler leaves it. */
    static JsonNode boundPod(String name, String extraSpec) throws Exception {
        server.post(PODS, "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{" + extraSpec
                + "\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        server.post(PODS + "/" + name + "/binding", "{\"metadata\":{\"name\":\"" + name + "\"},\"target\":{\"name\":\"node-1\"}}");
        return server.get(PODS + "/" + name);
    }

    static JsonNode delete(String name, String body) throws Exception {
        return server.call("DELETE", PODS + "/" + name, body);
    }

    @Test
    void aPodNeverScheduledIsDeletedAtOnce() throws Exception {
        server.post(PODS, "{\"metadata\":{\"name\":\"pending\"},\"spec\":{\"containers\":[{\"name\":\"c\",\"image\":\"busybox\"}]}}");
        JsonNode deleted = delete("pending", null);
        assertThat(deleted.path("kind").asText()).isEqualTo("Pod");
        assertThat(server.send("GET", PODS + "/pending", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBoundPodIsMarkedWithItsTerminationGracePeriodAndStays() throws Exception {
        JsonNode before = boundPod("running", "\"terminationGracePeriodSeconds\":45,");
        Instant asked = Instant.now();
        HttpResponse<String> response = server.send("DELETE", PODS + "/running", null);
        assertThat(response.statusCode()).isEqualTo(200);
        JsonNode marked = InProcessServer.JSON.readTree(response.body());
        assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(45);
        Instant deadline = Instant.parse(marked.path("metadata").path("deletionTimestamp").asText());
        assertThat(Duration.between(asked, deadline).toSeconds()).isBetween(43L, 46L);
        assertThat(marked.path("metadata").path("generation").asLong())
                .isEqualTo(before.path("metadata").path("generation").asLong() + 1);

        JsonNode stored = server.get(PODS + "/running");
        assertThat(stored.path("metadata").path("deletionTimestamp").asText()).isEqualTo(deadline.toString());

        assertThat(server.sendPatch(PODS + "/running", "{\"metadata\":{\"labels\":{\"seen\":\"yes\"}}}").statusCode()).isEqualTo(200);
        stored = server.get(PODS + "/running");
        assertThat(stored.path("metadata").path("labels").path("seen").asText()).as("an update does not end the grace").isEqualTo("yes");

        JsonNode longer = delete("running", "{\"gracePeriodSeconds\":100}");
        assertThat(longer.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(45);
        assertThat(longer.path("metadata").path("resourceVersion").asText())
                .isEqualTo(stored.path("metadata").path("resourceVersion").asText());

        JsonNode shorter = delete("running", "{\"gracePeriodSeconds\":5}");
        assertThat(shorter.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(5);
        assertThat(Instant.parse(shorter.path("metadata").path("deletionTimestamp").asText())).isEqualTo(deadline.minusSeconds(40));

        String uid = shorter.path("metadata").path("uid").asText();
        JsonNode wrongUid = delete("running", "{\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"other\"}}");
        assertThat(wrongUid.path("code").asInt()).isEqualTo(409);
        JsonNode finished = delete("running", "{\"gracePeriodSeconds\":0,\"preconditions\":{\"uid\":\"" + uid + "\"}}");
        assertThat(finished.path("metadata").path("deletionGracePeriodSeconds").asLong()).isZero();
        assertThat(server.send("GET", PODS + "/running", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBoundPodWithoutTerminationGracePeriodUsesTheDefaultThirtySeconds() throws Exception {
        boundPod("defaulted", "");
        JsonNode marked = delete("defaulted", null);
        assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isEqualTo(30);
        delete("defaulted", "{\"gracePeriodSeconds\":0}");
    }

    @Test
    void aForcedDeleteWithGraceZeroRemovesABoundPodAtOnce() throws Exception {
        boundPod("forced", "");
        JsonNode deleted = delete("forced", "{\"gracePeriodSeconds\":0}");
        assertThat(deleted.path("metadata").path("deletionGracePeriodSeconds").asLong()).isZero();
        assertThat(deleted.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
        assertThat(server.send("GET", PODS + "/forced", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aFinishedPodIsDeletedAtOnce() throws Exception {
        JsonNode pod = boundPod("done", "");
        ((com.fasterxml.jackson.databind.node.ObjectNode) pod).withObjectProperty("status").put("phase", "Succeeded");
        server.call("PUT", PODS + "/done/status", pod.toString());
        delete("done", null);
        assertThat(server.send("GET", PODS + "/done", null).statusCode()).isEqualTo(404);
    }

    @Test
    void aBoundPodWithFinalizersStaysAfterItsGraceUntilTheyAreRemoved() throws Exception {
        boundPod("kept", "");
        HttpResponse<String> patched = server.sendPatch(PODS + "/kept", "{\"metadata\":{\"finalizers\":[\"example.com/keep\"]}}");
        assertThat(patched.statusCode()).isEqualTo(200);
        JsonNode marked = delete("kept", "{\"gracePeriodSeconds\":0}");
        assertThat(marked.path("metadata").path("deletionGracePeriodSeconds").asLong()).isZero();
        assertThat(server.get(PODS + "/kept").path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
        server.sendPatch(PODS + "/kept", "{\"metadata\":{\"finalizers\":null}}");
        assertThat(server.send("GET", PODS + "/kept", null).statusCode()).isEqualTo(404);
    }

    @Test
    void configMapsAreNotGraceful() throws Exception {
        server.post("/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"plain\"}}");
        JsonNode status = server.call("DELETE", "/api/v1/namespaces/default/configmaps/plain", "{\"gracePeriodSeconds\":60}");
        assertThat(status.path("status").asText()).isEqualTo("Success");
        assertThat(server.send("GET", "/api/v1/namespaces/default/configmaps/plain", null).statusCode()).isEqualTo(404);
    }
}
