package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.caravel.apiserver.cache.TestServer.configMap;
import static dev.caravel.apiserver.cache.TestServer.rv;
import static org.assertj.core.api.Assertions.assertThat;

/** A watcher that stops reading is ended without holding back the others, and resumes where it stopped. */
class SlowWatcherTest {

    private static final int CHANGES = 100;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start(c -> c.withWatchCache(WatchCache.Config.defaults().withWatcherCapacity(12)));
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aWatcherThatStopsReadingIsClosedWhileTheOthersGetEveryEventAndItResumesFromItsLastRevision() throws Exception {
        server.namespace("slow");
        // Half a megabyte per event: enough, with 100 of them, to fill the socket buffers of a client
        // that does not read, so its stream writer waits and its queue in the cache fills.
        String big = "x".repeat(512 * 1024);
        JsonNode start = server.create("/api/v1/namespaces/slow/configmaps", configMap("seed", "", "s"));
        try (TestServer.WatchStream slow = server.watch("/api/v1/namespaces/slow/configmaps?watch=true&resourceVersion="
                + rv(start));
             TestServer.WatchStream fast = server.watch("/api/v1/namespaces/slow/configmaps?watch=true&resourceVersion="
                     + rv(start))) {
            slow.pause();
            long last = 0;
            for (int i = 0; i < CHANGES; i++) {
                last = rv(server.create("/api/v1/namespaces/slow/configmaps", configMap("big" + i, "", big)));
            }
            for (int i = 0; i < CHANGES; i++) {
                JsonNode event = fast.next();
                assertThat(event.path("type").asText()).isEqualTo("ADDED");
                assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("big" + i);
            }

            slow.resume();
            List<JsonNode> received = new ArrayList<>();
            JsonNode line;
            while (!TestServer.WatchStream.isEnd(line = slow.next())) {
                received.add(line);
            }
            assertThat(received.size()).as("the slow watcher was ended before the last event").isLessThan(CHANGES);
            long lastSeen = received.isEmpty() ? rv(start) : rv(received.get(received.size() - 1).path("object"));
            try (TestServer.WatchStream resumed = server.watch("/api/v1/namespaces/slow/configmaps?watch=true&resourceVersion="
                    + lastSeen)) {
                for (int i = received.size(); i < CHANGES; i++) {
                    JsonNode event = resumed.next();
                    assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("big" + i);
                }
                assertThat(lastSeen).isLessThan(last);
            }
        }
    }
}
