package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SimulatedUsageTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOON = Instant.parse("2026-11-25T12:00:00Z");
    private final SimulatedUsage usage = new SimulatedUsage();

    private static JsonNode pod(String uid, String resources) throws Exception {
        return JSON.readTree("""
                {"metadata":{"name":"web","namespace":"shop","uid":"%s"},
                 "spec":{"nodeName":"node-a","containers":[{"name":"app","resources":%s},{"name":"proxy"}]}}
                """.formatted(uid, resources));
    }

    @Test
    void theSamePodAtTheSameInstantUsesTheSame() throws Exception {
        JsonNode pod = pod("u-1", "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}");
        assertThat(usage.pod(pod, NOON)).isEqualTo(new SimulatedUsage().pod(pod, NOON));
    }

    @Test
    void usageMovesOverMinutesAndDiffersBetweenPods() throws Exception {
        JsonNode one = pod("u-1", "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}");
        JsonNode other = pod("u-2", "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}");
        long now = usage.pod(one, NOON).getFirst().cpuNanocores();
        long later = usage.pod(one, NOON.plus(Duration.ofMinutes(3))).getFirst().cpuNanocores();
        assertThat(later).isNotEqualTo(now);
        assertThat(usage.pod(other, NOON).getFirst().cpuNanocores()).isNotEqualTo(now);
    }

    @Test
    void aContainerUsesAShareOfItsRequestAndNeverMoreThanItsLimit() throws Exception {
        JsonNode requested = pod("u-1", "{\"requests\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}");
        JsonNode limited = pod("u-3", "{\"requests\":{\"cpu\":\"1\",\"memory\":\"1Gi\"},\"limits\":{\"cpu\":\"20m\",\"memory\":\"64Mi\"}}");
        for (int minute = 0; minute < 60; minute += 1) {
            Instant at = NOON.plus(Duration.ofMinutes(minute));
            SimulatedUsage.ContainerUsage app = usage.pod(requested, at).getFirst();
            assertThat(app.cpuNanocores()).isBetween(1L, 700_000_000L);
            assertThat(app.memoryBytes()).isBetween(400L << 20, 720L << 20);
            assertThat(app.memoryBytes() % 4096).isZero();
            SimulatedUsage.ContainerUsage capped = usage.pod(limited, at).getFirst();
            assertThat(capped.cpuNanocores()).isLessThanOrEqualTo(20_000_000L);
            assertThat(capped.memoryBytes()).isLessThanOrEqualTo(64L << 20);
        }
    }

    @Test
    void aContainerWithoutRequestsStillUsesALittle() throws Exception {
        SimulatedUsage.ContainerUsage proxy = usage.pod(pod("u-1", "{}"), NOON).get(1);
        assertThat(proxy.name()).isEqualTo("proxy");
        assertThat(proxy.cpuNanocores()).isBetween(1L, 10_000_000L);
        assertThat(proxy.memoryBytes()).isBetween(4096L, 32L << 20);
    }

    @Test
    void sidecarInitContainersRunButOrdinaryInitContainersHaveFinished() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"metadata":{"name":"p","namespace":"n","uid":"u"},
                 "spec":{"initContainers":[{"name":"migrate"},{"name":"mesh","restartPolicy":"Always"}],
                         "containers":[{"name":"app"}]}}
                """);
        assertThat(usage.pod(pod, NOON)).extracting(SimulatedUsage.ContainerUsage::name).containsExactly("mesh", "app");
    }

    @Test
    void aNodeUsesItsPodsPlusOverheadBoundedByItsCapacity() throws Exception {
        JsonNode node = JSON.readTree("{\"metadata\":{\"name\":\"node-a\",\"uid\":\"n\"},\"status\":{\"capacity\":{\"cpu\":\"4\",\"memory\":\"8Gi\"}}}");
        List<JsonNode> pods = new ArrayList<>();
        long podCpu = 0;
        for (int i = 0; i < 3; i++) {
            JsonNode pod = pod("u-" + i, "{\"requests\":{\"cpu\":\"500m\",\"memory\":\"256Mi\"}}");
            pods.add(pod);
            podCpu += usage.pod(pod, NOON).stream().mapToLong(SimulatedUsage.ContainerUsage::cpuNanocores).sum();
        }
        SimulatedUsage.NodeUsage used = usage.node(node, pods, NOON);
        assertThat(used.cpuNanocores()).isGreaterThan(podCpu).isLessThanOrEqualTo(4_000_000_000L);
        assertThat(used.memoryBytes()).isGreaterThan(256L << 20).isLessThanOrEqualTo(8L << 30);

        JsonNode tiny = JSON.readTree("{\"metadata\":{\"name\":\"tiny\"},\"status\":{\"capacity\":{\"cpu\":\"100m\",\"memory\":\"128Mi\"}}}");
        SimulatedUsage.NodeUsage full = usage.node(tiny, pods, NOON);
        assertThat(full.cpuNanocores()).isEqualTo(100_000_000L);
        assertThat(full.memoryBytes()).isEqualTo(128L << 20);
    }
}
