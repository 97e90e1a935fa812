package dev.caravel.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class NodeStrategyTest {

    private static InProcessServer server;

    @BeforeAll
    static void start() throws Exception {
        server = InProcessServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aNodeKeepsTheStatusItIsRegisteredWithButLaterMainWritesKeepTheStoredStatus() throws Exception {
        server.post("/api/v1/nodes", "{\"metadata\":{\"name\":\"worker-1\"},"
                + "\"status\":{\"allocatable\":{\"cpu\":\"4\",\"memory\":\"16Gi\"},\"capacity\":{\"cpu\":\"4\"}}}");

        JsonNode registered = server.get("/api/v1/nodes/worker-1");
        assertThat(registered.at("/status/allocatable/cpu").asText()).isEqualTo("4");
        assertThat(registered.at("/status/allocatable/memory").asText()).isEqualTo("16Gi");

        ((com.fasterxml.jackson.databind.node.ObjectNode) registered.at("/status/allocatable")).put("cpu", "64");
        assertThat(server.send("PUT", "/api/v1/nodes/worker-1", registered.toString()).statusCode()).isEqualTo(200);
        assertThat(server.get("/api/v1/nodes/worker-1").at("/status/allocatable/cpu").asText())
                .as("a main-resource update leaves status to /status").isEqualTo("4");
    }
}
