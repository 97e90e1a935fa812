package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class PodStrategyTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static String qos(String spec) throws Exception {
        return PodStrategy.qosClass(JSON.readTree(spec));
    }

    @Test
    void podWithoutRequestsOrLimitsIsBestEffort() throws Exception {
        assertThat(qos("{\"containers\":[{\"name\":\"a\"}]}")).isEqualTo("BestEffort");
    }

    @Test
    void podLimitingCpuAndMemoryEverywhereIsGuaranteed() throws Exception {
        assertThat(qos("{\"containers\":[{\"name\":\"a\",\"resources\":{\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}"))
                .isEqualTo("Guaranteed");
    }

    @Test
    void podAskingLessThanItsLimitIsBurstable() throws Exception {
        assertThat(qos("{\"containers\":[{\"name\":\"a\",\"resources\":{\"requests\":{\"cpu\":\"100m\"},"
                + "\"limits\":{\"cpu\":\"1\",\"memory\":\"1Gi\"}}}]}")).isEqualTo("Burstable");
    }
}
