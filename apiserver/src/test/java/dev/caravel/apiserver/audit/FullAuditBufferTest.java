package dev.caravel.apiserver.audit;

import com.sun.net.httpserver.HttpServer;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.AuditPolicy;
import dev.caravel.audit.writer.BufferConfig;
import dev.caravel.audit.writer.BufferMode;
import dev.caravel.audit.writer.WebhookBackend;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import static dev.caravel.apiserver.audit.AuditedServer.configMap;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * A webhook that stops answering fills the audit buffer (one event here); each mode then does what
 * kube-apiserver's does, within a bounded wait, and the drop or rejection is counted in /metrics.
 */
class FullAuditBufferTest {

    private static final Duration BLOCKING_WAIT = Duration.ofMillis(200);

    private HttpServer stuckWebhook;
    private final CountDownLatch release = new CountDownLatch(1);
    private AuditedServer server;

    @BeforeEach
    void startStuckWebhook() throws Exception {
        stuckWebhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        stuckWebhook.setExecutor(Executors.newCachedThreadPool());
        stuckWebhook.createContext("/", exchange -> {
            try {
                release.await(30, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        stuckWebhook.start();
    }

    @AfterEach
    void stop() {
        release.countDown();
        if (server != null) {
            server.close();
        }
        stuckWebhook.stop(0);
    }

    private void startAuditingTo(BufferMode mode) throws Exception {
        URI url = URI.create("http://127.0.0.1:" + stuckWebhook.getAddress().getPort() + "/audit");
        BufferConfig oneEvent = new BufferConfig(mode, 1, 1, Duration.ZERO, BLOCKING_WAIT, 0, 0);
        server = AuditedServer.with(AuditConfig.of(AuditPolicy.everything(AuditLevel.METADATA),
                new AuditConfig.Webhook(new WebhookBackend.Config(url, 1, Duration.ofMillis(10), Duration.ofSeconds(30)),
                        oneEvent)));
    }

    private HttpResponse<String> create(String name) throws Exception {
        return server.send("POST", "/api/v1/namespaces/default/configmaps", configMap(name));
    }

    @Test
    void batchModeDropsWhatDoesNotFitAndNeverWaits() throws Exception {
        startAuditingTo(BufferMode.BATCH);
        long start = System.nanoTime();
        for (int i = 0; i < 5; i++) {
            assertThat(create("batch-" + i).statusCode()).isEqualTo(201);
        }
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(BLOCKING_WAIT.multipliedBy(5));
        assertThat(server.metrics()).containsPattern("apiserver_audit_error_total\\{plugin=\"buffered\"} [1-9]");
    }

    @Test
    void blockingModeWaitsAtMostItsBoundThenDropsAndServesTheRequest() throws Exception {
        startAuditingTo(BufferMode.BLOCKING);
        for (int i = 0; i < 3; i++) {
            assertThat(create("blocking-" + i).statusCode()).isEqualTo(201);
        }
        assertThat(server.send("GET", "/api/v1/namespaces/default/configmaps/blocking-2", null).statusCode())
                .isEqualTo(200);
        assertThat(server.metrics()).containsPattern("apiserver_audit_error_total\\{plugin=\"buffered\"} [1-9]")
                .contains("apiserver_audit_requests_rejected_total 0.0");
    }

    @Test
    void blockingStrictModeFailsTheRequestBeforeItRunsWhenItsEventCannotBeWritten() throws Exception {
        startAuditingTo(BufferMode.BLOCKING_STRICT);
        HttpResponse<String> refused = create("strict");

        assertThat(refused.statusCode()).isEqualTo(500);
        assertThat(refused.body()).contains("\"reason\":\"InternalError\"").contains("failed to store audit event");
        assertThat(refused.headers().firstValue("Audit-Id")).isPresent();
        release.countDown();
        assertThat(server.send("GET", "/api/v1/namespaces/default/configmaps/strict", null).statusCode())
                .as("the create never ran").isEqualTo(404);
        assertThat(server.metrics()).containsPattern("apiserver_audit_requests_rejected_total [1-9]");
    }
}
