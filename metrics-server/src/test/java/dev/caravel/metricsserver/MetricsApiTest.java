package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class MetricsApiTest {

    @Test
    void windowsAreWrittenAsGoWritesDurations() {
        assertThat(MetricsApi.goDuration(Duration.ofSeconds(15))).isEqualTo("15s");
        assertThat(MetricsApi.goDuration(Duration.ofMillis(10_500))).isEqualTo("10.5s");
        assertThat(MetricsApi.goDuration(Duration.ofMillis(500))).isEqualTo("500ms");
        assertThat(MetricsApi.goDuration(Duration.ofSeconds(60))).isEqualTo("1m0s");
        assertThat(MetricsApi.goDuration(Duration.ofMinutes(90))).isEqualTo("1h30m0s");
    }

    @Test
    void aggregatedDiscoveryIsChosenOnlyWhenAskedForFirst() {
        assertThat(MetricsApi.aggregatedVersionAsked(
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")).isEqualTo("v2");
        assertThat(MetricsApi.aggregatedVersionAsked(
                "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList")).isEqualTo("v2beta1");
        assertThat(MetricsApi.aggregatedVersionAsked("application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"))
                .isNull();
        assertThat(MetricsApi.aggregatedVersionAsked("")).isNull();
    }

    @Test
    void tablesAreChosenInTheVersionAskedFor() {
        assertThat(MetricsTable.versionAsked("application/json;as=Table;v=v1;g=meta.k8s.io,application/json")).isEqualTo("v1");
        assertThat(MetricsTable.versionAsked("application/json;as=Table;v=v1beta1;g=meta.k8s.io")).isEqualTo("v1beta1");
        assertThat(MetricsTable.versionAsked("application/json")).isNull();
    }
}
