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

    private static long grace(String pod, Long requested) throws Exception {
        return new PodStrategy(null).gracePeriod(JSON.readTree(pod), requested).orElseThrow();
    }

    @Test
    void aScheduledPodIsGivenTheRequestedGraceElseItsOwn() throws Exception {
        String pod = "{\"spec\":{\"nodeName\":\"n\",\"terminationGracePeriodSeconds\":45},\"status\":{\"phase\":\"Running\"}}";
        assertThat(grace(pod, null)).isEqualTo(45);
        assertThat(grace(pod, 5L)).isEqualTo(5);
        assertThat(grace(pod, 0L)).isZero();
        assertThat(grace("{\"spec\":{\"nodeName\":\"n\"}}", null)).as("no grace of its own").isZero();
    }

    @Test
    void aPodNothingRunsIsDeletedWithoutGrace() throws Exception {
        assertThat(grace("{\"spec\":{\"terminationGracePeriodSeconds\":45}}", 30L)).as("never scheduled").isZero();
        assertThat(grace("{\"spec\":{\"nodeName\":\"n\",\"terminationGracePeriodSeconds\":45},"
                + "\"status\":{\"phase\":\"Failed\"}}", null)).as("finished").isZero();
    }
}
