package dev.caravel.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.audit.policy.AuditPolicyFile;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** A Caravel server on the memory store auditing to a log file, for tests that read back its events. */
final class AuditedServer implements AutoCloseable {

    static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final KeyValueStore store = MemoryStore.open();
    private final CaravelServer server;
    final Path log;

    private AuditedServer(AuditConfig audit, Path log) throws InterruptedException {
        this.log = log;
        this.server = new CaravelServer(CaravelServer.Config.loopback(0, store).withAudit(audit));
        server.start();
    }

    /** A server auditing by the policy in YAML {@code policy} to {@code dir/audit.log} (default log settings). */
    static AuditedServer withPolicy(Path dir, String policy) throws InterruptedException {
        Path log = dir.resolve("audit.log");
        return new AuditedServer(AuditConfig.of(AuditPolicyFile.parse(policy.getBytes(StandardCharsets.UTF_8), "test"),
                AuditConfig.LogFile.withDefaults(log.toString())), log);
    }

    static AuditedServer with(AuditConfig audit) throws InterruptedException {
        return new AuditedServer(audit, null);
    }

    String url() {
        return server.url();
    }

    HttpResponse<String> send(String method, String path, String body, String... headers)
            throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Stops the server, which flushes the log, and returns every event in it. */
    List<JsonNode> closeAndReadEvents() throws IOException {
        close();
        List<JsonNode> events = new ArrayList<>();
        if (!Files.exists(log)) {
            return events;
        }
        for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
            events.add(JSON.readTree(line));
        }
        return events;
    }

    String metrics() throws IOException, InterruptedException {
        return send("GET", "/metrics", null).body();
    }

    private boolean closed;

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            server.close();
            store.close();
        }
    }

    static String configMap(String name) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"namespace\":\"default\"},\"data\":{\"k\":\"v\"}}";
    }
}
