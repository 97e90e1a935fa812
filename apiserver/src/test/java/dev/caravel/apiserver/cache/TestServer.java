package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A Caravel server on a memory store for the watch cache's HTTP tests, with the requests they make. */
final class TestServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    final KeyValueStore store;
    final CaravelServer server;
    final String base;

    private TestServer(UnaryOperator<CaravelServer.Config> configure) throws InterruptedException {
        store = MemoryStore.open();
        server = new CaravelServer(configure.apply(CaravelServer.Config.loopback(0, store)));
        server.start();
        base = server.url();
    }

    static TestServer start() throws InterruptedException {
        return new TestServer(c -> c);
    }

    static TestServer start(UnaryOperator<CaravelServer.Config> configure) throws InterruptedException {
        return new TestServer(configure);
    }

    HttpResponse<String> send(String method, String path, String body) throws Exception {
        return send(method, path, body, "application/json");
    }

    HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", contentType)
                .timeout(Duration.ofSeconds(30))
                .build();
        return HTTP1.send(request, HttpResponse.BodyHandlers.ofString());
    }

    JsonNode get(String path) throws Exception {
        return JSON.readTree(send("GET", path, null).body());
    }

    /** Posts an object and returns it as created (failing the test on an error). */
    JsonNode create(String collectionPath, String body) throws Exception {
        HttpResponse<String> response = send("POST", collectionPath, body);
        if (response.statusCode() != 201) {
            throw new AssertionError("create at " + collectionPath + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    void namespace(String name) throws Exception {
        create("/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + name + "\"}}");
    }

    static String configMap(String name, String labels, String value) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels + "}},\"data\":{\"k\":\"" + value + "\"}}";
    }

    static String pod(String name, String labels, String node) {
        return "{\"metadata\":{\"name\":\"" + name + "\",\"labels\":{" + labels + "}},\"spec\":{"
                + (node == null ? "" : "\"nodeName\":\"" + node + "\",")
                + "\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}";
    }

    static long rv(JsonNode object) {
        return Long.parseLong(object.path("metadata").path("resourceVersion").asText());
    }

    /** Opens a watch; its lines arrive in {@link WatchStream#next}. */
    WatchStream watch(String pathAndQuery) throws Exception {
        return watch(pathAndQuery, false);
    }

    WatchStream watch(String pathAndQuery, boolean http2) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).build();
        HttpResponse<InputStream> response = (http2 ? HTTP2 : HTTP1).send(request, HttpResponse.BodyHandlers.ofInputStream());
        return new WatchStream(response);
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }

    /** The lines of one watch, read on a thread of their own so that a test can wait with a timeout. */
    static final class WatchStream implements AutoCloseable {
        private static final JsonNode END = JSON.createObjectNode().put("type", "END-OF-STREAM");
        final HttpResponse<InputStream> response;
        private final BlockingQueue<JsonNode> lines = new ArrayBlockingQueue<>(100_000);
        private final java.util.concurrent.Semaphore reading = new java.util.concurrent.Semaphore(1);

        WatchStream(HttpResponse<InputStream> response) {
            this.response = response;
            Thread.ofVirtual().start(() -> {
                try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
                    String line;
                    while (true) {
                        reading.acquire();
                        reading.release();
                        if ((line = reader.readLine()) == null) {
                            break;
                        }
                        lines.put(JSON.readTree(line));
                    }
                } catch (Exception e) {
                    // the test closed the stream
                }
                lines.offer(END);
            });
        }

        /** Stops reading from the connection (after the line being read), as a stuck client would. */
        void pause() throws InterruptedException {
            reading.acquire();
        }

        void resume() {
            reading.release();
        }

        int status() {
            return response.statusCode();
        }

        /** The next event, waiting up to 10 s; fails when none comes. */
        JsonNode next() throws InterruptedException {
            JsonNode line = lines.poll(10, TimeUnit.SECONDS);
            if (line == null) {
                throw new AssertionError("no watch event within 10 s");
            }
            return line;
        }

        /** The next event that is not a BOOKMARK. */
        JsonNode nextChange() throws InterruptedException {
            JsonNode line;
            do {
                line = next();
            } while (line.path("type").asText().equals("BOOKMARK"));
            return line;
        }

        /** True when the server ended the stream within {@code seconds} (events before the end are skipped). */
        boolean endsWithin(long seconds) throws InterruptedException {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            while (System.nanoTime() < deadline) {
                JsonNode line = lines.poll(100, TimeUnit.MILLISECONDS);
                if (line == END) {
                    return true;
                }
            }
            return false;
        }

        static boolean isEnd(JsonNode line) {
            return line == END;
        }

        @Override
        public void close() throws java.io.IOException {
            response.body().close();
        }
    }
}
