package dev.caravel.apiserver.registry;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Patches that race on one object: a patch without a resourceVersion is applied again to the
 * object that won the race, as kube-apiserver does, so none is answered 409; a write that names a
 * resourceVersion the race left behind still is.
 */
class ConcurrentPatchTest {

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
    void racingMergePatchesWithoutAResourceVersionAllSucceedAndAllLand() throws Exception {
        server.post("/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"raced\"},\"data\":{}}");
        int writers = 8;
        int patchesEach = 25;
        List<Future<List<Integer>>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            for (int w = 0; w < writers; w++) {
                int writer = w;
                results.add(pool.submit(() -> {
                    List<Integer> codes = new ArrayList<>();
                    for (int i = 0; i < patchesEach; i++) {
                        HttpResponse<String> answer = server.sendPatch("/api/v1/namespaces/default/configmaps/raced",
                                "{\"data\":{\"w" + writer + "-" + i + "\":\"x\"}}");
                        codes.add(answer.statusCode());
                    }
                    return codes;
                }));
            }
        }
        List<Integer> codes = new ArrayList<>();
        for (Future<List<Integer>> result : results) {
            codes.addAll(result.get());
        }

        assertThat(codes).hasSize(writers * patchesEach).containsOnly(200);
        JsonNode raced = server.get("/api/v1/namespaces/default/configmaps/raced");
        assertThat(raced.path("data").size()).isEqualTo(writers * patchesEach);
    }

    @Test
    void anUpdateNamingAResourceVersionThatMovedOnIsStillAConflict() throws Exception {
        JsonNode created = server.post("/api/v1/namespaces/default/configmaps", "{\"metadata\":{\"name\":\"stale\"},\"data\":{}}");
        server.sendPatch("/api/v1/namespaces/default/configmaps/stale", "{\"data\":{\"a\":\"1\"}}");

        HttpResponse<String> stale = server.send("PUT", "/api/v1/namespaces/default/configmaps/stale", created.toString());

        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(stale.body()).contains("the object has been modified; please apply your changes to the latest version and try again");
    }
}
