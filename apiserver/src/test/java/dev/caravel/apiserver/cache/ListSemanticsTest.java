package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

import static dev.caravel.apiserver.cache.TestServer.configMap;
import static dev.caravel.apiserver.cache.TestServer.rv;
import static org.assertj.core.api.Assertions.assertThat;

/** resourceVersion, resourceVersionMatch, limit and continue on lists, through HTTP, as Kubernetes answers them. */
class ListSemanticsTest {

    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> names(JsonNode list) {
        List<String> names = new ArrayList<>();
        list.path("items").forEach(item -> names.add(item.path("metadata").path("name").asText()));
        return names;
    }

    @Test
    void aConsistentListSeesTheWriteJustMadeAndItsRevision() throws Exception {
        server.namespace("consistent");
        for (int i = 0; i < 20; i++) {
            JsonNode created = server.create("/api/v1/namespaces/consistent/configmaps", configMap("cm" + i, "", "v"));
            JsonNode list = server.get("/api/v1/namespaces/consistent/configmaps");
            assertThat(names(list)).contains("cm" + i).hasSize(i + 1);
            assertThat(rv(list)).isGreaterThanOrEqualTo(rv(created));
        }
        JsonNode list = server.get("/api/v1/namespaces/consistent/configmaps");
        assertThat(list.path("kind").asText()).isEqualTo("ConfigMapList");
        assertThat(list.path("apiVersion").asText()).isEqualTo("v1");
        JsonNode item = list.path("items").get(0);
        assertThat(item.has("kind")).as("list items carry no kind, as in Kubernetes").isFalse();
        assertThat(item.path("metadata").path("resourceVersion").asText()).isNotEmpty();
    }

    @Test
    void aConsistentListSeesADeletionAndAnUpdateAtOnce() throws Exception {
        server.namespace("changes");
        server.create("/api/v1/namespaces/changes/configmaps", configMap("a", "", "1"));
        server.send("PUT", "/api/v1/namespaces/changes/configmaps/a", configMap("a", "", "2"));
        assertThat(server.get("/api/v1/namespaces/changes/configmaps").path("items").get(0).path("data").path("k").asText())
                .isEqualTo("2");
        server.send("DELETE", "/api/v1/namespaces/changes/configmaps/a", null);
        assertThat(names(server.get("/api/v1/namespaces/changes/configmaps"))).isEmpty();
    }

    @Test
    void resourceVersionZeroIsAnyCachedStateAndIgnoresTheLimit() throws Exception {
        server.namespace("zero");
        for (int i = 0; i < 3; i++) {
            server.create("/api/v1/namespaces/zero/configmaps", configMap("z" + i, "", "v"));
        }
        // A consistent read first, so the cache is known to hold the three.
        server.get("/api/v1/namespaces/zero/configmaps");
        JsonNode list = server.get("/api/v1/namespaces/zero/configmaps?resourceVersion=0&limit=1");
        assertThat(names(list)).containsExactly("z0", "z1", "z2");
        assertThat(list.path("metadata").has("continue")).isFalse();
    }

    @Test
    void pagesCarryAContinueTokenInKubernetesFormatAndStayAtTheirResourceVersion() throws Exception {
        server.namespace("paged");
        for (int i = 0; i < 5; i++) {
            server.create("/api/v1/namespaces/paged/configmaps", configMap("p" + i, "", "v"));
        }
        JsonNode first = server.get("/api/v1/namespaces/paged/configmaps?limit=2");
        assertThat(names(first)).containsExactly("p0", "p1");
        assertThat(first.path("metadata").path("remainingItemCount").asLong()).isEqualTo(3);
        String token = first.path("metadata").path("continue").asText();
        JsonNode decoded = TestServer.JSON.readTree(Base64.getUrlDecoder().decode(token));
        assertThat(decoded.path("v").asText()).isEqualTo("meta.k8s.io/v1");
        assertThat(decoded.path("rv").asLong()).isEqualTo(rv(first));
        assertThat(decoded.path("start").asText()).isEqualTo("p1\u0000");

        // A change after the first page is not seen by the rest of the list: it stays at its revision.
        server.create("/api/v1/namespaces/paged/configmaps", configMap("p2a", "", "v"));
        server.send("DELETE", "/api/v1/namespaces/paged/configmaps/p3", null);
        JsonNode second = server.get("/api/v1/namespaces/paged/configmaps?limit=2&continue=" + token);
        assertThat(rv(second)).isEqualTo(rv(first));
        assertThat(names(second)).containsExactly("p2", "p3");
        JsonNode third = server.get("/api/v1/namespaces/paged/configmaps?limit=2&continue="
                + second.path("metadata").path("continue").asText());
        assertThat(names(third)).containsExactly("p4");
        assertThat(third.path("metadata").has("continue")).isFalse();
        assertThat(third.path("metadata").has("remainingItemCount")).isFalse();
    }

    @Test
    void pagesOfAnUnchangedResourceAreServedExactlyFromTheCache() throws Exception {
        server.namespace("steady");
        for (int i = 0; i < 4; i++) {
            server.create("/api/v1/namespaces/steady/configmaps", configMap("s" + i, "", "v"));
        }
        JsonNode first = server.get("/api/v1/namespaces/steady/configmaps?limit=3");
        // Other resources change; this one does not: the continued list is still exact.
        server.create("/api/v1/namespaces/steady/secrets", "{\"metadata\":{\"name\":\"other\"}}");
        JsonNode second = server.get("/api/v1/namespaces/steady/configmaps?limit=3&continue="
                + first.path("metadata").path("continue").asText());
        assertThat(names(second)).containsExactly("s3");
        assertThat(rv(second)).isEqualTo(rv(first));
    }

    @Test
    void aSelectedPageReportsNoRemainingItemCount() throws Exception {
        server.namespace("selpage");
        for (int i = 0; i < 4; i++) {
            server.create("/api/v1/namespaces/selpage/configmaps", configMap("l" + i, "\"app\":\"x\"", "v"));
        }
        JsonNode first = server.get("/api/v1/namespaces/selpage/configmaps?limit=2&labelSelector=app%3Dx");
        assertThat(names(first)).containsExactly("l0", "l1");
        assertThat(first.path("metadata").path("continue").asText()).isNotEmpty();
        assertThat(first.path("metadata").has("remainingItemCount")).isFalse();
    }

    @Test
    void aCompactedContinueTokenIs410WithAFreshTokenThatContinuesAtTheLatestRevision() throws Exception {
        server.namespace("expired");
        for (int i = 0; i < 4; i++) {
            server.create("/api/v1/namespaces/expired/configmaps", configMap("e" + i, "", "v"));
        }
        JsonNode first = server.get("/api/v1/namespaces/expired/configmaps?limit=2");
        server.create("/api/v1/namespaces/expired/configmaps", configMap("e9", "", "v"));
        server.store.compact(server.store.currentRevision());
        HttpResponse<String> gone = server.send("GET", "/api/v1/namespaces/expired/configmaps?limit=2&continue="
                + first.path("metadata").path("continue").asText(), null);
        assertThat(gone.statusCode()).isEqualTo(410);
        JsonNode status = TestServer.JSON.readTree(gone.body());
        assertThat(status.path("reason").asText()).isEqualTo("Expired");
        assertThat(status.path("message").asText()).startsWith("The provided continue parameter is too old");
        String fresh = status.path("metadata").path("continue").asText();
        JsonNode token = TestServer.JSON.readTree(Base64.getUrlDecoder().decode(fresh));
        assertThat(token.path("rv").asLong()).isEqualTo(-1);
        JsonNode rest = server.get("/api/v1/namespaces/expired/configmaps?limit=10&continue=" + fresh);
        assertThat(names(rest)).containsExactly("e2", "e3", "e9");
        assertThat(rv(rest)).isGreaterThan(rv(first));
    }

    @Test
    void exactReadsSeeThePastAndAreGoneOnceCompacted() throws Exception {
        server.namespace("exact");
        JsonNode created = server.create("/api/v1/namespaces/exact/configmaps", configMap("x", "", "old"));
        server.send("PUT", "/api/v1/namespaces/exact/configmaps/x", configMap("x", "", "new"));
        JsonNode past = server.get("/api/v1/namespaces/exact/configmaps?resourceVersion=" + rv(created)
                + "&resourceVersionMatch=Exact");
        assertThat(rv(past)).isEqualTo(rv(created));
        assertThat(past.path("items").get(0).path("data").path("k").asText()).isEqualTo("old");
        // The legacy exact read: a resourceVersion with a limit and no match.
        JsonNode legacy = server.get("/api/v1/namespaces/exact/configmaps?resourceVersion=" + rv(created) + "&limit=5");
        assertThat(legacy.path("items").get(0).path("data").path("k").asText()).isEqualTo("old");

        server.store.compact(server.store.currentRevision());
        HttpResponse<String> gone = server.send("GET", "/api/v1/namespaces/exact/configmaps?resourceVersion="
                + rv(created) + "&resourceVersionMatch=Exact", null);
        assertThat(gone.statusCode()).isEqualTo(410);
        assertThat(TestServer.JSON.readTree(gone.body()).path("message").asText())
                .isEqualTo("The resourceVersion for the provided list is too old.");
    }

    @Test
    void notOlderThanAnOlderRevisionIsServedFromTheCache() throws Exception {
        server.namespace("older");
        JsonNode created = server.create("/api/v1/namespaces/older/configmaps", configMap("o", "", "v"));
        server.send("PUT", "/api/v1/namespaces/older/configmaps/o", configMap("o", "", "w"));
        JsonNode list = server.get("/api/v1/namespaces/older/configmaps?resourceVersion=" + rv(created)
                + "&resourceVersionMatch=NotOlderThan");
        assertThat(rv(list)).isGreaterThan(rv(created));
        assertThat(list.path("items").get(0).path("data").path("k").asText()).isEqualTo("w");
    }

    @Test
    void aResourceVersionAheadOfTheCacheWaitsThenIs504WithKubernetesStatus() throws Exception {
        long ahead = server.store.currentRevision() + 1000;
        long started = System.nanoTime();
        HttpResponse<String> response = server.send("GET", "/api/v1/namespaces/default/configmaps?resourceVersion="
                + ahead + "&resourceVersionMatch=NotOlderThan", null);
        long waitedMillis = (System.nanoTime() - started) / 1_000_000;
        assertThat(response.statusCode()).isEqualTo(504);
        assertThat(waitedMillis).isGreaterThanOrEqualTo(2_900);
        assertThat(response.headers().firstValue("Retry-After")).hasValue("1");
        JsonNode status = TestServer.JSON.readTree(response.body());
        assertThat(status.path("reason").asText()).isEqualTo("Timeout");
        assertThat(status.path("message").asText()).startsWith("Timeout: Too large resource version: " + ahead + ", current: ");
        assertThat(status.path("details").path("retryAfterSeconds").asInt()).isEqualTo(1);
        assertThat(status.path("details").path("causes").get(0).path("reason").asText()).isEqualTo("ResourceVersionTooLarge");
        assertThat(status.path("details").path("causes").get(0).path("message").asText()).isEqualTo("Too large resource version");
    }

    @Test
    void aMalformedContinueTokenIs400() throws Exception {
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(
                "{\"v\":\"meta.k8s.io/v1\",\"rv\":0,\"start\":\"a\"}".getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = server.send("GET", "/api/v1/namespaces/default/configmaps?continue=" + token, null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.JSON.readTree(response.body()).path("message").asText())
                .isEqualTo("invalid continue token: continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }

    @Test
    void listsOfClusterScopedResourcesAndAcrossNamespacesComeFromTheCache() throws Exception {
        server.namespace("across-a");
        server.namespace("across-b");
        server.create("/api/v1/namespaces/across-a/configmaps", configMap("same", "\"across\":\"yes\"", "a"));
        server.create("/api/v1/namespaces/across-b/configmaps", configMap("same", "\"across\":\"yes\"", "b"));
        JsonNode all = server.get("/api/v1/configmaps?labelSelector=across");
        assertThat(all.path("items")).hasSize(2);
        assertThat(all.path("items").get(0).path("metadata").path("namespace").asText()).isEqualTo("across-a");
        JsonNode namespaces = server.get("/api/v1/namespaces");
        assertThat(names(namespaces)).contains("default", "kube-system", "across-a", "across-b");
    }

    @Test
    void aListLargerThanAMebibyteArrivesWholeInChunks() throws Exception {
        server.namespace("large");
        String value = "v".repeat(64 * 1024);
        for (int i = 0; i < 40; i++) {
            server.create("/api/v1/namespaces/large/configmaps", configMap("big" + i, "", value));
        }
        HttpResponse<String> response = server.send("GET", "/api/v1/namespaces/large/configmaps", null);
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/json"));
        JsonNode list = TestServer.JSON.readTree(response.body());
        assertThat(list.path("items")).hasSize(40);
        assertThat(list.path("items").get(39).path("data").path("k").asText()).hasSize(64 * 1024);
    }

    @Test
    void aContinueTokenPastTheLastKeyGivesAnEmptyPage() throws Exception {
        server.namespace("past");
        server.create("/api/v1/namespaces/past/configmaps", configMap("only", "", "v"));
        long revision = rv(server.get("/api/v1/namespaces/past/configmaps"));
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(("{\"v\":\"meta.k8s.io/v1\",\"rv\":" + revision
                + ",\"start\":\"\uffff\uffff\"}").getBytes(StandardCharsets.UTF_8));
        JsonNode page = server.get("/api/v1/namespaces/past/configmaps?limit=5&continue=" + token);
        assertThat(page.path("items")).isEmpty();
        assertThat(rv(page)).isEqualTo(revision);
    }
}
