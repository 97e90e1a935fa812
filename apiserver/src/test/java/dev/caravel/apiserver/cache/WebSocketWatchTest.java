package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static dev.caravel.apiserver.cache.TestServer.configMap;
import static dev.caravel.apiserver.cache.TestServer.rv;
import static org.assertj.core.api.Assertions.assertThat;

/** A watch over WebSocket (fabric8's way) gets one event per frame, even when they go out in one burst. */
class WebSocketWatchTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void aBurstOfEventsArrivesOneEventPerFrame() throws Exception {
        server.namespace("ws");
        JsonNode first = server.create("/api/v1/namespaces/ws/configmaps", configMap("w0", "", "0"));
        for (int i = 1; i <= 20; i++) {
            server.create("/api/v1/namespaces/ws/configmaps", configMap("w" + i, "", "0"));
        }
        BlockingQueue<String> frames = new LinkedBlockingQueue<>();
        WebSocket socket = HttpClient.newHttpClient().newWebSocketBuilder()
                .buildAsync(URI.create(server.base.replace("http://", "ws://") + "/api/v1/namespaces/ws/configmaps?watch=true&resourceVersion="
                        + rv(first)), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            frames.add(text.toString());
                            text.setLength(0);
                        }
                        webSocket.request(1);
                        return null;
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            for (int i = 1; i <= 20; i++) {
                String frame = frames.poll(10, TimeUnit.SECONDS);
                assertThat(frame).as("event %d", i).isNotNull().doesNotContain("\n");
                JsonNode event = TestServer.JSON.readTree(frame);
                assertThat(event.path("type").asText()).isEqualTo("ADDED");
                assertThat(event.path("object").path("metadata").path("name").asText()).isEqualTo("w" + i);
            }
        } finally {
            socket.abort();
        }
    }
}
