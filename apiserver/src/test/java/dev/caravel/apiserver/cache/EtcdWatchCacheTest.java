package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.etcd.EtcdProcess;
import dev.caravel.storage.etcd.EtcdStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The watch cache over a real etcd: consistent lists wait for etcd's progress answers (3.4's
 * early answers are held by the store, docs/decisions/0005), watches resume from the window.
 */
class EtcdWatchCacheTest {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static EtcdProcess etcd;
    private static EtcdStore store;
    private static CaravelServer server;

    @BeforeAll
    static void start() throws Exception {
        etcd = EtcdProcess.start();
        store = EtcdStore.connect(List.of(etcd.clientEndpoint()));
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    private static JsonNode send(String method, String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isLessThan(300);
        return TestServer.JSON.readTree(response.body());
    }

    @Test
    void consistentListsSeeEachWriteAtOnceAndSelectorsUseTheCache() throws Exception {
        send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"etcd\"}}");
        for (int i = 0; i < 10; i++) {
            JsonNode created = send("POST", "/api/v1/namespaces/etcd/configmaps",
                    TestServer.configMap("e" + i, "\"odd\":\"" + (i % 2 == 1) + "\"", "v"));
            JsonNode list = send("GET", "/api/v1/namespaces/etcd/configmaps", null);
            assertThat(list.path("items")).hasSize(i + 1);
            assertThat(TestServer.rv(list)).isGreaterThanOrEqualTo(TestServer.rv(created));
            // A write to another resource moves etcd on: the cache learns it by a progress answer.
            send("POST", "/api/v1/namespaces/etcd/secrets", "{\"metadata\":{\"name\":\"s" + i + "\"}}");
            JsonNode again = send("GET", "/api/v1/namespaces/etcd/configmaps?labelSelector=odd%3Dtrue", null);
            assertThat(again.path("items")).hasSize((i + 1) / 2);
        }
    }

    @Test
    void aWatchResumesFromARevisionInTheWindow() throws Exception {
        send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"etcd-watch\"}}");
        JsonNode first = send("POST", "/api/v1/namespaces/etcd-watch/configmaps", TestServer.configMap("a", "", "1"));
        send("PUT", "/api/v1/namespaces/etcd-watch/configmaps/a", TestServer.configMap("a", "", "2"));
        HttpResponse<java.io.InputStream> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/api/v1/namespaces/etcd-watch/configmaps?watch=true&resourceVersion=" + TestServer.rv(first))).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (TestServer.WatchStream watch = new TestServer.WatchStream(response)) {
            JsonNode modified = watch.next();
            assertThat(modified.path("type").asText()).isEqualTo("MODIFIED");
            assertThat(modified.path("object").path("data").path("k").asText()).isEqualTo("2");
        }
    }
}
