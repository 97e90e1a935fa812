package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ClusterStateTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aPodIsKeptWithWhatItsMetricsNeedAndTheSameUsage() throws Exception {
        JsonNode pod = JSON.readTree("""
                {"metadata":{"name":"web","namespace":"shop","uid":"u-1","labels":{"app":"web"},
                             "managedFields":[{"manager":"kubectl"}],"annotations":{"a":"b"}},
                 "spec":{"nodeName":"node-a","volumes":[{"name":"v"}],
                         "initContainers":[{"name":"mesh","restartPolicy":"Always","image":"envoy"}],
                         "containers":[{"name":"app","image":"nginx","env":[{"name":"X","value":"1"}],
                                        "resources":{"requests":{"cpu":"250m"},"limits":{"memory":"64Mi"}}}]},
                 "status":{"phase":"Running","conditions":[{"type":"Ready"}]}}
                """);
        JsonNode kept = ClusterState.usageRelevant(pod);
        assertThat(kept.path("metadata").has("managedFields")).isFalse();
        assertThat(kept.path("spec").has("volumes")).isFalse();
        assertThat(kept.path("spec").path("containers").get(0).has("env")).isFalse();
        assertThat(kept.path("metadata").path("labels").path("app").asText()).isEqualTo("web");
        assertThat(MetricsApi.isRunning(kept)).isTrue();
        Instant at = Instant.parse("2026-11-25T12:00:00Z");
        assertThat(new SimulatedUsage().pod(kept, at)).isEqualTo(new SimulatedUsage().pod(pod, at));
    }
}
