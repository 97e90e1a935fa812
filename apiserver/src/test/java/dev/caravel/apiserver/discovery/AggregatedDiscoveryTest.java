package dev.caravel.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/** Discovery with backends' group-versions merged in, as kube-aggregator orders and marks them. */
class AggregatedDiscoveryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    /** A fixed set of remote group-versions; {@link #set} changes it and its generation. */
    private static final class Remotes implements AggregatedGroupVersions {
        private final AtomicLong generation = new AtomicLong(1);
        private volatile List<Remote> remotes = List.of();

        void set(Remote... next) {
            remotes = List.of(next);
            generation.incrementAndGet();
        }

        @Override
        public long generation() {
            return generation.get();
        }

        @Override
        public List<Remote> remoteGroupVersions() {
            return remotes;
        }

        @Override
        public Priority localPriority(GroupVersion groupVersion) {
            return switch (groupVersion.group()) {
                case "apiregistration.k8s.io" -> new Priority(18000, 15);
                case "apps" -> new Priority(17800, 15);
                case "batch" -> new Priority(17400, 15);
                default -> new Priority(16000, 15);
            };
        }
    }

    private final Remotes remotes = new Remotes();
    private final DiscoveryDocuments documents = new DiscoveryDocuments(ResourceCatalogue.builtIn(), "127.0.0.1:6443", remotes);

    private static ObjectNode resourceList(String groupVersion) throws IOException {
        return (ObjectNode) JSON.readTree("{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"" + groupVersion
                + "\",\"resources\":[{\"name\":\"pods\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"PodMetrics\","
                + "\"verbs\":[\"get\",\"list\"]},{\"name\":\"pods/log\",\"singularName\":\"\",\"namespaced\":true,"
                + "\"kind\":\"Log\",\"verbs\":[\"get\"]}]}");
    }

    private List<String> groupNames() throws IOException {
        List<String> names = new ArrayList<>();
        JSON.readTree(documents.get("/apis", "application/json").orElseThrow().body()).path("groups")
                .forEach(g -> names.add(g.path("name").asText()));
        return names;
    }

    @Test
    void aBackendsGroupIsPlacedByItsGroupPriorityAndItsVersionsByTheirs() throws IOException {
        List<String> before = groupNames();
        remotes.set(
                new AggregatedGroupVersions.Remote(new GroupVersion("between.example.com", "v1"),
                        new AggregatedGroupVersions.Priority(17500, 10), Optional.of(resourceList("between.example.com/v1")), false),
                new AggregatedGroupVersions.Remote(new GroupVersion("between.example.com", "v2"),
                        new AggregatedGroupVersions.Priority(17500, 20), Optional.empty(), true),
                new AggregatedGroupVersions.Remote(new GroupVersion("metrics.k8s.io", "v1beta1"),
                        new AggregatedGroupVersions.Priority(100, 100), Optional.of(resourceList("metrics.k8s.io/v1beta1")), false));

        List<String> after = groupNames();
        assertThat(after.indexOf("between.example.com")).isEqualTo(after.indexOf("apps") + 1);
        assertThat(after).last().isEqualTo("metrics.k8s.io");
        List<String> withoutRemotes = new ArrayList<>(after);
        withoutRemotes.removeAll(List.of("between.example.com", "metrics.k8s.io"));
        assertThat(withoutRemotes).as("the server's own groups keep their order").isEqualTo(before);

        JsonNode group = JSON.readTree(documents.get("/apis/between.example.com", null).orElseThrow().body());
        assertThat(group.path("preferredVersion").path("version").asText()).as("versionPriority 20 before 10").isEqualTo("v2");
        assertThat(group.path("versions").findValuesAsText("version")).containsExactly("v2", "v1");
    }

    @Test
    void theAggregatedListConvertsTheBackendsResourcesAndMarksAFailedOneStale() throws IOException {
        remotes.set(
                new AggregatedGroupVersions.Remote(new GroupVersion("metrics.k8s.io", "v1beta1"),
                        new AggregatedGroupVersions.Priority(100, 100), Optional.of(resourceList("metrics.k8s.io/v1beta1")), false),
                new AggregatedGroupVersions.Remote(new GroupVersion("down.example.com", "v1"),
                        new AggregatedGroupVersions.Priority(100, 100), Optional.empty(), true));
        JsonNode items = JSON.readTree(documents.get("/apis", V2).orElseThrow().body()).path("items");
        JsonNode metrics = null;
        JsonNode down = null;
        for (JsonNode item : items) {
            switch (item.path("metadata").path("name").asText()) {
                case "metrics.k8s.io" -> metrics = item;
                case "down.example.com" -> down = item;
                default -> { }
            }
        }
        assertThat(metrics).isNotNull();
        assertThat(metrics.path("versions").path(0).path("freshness").asText()).isEqualTo("Current");
        JsonNode pods = metrics.path("versions").path(0).path("resources").path(0);
        assertThat(pods.path("resource").asText()).isEqualTo("pods");
        assertThat(pods.path("scope").asText()).isEqualTo("Namespaced");
        assertThat(pods.path("responseKind").path("kind").asText()).isEqualTo("PodMetrics");
        assertThat(pods.path("subresources").path(0).path("subresource").asText()).isEqualTo("log");
        assertThat(metrics.path("versions").path(0).path("resources")).hasSize(1);

        assertThat(down).isNotNull();
        assertThat(down.path("versions").path(0).toString()).isEqualTo("{\"version\":\"v1\",\"freshness\":\"Stale\"}");
    }
}
