package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

/** A server on the memory store for the registry's HTTP tests, and the requests they send it. */
final class InProcessServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final KeyValueStore store;
    private final CaravelServer server;

    private InProcessServer(KeyValueStore store, CaravelServer server) {
        this.store = store;
        this.server = server;
    }

    static InProcessServer start() throws InterruptedException {
        KeyValueStore store = MemoryStore.open();
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        return new InProcessServer(store, server);
    }

    String url() {
        return server.url();
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A JSON merge patch. */
    HttpResponse<String> sendPatch(String path, String patch) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url() + path))
                .method("PATCH", HttpRequest.BodyPublishers.ofString(patch))
                .header("Content-Type", "application/merge-patch+json").build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Sends and reads the answer, whatever its code. */
    JsonNode call(String method, String path, String body) throws Exception {
        return JSON.readTree(send(method, path, body).body());
    }

    JsonNode post(String path, String body) throws Exception {
        return call("POST", path, body);
    }

    JsonNode get(String path) throws Exception {
        return call("GET", path, null);
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
