package dev.caravel.audit.writer;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.caravel.audit.event.AuditStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookBackendTest {

    private record Received(JsonNode body, long atNanos) {
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final ConcurrentLinkedQueue<Integer> statuses = new ConcurrentLinkedQueue<>();
    private final AuditCounters counters = new AuditCounters();
    private HttpServer server;
    private URI url;

    @BeforeEach
    void startServer() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        ObjectMapper mapper = new ObjectMapper();
        server.createContext("/audit", exchange -> {
            long at = System.nanoTime();
            JsonNode body = mapper.readTree(exchange.getRequestBody().readAllBytes());
            Integer status = statuses.poll();
            int code = status == null ? 200 : status;
            if (code == 200) {
                received.add(new Received(body, at));
            }
            exchange.sendResponseHeaders(code, -1);
            exchange.close();
        });
        server.start();
        url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/audit");
    }

    @AfterEach
    void stopServer() {
        server.stop(0);
    }

    private BufferedAuditSink sink(int attempts, int maxBatchSize, Duration maxBatchWait) {
        WebhookBackend backend = new WebhookBackend(
                new WebhookBackend.Config(url, attempts, Duration.ofMillis(20), Duration.ofSeconds(5)));
        return new BufferedAuditSink(backend, new BufferConfig(BufferMode.BATCH, 100, maxBatchSize, maxBatchWait,
                Duration.ofSeconds(5), 0, 0), counters);
    }

    private static AuditEvent event(int n) {
        return LogFileBackendTest.event(n, AuditStage.RESPONSE_COMPLETE);
    }

    @Test
    void eventsArePostedAsEventListsOfAtMostTheMaxBatchSizeAndAPartialBatchAfterTheMaxWait() throws Exception {
        Duration maxWait = Duration.ofMillis(300);
        long start;
        try (BufferedAuditSink sink = sink(1, 3, maxWait)) {
            start = System.nanoTime();
            for (int n = 0; n < 7; n++) {
                sink.process(event(n));
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (received.size() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
        }
        assertThat(received).extracting(r -> r.body().get("items").size()).containsExactly(3, 3, 1);
        JsonNode first = received.getFirst().body();
        assertThat(first.get("kind").asText()).isEqualTo("EventList");
        assertThat(first.get("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
        assertThat(first.get("items").get(0).get("kind").asText()).isEqualTo("Event");
        assertThat(first.get("items").get(0).get("auditID").asText()).isEqualTo(event(0).auditId());
        // The last event waited for companions for maxWait before being sent alone.
        assertThat(Duration.ofNanos(received.get(2).atNanos() - start)).isGreaterThanOrEqualTo(maxWait);
        assertThat(counters.written("webhook")).isEqualTo(7);
    }

    @Test
    void aBatchIsRetriedAfterServerErrors() {
        statuses.add(500);
        statuses.add(503);
        try (BufferedAuditSink sink = sink(3, 10, Duration.ofMillis(50))) {
            sink.process(event(1));
            sink.process(event(2));
        }
        assertThat(received).singleElement().satisfies(r -> assertThat(r.body().get("items").size()).isEqualTo(2));
        assertThat(counters.errors("webhook")).isZero();
    }

    @Test
    void aBatchIsDroppedAndCountedWhenRetriesRunOut() {
        for (int i = 0; i < 3; i++) {
            statuses.add(500);
        }
        try (BufferedAuditSink sink = sink(3, 10, Duration.ofMillis(50))) {
            sink.process(event(1));
            sink.process(event(2));
        }
        assertThat(received).isEmpty();
        assertThat(counters.errors("webhook")).isEqualTo(2);
    }

    @Test
    void aClientErrorIsNotRetried() {
        statuses.add(400);
        try (BufferedAuditSink sink = sink(3, 10, Duration.ofMillis(50))) {
            sink.process(event(1));
        }
        assertThat(received).isEmpty();
        assertThat(statuses).isEmpty();
        assertThat(counters.errors("webhook")).isEqualTo(1);
    }
}
