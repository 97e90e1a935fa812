package dev.caravel.metricsserver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QuantityTest {

    @Test
    void cpuQuantitiesReadAsNanocores() {
        assertThat(Quantity.parse("250m").nanos()).isEqualTo(250_000_000L);
        assertThat(Quantity.parse("2").nanos()).isEqualTo(2_000_000_000L);
        assertThat(Quantity.parse("0.5").nanos()).isEqualTo(500_000_000L);
        assertThat(Quantity.parse("100u").nanos()).isEqualTo(100_000L);
        assertThat(Quantity.parse("1e-3").nanos()).isEqualTo(1_000_000L);
    }

    @Test
    void memoryQuantitiesReadAsBytes() {
        assertThat(Quantity.parse("128Mi").whole()).isEqualTo(128L << 20);
        assertThat(Quantity.parse("1Gi").whole()).isEqualTo(1L << 30);
        assertThat(Quantity.parse("1G").whole()).isEqualTo(1_000_000_000L);
        assertThat(Quantity.parse("1.5Ki").whole()).isEqualTo(1536L);
        assertThat(Quantity.parse("2e3").whole()).isEqualTo(2000L);
    }

    @Test
    void textThatIsNotAQuantityIsRefused() {
        assertThatThrownBy(() -> Quantity.parse("lots")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Quantity.parse("12Qi")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cpuIsWrittenInTheLargestExactDecimalUnitAsGoWritesIt() {
        assertThat(Quantity.cpu(137_482_315L)).isEqualTo("137482315n");
        assertThat(Quantity.cpu(250_000_000L)).isEqualTo("250m");
        assertThat(Quantity.cpu(2_000_000_000L)).isEqualTo("2");
        assertThat(Quantity.cpu(1_500_000L)).isEqualTo("1500u");
        assertThat(Quantity.cpu(0)).isEqualTo("0");
    }

    @Test
    void memoryIsWrittenInTheLargestExactBinaryUnitAsGoWritesIt() {
        assertThat(Quantity.memory(1_495_064_576L)).isEqualTo("1460024Ki");
        assertThat(Quantity.memory(128L << 20)).isEqualTo("128Mi");
        assertThat(Quantity.memory(512)).isEqualTo("512");
        assertThat(Quantity.memory(1500)).isEqualTo("1500");
    }
}
