package dev.caravel.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;

import static dev.caravel.apiserver.audit.AuditedServer.configMap;
import static org.assertj.core.api.Assertions.assertThat;

/** The audit stage through HTTP: what a client sends, and what the log then holds. */
class AuditStageTest {

    private static final String EVERYTHING_AT_METADATA = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            rules:
            - level: Metadata
            """;
    private static final Pattern MICRO_TIME = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");

    @TempDir
    Path dir;
    private AuditedServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    @Test
    void aCreateAtMetadataIsAuditedWhenReceivedAndWhenCompleteUnderTheAuditIdOfItsResponse() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        HttpResponse<String> created = server.send("POST", "/api/v1/namespaces/default/configmaps",
                configMap("settings"), "User-Agent", "audit-test/1.0");
        assertThat(created.statusCode()).isEqualTo(201);
        String auditId = created.headers().firstValue("Audit-Id").orElseThrow();

        List<JsonNode> events = server.closeAndReadEvents();

        assertThat(events).extracting(e -> e.path("stage").asText()).containsExactly("RequestReceived", "ResponseComplete");
        for (JsonNode event : events) {
            assertThat(event.path("kind").asText()).isEqualTo("Event");
            assertThat(event.path("apiVersion").asText()).isEqualTo("audit.k8s.io/v1");
            assertThat(event.path("level").asText()).isEqualTo("Metadata");
            assertThat(event.path("auditID").asText()).isEqualTo(auditId);
            assertThat(event.path("requestURI").asText()).isEqualTo("/api/v1/namespaces/default/configmaps");
            assertThat(event.path("verb").asText()).isEqualTo("create");
            assertThat(event.path("user").path("username").asText()).isEqualTo("system:unsecured");
            assertThat(event.path("sourceIPs").toString()).isEqualTo("[\"127.0.0.1\"]");
            assertThat(event.path("userAgent").asText()).isEqualTo("audit-test/1.0");
            // The URL of a create has no name: it comes from the object sent, as in kube-apiserver.
            assertThat(event.path("objectRef").toString())
                    .isEqualTo("{\"resource\":\"configmaps\",\"namespace\":\"default\",\"name\":\"settings\",\"apiVersion\":\"v1\"}");
            assertThat(event.path("requestReceivedTimestamp").asText()).matches(MICRO_TIME);
            assertThat(event.path("stageTimestamp").asText()).matches(MICRO_TIME);
            assertThat(event.has("requestObject")).isFalse();
            assertThat(event.has("responseObject")).isFalse();
        }
        assertThat(events.get(0).has("responseStatus")).isFalse();
        assertThat(events.get(1).path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"code\":201}");
        assertThat(events.get(1).path("stageTimestamp").asText())
                .isGreaterThanOrEqualTo(events.get(1).path("requestReceivedTimestamp").asText());
    }

    @Test
    void aClientsAuditIdIsKeptAsSentAndEchoed() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        HttpResponse<String> response = server.send("GET", "/api/v1/namespaces/default/configmaps", null,
                "Audit-ID", "trace-42 from the gateway");

        assertThat(response.headers().firstValue("Audit-Id")).hasValue("trace-42 from the gateway");
        assertThat(server.closeAndReadEvents()).extracting(e -> e.path("auditID").asText())
                .containsOnly("trace-42 from the gateway");
    }

    @Test
    void everyAnswerCarriesAnAuditIdEvenWithAuditingOff() throws Exception {
        server = AuditedServer.with(AuditConfig.OFF);
        HttpResponse<String> found = server.send("GET", "/api/v1/namespaces/default", null);
        HttpResponse<String> missing = server.send("GET", "/api/v1/namespaces/default/configmaps/nothing", null);
        HttpResponse<String> health = server.send("GET", "/healthz", null);

        assertThat(List.of(found, missing, health)).allSatisfy(r ->
                assertThat(r.headers().firstValue("Audit-Id").orElseThrow())
                        .matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"));
        assertThat(missing.statusCode()).isEqualTo(404);
    }

    @Test
    void requestResponseLevelKeepsBothObjectsWithoutManagedFieldsWhenAsked() throws Exception {
        server = AuditedServer.withPolicy(dir, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitManagedFields: true
                rules:
                - level: RequestResponse
                  resources: [{group: "", resources: [configmaps]}]
                """);
        server.send("POST", "/api/v1/namespaces/default/configmaps", configMap("kept"));

        List<JsonNode> events = server.closeAndReadEvents();

        assertThat(events).hasSize(2);
        assertThat(events.get(0).has("requestObject")).as("RequestReceived comes before the body is read").isFalse();
        JsonNode complete = events.get(1);
        assertThat(complete.path("level").asText()).isEqualTo("RequestResponse");
        assertThat(complete.path("requestObject").path("data").path("k").asText()).isEqualTo("v");
        assertThat(complete.path("responseObject").path("metadata").path("name").asText()).isEqualTo("kept");
        assertThat(complete.path("responseObject").path("metadata").has("uid")).isTrue();
        assertThat(complete.path("responseObject").path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void omitStagesLeavesOutTheStagesNamed() throws Exception {
        server = AuditedServer.withPolicy(dir, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: Metadata
                """);
        server.send("GET", "/api/v1/namespaces/default/configmaps", null);

        assertThat(server.closeAndReadEvents()).extracting(e -> e.path("stage").asText()).containsExactly("ResponseComplete");
    }

    @Test
    void nonResourceUrlsAreAuditedByTheirRulesAndLevelNoneWritesNothing() throws Exception {
        server = AuditedServer.withPolicy(dir, """
                apiVersion: audit.k8s.io/v1
                kind: Policy
                omitStages: [RequestReceived]
                rules:
                - level: None
                  nonResourceURLs: ["/healthz*", "/readyz"]
                - level: Metadata
                  nonResourceURLs: ["/version"]
                """);
        server.send("GET", "/healthz", null);
        server.send("GET", "/readyz", null);
        server.send("GET", "/version", null);
        server.send("GET", "/api/v1/namespaces", null);
        String metrics = server.metrics();

        List<JsonNode> events = server.closeAndReadEvents();

        assertThat(events).singleElement().satisfies(e -> {
            assertThat(e.path("requestURI").asText()).isEqualTo("/version");
            assertThat(e.path("verb").asText()).isEqualTo("get");
            assertThat(e.has("objectRef")).isFalse();
            assertThat(e.path("responseStatus").path("code").asInt()).isEqualTo(200);
        });
        // None: /healthz, /readyz, the namespace list no rule matches, and the /metrics request itself.
        assertThat(metrics).contains("apiserver_audit_level_total{level=\"Metadata\"} 1.0")
                .contains("apiserver_audit_level_total{level=\"None\"} 4.0")
                .contains("apiserver_audit_event_total 1.0");
    }

    @Test
    void aWatchIsAuditedWhenItsStreamStartsAndWhenItEnds() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        HttpResponse<String> watch = server.send("GET",
                "/api/v1/namespaces/default/configmaps?watch=true&timeoutSeconds=1", null);
        assertThat(watch.statusCode()).isEqualTo(200);

        List<JsonNode> events = server.closeAndReadEvents();

        assertThat(events).extracting(e -> e.path("stage").asText())
                .containsExactly("RequestReceived", "ResponseStarted", "ResponseComplete");
        assertThat(events).extracting(e -> e.path("verb").asText()).containsOnly("watch");
        assertThat(events.get(1).path("responseStatus").path("code").asInt()).isEqualTo(200);
        // The stream was open about a second: ResponseComplete is stamped when it ended.
        assertThat(micros(events.get(2).path("stageTimestamp").asText()) - micros(events.get(1).path("stageTimestamp").asText()))
                .isGreaterThan(800_000);
    }

    @Test
    void aFailureIsAuditedWithItsStatusCodeReasonMessageAndDetails() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        HttpResponse<String> missing = server.send("GET", "/api/v1/namespaces/default/configmaps/absent", null);
        assertThat(missing.statusCode()).isEqualTo(404);

        JsonNode complete = server.closeAndReadEvents().get(1);

        assertThat(complete.path("responseStatus").toString()).isEqualTo("{\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"configmaps \\\"absent\\\" not found\",\"reason\":\"NotFound\","
                + "\"details\":{\"name\":\"absent\",\"kind\":\"configmaps\"},\"code\":404}");
    }

    @Test
    void impersonationIsRecordedApartFromTheAuthenticatedUser() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        server.send("GET", "/api/v1/namespaces/default/configmaps", null,
                "Impersonate-User", "alice", "Impersonate-Group", "dev", "Impersonate-Group", "ops");
        server.send("GET", "/api/v1/namespaces/default/configmaps", null,
                "Impersonate-User", "system:serviceaccount:ci:deployer");

        List<JsonNode> events = server.closeAndReadEvents();

        assertThat(events).extracting(e -> e.path("user").path("username").asText()).containsOnly("system:unsecured");
        assertThat(events.get(0).path("impersonatedUser").toString())
                .isEqualTo("{\"username\":\"alice\",\"groups\":[\"dev\",\"ops\",\"system:authenticated\"]}");
        assertThat(events.get(2).path("impersonatedUser").toString()).isEqualTo("{\"username\":\"system:serviceaccount:ci:deployer\","
                + "\"groups\":[\"system:serviceaccounts\",\"system:serviceaccounts:ci\",\"system:authenticated\"]}");
    }

    @Test
    void impersonatingAGroupWithoutAUserFailsAsKubeApiserverDoesAndIsAudited() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        HttpResponse<String> response = server.send("POST", "/api/v1/namespaces/default/configmaps",
                configMap("never"), "Impersonate-Group", "dev");
        HttpResponse<String> get = server.send("GET", "/api/v1/namespaces/default/configmaps/never", null);

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.headers().firstValue("Audit-Id")).isPresent();
        assertThat(get.statusCode()).as("the create did not run").isEqualTo(404);
        JsonNode complete = server.closeAndReadEvents().get(1);
        assertThat(complete.path("responseStatus").path("code").asInt()).isEqualTo(500);
        assertThat(complete.path("responseStatus").path("message").asText()).contains("without impersonating a user");
    }

    @Test
    void sourceIpsListTheForwardedChainThenThePeer() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        server.send("GET", "/api/v1/namespaces", null, "X-Forwarded-For", "203.0.113.7, not-an-ip, 2001:db8::0:1",
                "X-Real-Ip", "198.51.100.2");

        assertThat(server.closeAndReadEvents().get(0).path("sourceIPs").toString())
                .isEqualTo("[\"203.0.113.7\",\"2001:db8::1\",\"198.51.100.2\",\"127.0.0.1\"]");
    }

    @Test
    void anHttp2StreamIsAuditedWithItsConnectionsPeer() throws Exception {
        server = AuditedServer.withPolicy(dir, EVERYTHING_AT_METADATA);
        java.net.http.HttpClient http2 = java.net.http.HttpClient.newBuilder().version(java.net.http.HttpClient.Version.HTTP_2).build();
        for (int i = 0; i < 2; i++) {   // the first upgrades the connection (h2c), the second is a stream on it
            HttpResponse<String> response = http2.send(java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create(server.url() + "/api/v1/namespaces")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(response.headers().firstValue("audit-id")).isPresent();
        }

        assertThat(server.closeAndReadEvents()).hasSize(4)
                .allSatisfy(e -> assertThat(e.path("sourceIPs").toString()).isEqualTo("[\"127.0.0.1\"]"));
    }

    private static long micros(String microTime) {
        java.time.Instant instant = java.time.Instant.parse(microTime);
        return instant.getEpochSecond() * 1_000_000 + instant.getNano() / 1000;
    }
}
