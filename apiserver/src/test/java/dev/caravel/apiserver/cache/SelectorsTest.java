package dev.caravel.apiserver.cache;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.resource.GroupVersion;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.caravel.apiserver.cache.TestServer.pod;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Label selectors (every operator) and each kind's field selectors on cached lists, through HTTP,
 * and the indexes that serve them: a list that returns five pods examines five.
 */
class SelectorsTest {

    private static final int PODS = 300;
    private static TestServer server;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        for (String ns : List.of("sel-a", "sel-b", "sel-c")) {
            server.namespace(ns);
        }
        for (int i = 0; i < PODS; i++) {
            String labels = "\"app\":\"app-" + (i % 60) + "\",\"rank\":\"" + i + "\""
                    + (i % 2 == 0 ? ",\"tier\":\"front\"" : ",\"tier\":\"back\"") + (i % 100 == 0 ? ",\"canary\":\"yes\"" : "");
            server.create("/api/v1/namespaces/sel-" + "abc".charAt(i % 3) + "/pods", pod("pod-" + i, labels, "node-" + (i % 10)));
        }
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static List<String> names(String path) throws Exception {
        HttpResponse<String> response = server.send("GET", path, null);
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        List<String> names = new ArrayList<>();
        TestServer.JSON.readTree(response.body()).path("items")
                .forEach(item -> names.add(item.path("metadata").path("name").asText()));
        return names;
    }

    private static String pods(String labelSelector) {
        return "/api/v1/pods?labelSelector=" + URLEncoder.encode(labelSelector, StandardCharsets.UTF_8);
    }

    private static String podsWithFields(String fieldSelector) {
        return "/api/v1/pods?fieldSelector=" + URLEncoder.encode(fieldSelector, StandardCharsets.UTF_8);
    }

    private static WatchCache podCache() {
        return server.server.registry().store(server.server.registry().catalogue().snapshot()
                .resource(new GroupVersion("", "v1"), "pods").orElseThrow()).reads().cache();
    }

    @Test
    void everyLabelOperatorSelectsAsKubernetesDoes() throws Exception {
        assertThat(names(pods("app=app-7"))).containsExactlyInAnyOrder("pod-7", "pod-67", "pod-127", "pod-187", "pod-247");
        assertThat(names(pods("app==app-7,tier=back"))).containsExactlyInAnyOrder("pod-7", "pod-67", "pod-127", "pod-187", "pod-247");
        assertThat(names(pods("app in (app-1,app-2)"))).hasSize(10);
        assertThat(names(pods("app=app-3,tier!=back"))).isEmpty();
        // Front pods are the 150 even ones; app-2's five are among them, app-1's are odd.
        assertThat(names(pods("app notin (app-1,app-2),tier in (front)"))).hasSize(145);
        assertThat(names(pods("canary"))).containsExactlyInAnyOrder("pod-0", "pod-100", "pod-200");
        assertThat(names(pods("!canary"))).hasSize(PODS - 3);
        assertThat(names(pods("rank>296"))).containsExactlyInAnyOrder("pod-297", "pod-298", "pod-299");
        assertThat(names(pods("rank<2"))).containsExactlyInAnyOrder("pod-0", "pod-1");
        assertThat(names("/api/v1/namespaces/sel-b/pods?labelSelector=" + URLEncoder.encode("app in (app-1,app-4)",
                StandardCharsets.UTF_8))).as("in key order, from the union of two index entries")
                .containsExactly("pod-1", "pod-121", "pod-124", "pod-181", "pod-184", "pod-241", "pod-244", "pod-4", "pod-61", "pod-64");
    }

    @Test
    void aMalformedLabelSelectorIs400() throws Exception {
        HttpResponse<String> response = server.send("GET", "/api/v1/pods?labelSelector=" + URLEncoder.encode("app in a",
                StandardCharsets.UTF_8), null);
        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(TestServer.JSON.readTree(response.body()).path("reason").asText()).isEqualTo("BadRequest");
    }

    @Test
    void podFieldsSelectByNodePhaseSchedulerNameAndMetadata() throws Exception {
        assertThat(names(podsWithFields("spec.nodeName=node-3"))).hasSize(30).allMatch(n -> Integer.parseInt(n.substring(4)) % 10 == 3);
        assertThat(names(podsWithFields("spec.host=node-3"))).hasSize(30);
        assertThat(names("/api/v1/namespaces/sel-a/pods?fieldSelector=status.phase%3DPending")).hasSize(PODS / 3);
        assertThat(names(podsWithFields("status.phase!=Pending"))).isEmpty();
        assertThat(names(podsWithFields("spec.schedulerName=default-scheduler,metadata.name=pod-42"))).containsExactly("pod-42");
        assertThat(names(podsWithFields("metadata.namespace=sel-c,spec.nodeName=node-2"))).hasSize(10);
        assertThat(names(podsWithFields("metadata.namespace!=sel-c"))).hasSize(200);
        assertThat(names(podsWithFields("spec.restartPolicy=Always,spec.nodeName=node-1,spec.hostNetwork=false"))).hasSize(30);
        assertThat(names("/api/v1/namespaces/sel-a/pods?fieldSelector=metadata.name%3Dpod-3")).containsExactly("pod-3");
        assertThat(names("/api/v1/namespaces/sel-b/pods?fieldSelector=metadata.name%3Dpod-3")).isEmpty();
    }

    @Test
    void otherKindsSelectByTheirOwnFields() throws Exception {
        server.namespace("kinds");
        server.create("/api/v1/namespaces/kinds/secrets", "{\"metadata\":{\"name\":\"tls\"},\"type\":\"kubernetes.io/tls\","
                + "\"data\":{\"tls.crt\":\"YQ==\",\"tls.key\":\"YQ==\"}}");
        server.create("/api/v1/namespaces/kinds/secrets", "{\"metadata\":{\"name\":\"plain\"}}");
        assertThat(names("/api/v1/namespaces/kinds/secrets?fieldSelector=type%3Dkubernetes.io%2Ftls")).containsExactly("tls");
        assertThat(names("/api/v1/namespaces/kinds/secrets?fieldSelector=type%3DOpaque")).containsExactly("plain");

        server.create("/api/v1/nodes", "{\"metadata\":{\"name\":\"cordoned\"},\"spec\":{\"unschedulable\":true}}");
        server.create("/api/v1/nodes", "{\"metadata\":{\"name\":\"open\"}}");
        assertThat(names("/api/v1/nodes?fieldSelector=spec.unschedulable%3Dtrue")).containsExactly("cordoned");
        assertThat(names("/api/v1/nodes?fieldSelector=spec.unschedulable%3Dfalse")).containsExactly("open");

        server.create("/api/v1/namespaces/kinds/events", "{\"metadata\":{\"name\":\"e1\"},\"involvedObject\":{\"kind\":\"Pod\","
                + "\"name\":\"pod-1\",\"namespace\":\"kinds\"},\"reason\":\"Started\",\"type\":\"Normal\",\"source\":{\"component\":\"kubelet\"}}");
        server.create("/api/v1/namespaces/kinds/events", "{\"metadata\":{\"name\":\"e2\"},\"involvedObject\":{\"kind\":\"Node\","
                + "\"name\":\"n\"},\"reason\":\"Ready\",\"type\":\"Warning\"}");
        assertThat(names("/api/v1/namespaces/kinds/events?fieldSelector=involvedObject.kind%3DPod,involvedObject.name%3Dpod-1"))
                .containsExactly("e1");
        assertThat(names("/api/v1/namespaces/kinds/events?fieldSelector=type%3DWarning")).containsExactly("e2");
        assertThat(names("/api/v1/namespaces/kinds/events?fieldSelector=source%3Dkubelet")).containsExactly("e1");

        assertThat(names("/api/v1/namespaces?fieldSelector=status.phase%3DActive")).contains("default", "kinds");
    }

    @Test
    void aFieldTheKindDoesNotSupportIs400WithKubernetesMessage() throws Exception {
        HttpResponse<String> pods = server.send("GET", "/api/v1/pods?fieldSelector=spec.nope%3Dx", null);
        assertThat(pods.statusCode()).isEqualTo(400);
        assertThat(TestServer.JSON.readTree(pods.body()).path("message").asText()).isEqualTo("field label not supported: spec.nope");
        HttpResponse<String> nodes = server.send("GET", "/api/v1/nodes?fieldSelector=metadata.namespace%3Dx", null);
        assertThat(TestServer.JSON.readTree(nodes.body()).path("message").asText())
                .isEqualTo("field label not supported: metadata.namespace");
        HttpResponse<String> configMaps = server.send("GET", "/api/v1/configmaps?fieldSelector=data.k%3Dx", null);
        assertThat(configMaps.statusCode()).isEqualTo(400);
        JsonNode status = TestServer.JSON.readTree(configMaps.body());
        assertThat(status.path("reason").asText()).isEqualTo("BadRequest");
        assertThat(status.path("message").asText())
                .isEqualTo("\"data.k\" is not a known field selector: only \"metadata.name\", \"metadata.namespace\"");
    }

    @Test
    void selectiveListsAreServedByIndexesWithoutReadingEveryPod() throws Exception {
        WatchCache pods = podCache();
        WatchCache.ListStats before = pods.listStats();
        assertThat(names(pods("app=app-11"))).hasSize(5);
        WatchCache.ListStats afterLabels = pods.listStats();
        assertThat(afterLabels.fetchedObjects() - before.fetchedObjects()).isEqualTo(5);
        assertThat(afterLabels.listsByIndex() - before.listsByIndex()).isEqualTo(1);

        assertThat(names(podsWithFields("spec.nodeName=node-4"))).hasSize(30);
        WatchCache.ListStats afterNode = pods.listStats();
        assertThat(afterNode.fetchedObjects() - afterLabels.fetchedObjects()).isEqualTo(30);

        assertThat(names(podsWithFields("metadata.namespace=sel-a"))).hasSize(100);
        WatchCache.ListStats afterNamespace = pods.listStats();
        assertThat(afterNamespace.fetchedObjects() - afterNode.fetchedObjects()).isEqualTo(100);
    }

    @Test
    void aWatchOfOneNodesPodsSeesOnlyThatNode() throws Exception {
        server.namespace("nodes-watch");
        try (TestServer.WatchStream nodeX = server.watch("/api/v1/pods?watch=true&resourceVersion=0&fieldSelector=spec.nodeName%3Dnode-x");
             TestServer.WatchStream nodeY = server.watch("/api/v1/pods?watch=true&resourceVersion=0&fieldSelector=spec.nodeName%3Dnode-y")) {
            server.create("/api/v1/namespaces/nodes-watch/pods", pod("on-x", "", "node-x"));
            server.create("/api/v1/namespaces/nodes-watch/pods", pod("on-y", "", "node-y"));
            JsonNode onX = nodeX.nextChange();
            assertThat(onX.path("type").asText()).isEqualTo("ADDED");
            assertThat(onX.path("object").path("metadata").path("name").asText()).isEqualTo("on-x");
            assertThat(nodeY.nextChange().path("object").path("metadata").path("name").asText()).isEqualTo("on-y");
            server.send("DELETE", "/api/v1/namespaces/nodes-watch/pods/on-x", null);
            JsonNode deleted = nodeX.nextChange();
            assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
            assertThat(deleted.path("object").path("metadata").path("name").asText()).isEqualTo("on-x");
        }
        // Leave the cluster's pods as the other tests count them.
        server.send("DELETE", "/api/v1/namespaces/nodes-watch/pods/on-y", null);
    }
}
