package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.resource.GroupVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static dev.caravel.apiserver.cache.TestServer.configMap;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * With consistent lists from the cache turned off (Kubernetes before 1.31, and incident 3), a list
 * without resourceVersion reads storage; the answers are the same, only their cost differs.
 */
class ConsistentListFromStorageTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(c -> c.withConsistentListFromCache(false));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static WatchCache configMapCache() {
        return server.server.registry().store(server.server.registry().catalogue().snapshot()
                .resource(new GroupVersion("", "v1"), "configmaps").orElseThrow()).reads().cache();
    }

    @Test
    void consistentListsReadStorageAndResourceVersionZeroStillReadsTheCache() throws Exception {
        server.namespace("storage");
        for (int i = 0; i < 5; i++) {
            server.create("/api/v1/namespaces/storage/configmaps", configMap("c" + i, "\"n\":\"" + (i % 2) + "\"", "v"));
        }
        long cachedLists = configMapCache().listStats().lists();
        JsonNode consistent = server.get("/api/v1/namespaces/storage/configmaps?labelSelector=n%3D1&limit=1");
        assertThat(consistent.path("items")).hasSize(1);
        assertThat(consistent.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("c1");
        JsonNode rest = server.get("/api/v1/namespaces/storage/configmaps?labelSelector=n%3D1&limit=1&continue="
                + consistent.path("metadata").path("continue").asText());
        assertThat(rest.path("items").get(0).path("metadata").path("name").asText()).isEqualTo("c3");
        assertThat(rest.path("metadata").path("resourceVersion").asText())
                .isEqualTo(consistent.path("metadata").path("resourceVersion").asText());
        assertThat(configMapCache().listStats().lists()).as("no list was served by the cache").isEqualTo(cachedLists);

        JsonNode any = server.get("/api/v1/namespaces/storage/configmaps?resourceVersion=0");
        assertThat(any.path("items")).hasSize(5);
        assertThat(configMapCache().listStats().lists()).isEqualTo(cachedLists + 1);
    }
}
