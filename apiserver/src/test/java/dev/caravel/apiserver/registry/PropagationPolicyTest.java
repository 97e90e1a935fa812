package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** What a delete's propagation policy leaves for the garbage collector: its finalizers, as the reference sets them. */
class PropagationPolicyTest {

    private static final String CONFIGMAPS = "/api/v1/namespaces/default/configmaps";
    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static JsonNode delete(String name, String options) throws Exception {
        return server.call("DELETE", CONFIGMAPS + "/" + name, options);
    }

    @Test
    void backgroundDeletesAtOnce() throws Exception {
        server.post(CONFIGMAPS, "{\"metadata\":{\"name\":\"bg\"}}");
        assertThat(delete("bg", "{\"propagationPolicy\":\"Background\"}").path("status").asText()).isEqualTo("Success");
        assertThat(server.send("GET", CONFIGMAPS + "/bg", null).statusCode()).isEqualTo(404);
    }

    @Test
    void orphanAndForegroundLeaveTheirFinalizerAndALaterDeleteMaySwitchThem() throws Exception {
        server.post(CONFIGMAPS, "{\"metadata\":{\"name\":\"kept\",\"finalizers\":[\"example.com/own\"]}}");
        JsonNode orphaned = delete("kept", "{\"propagationPolicy\":\"Orphan\"}");
        assertThat(orphaned.path("metadata").path("finalizers")).extracting(JsonNode::asText)
                .containsExactly("example.com/own", "orphan");
        assertThat(orphaned.path("metadata").path("deletionTimestamp").asText()).isNotEmpty();
        assertThat(orphaned.path("metadata").path("deletionGracePeriodSeconds").asLong()).isZero();

        JsonNode foreground = delete("kept", "{\"propagationPolicy\":\"Foreground\"}");
        assertThat(foreground.path("metadata").path("finalizers")).extracting(JsonNode::asText)
                .containsExactly("example.com/own", "foregroundDeletion");
        assertThat(foreground.path("metadata").path("deletionTimestamp").asText())
                .isEqualTo(orphaned.path("metadata").path("deletionTimestamp").asText());

        JsonNode unchanged = delete("kept", null);
        assertThat(unchanged.path("metadata").path("finalizers")).extracting(JsonNode::asText)
                .containsExactly("example.com/own", "foregroundDeletion");
    }

    @Test
    void theDeprecatedOrphanDependentsFlagStillCounts() throws Exception {
        server.post(CONFIGMAPS, "{\"metadata\":{\"name\":\"legacy\"}}");
        JsonNode orphaned = delete("legacy", "{\"orphanDependents\":true}");
        assertThat(orphaned.path("metadata").path("finalizers").get(0).asText()).isEqualTo("orphan");
        JsonNode both = delete("legacy", "{\"orphanDependents\":true,\"propagationPolicy\":\"Orphan\"}");
        assertThat(both.path("code").asInt()).isEqualTo(422);
    }

    @Test
    void aPendingDeleteThatAskedForDependentsToGoTheOldWayIsAccepted() throws Exception {
        server.post(CONFIGMAPS, "{\"metadata\":{\"name\":\"old-way\",\"finalizers\":[\"example.com/own\"]}}");
        assertThat(server.send("DELETE", CONFIGMAPS + "/old-way", "{\"orphanDependents\":false}").statusCode()).isEqualTo(202);
        assertThat(server.send("DELETE", CONFIGMAPS + "/old-way", "{\"propagationPolicy\":\"Background\"}").statusCode()).isEqualTo(200);
    }
}
