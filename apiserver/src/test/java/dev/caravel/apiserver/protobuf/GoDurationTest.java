package dev.caravel.apiserver.protobuf;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class GoDurationTest {

    private static final long SECOND = 1_000_000_000L;

    @Test
    void wholeDurationsNameEveryUnitFromTheLargest() {
        assertThat(GoDuration.format(3600 * SECOND)).isEqualTo("1h0m0s");
        assertThat(GoDuration.format(90 * SECOND)).isEqualTo("1m30s");
        assertThat(GoDuration.format(5 * SECOND)).isEqualTo("5s");
        assertThat(GoDuration.format(0)).isEqualTo("0s");
    }

    @Test
    void fractionsDropTrailingZeros() {
        assertThat(GoDuration.format(2 * SECOND + 500_000_000L)).isEqualTo("2.5s");
        assertThat(GoDuration.format(3723 * SECOND + 1)).isEqualTo("1h2m3.000000001s");
    }

    @Test
    void shortDurationsUseTheLargestUnitUnderASecond() {
        assertThat(GoDuration.format(1_500_000L)).isEqualTo("1.5ms");
        assertThat(GoDuration.format(1_500L)).isEqualTo("1.5\u00b5s");
        assertThat(GoDuration.format(999L)).isEqualTo("999ns");
    }

    @Test
    void negativeDurationsAreSigned() {
        assertThat(GoDuration.format(-90 * SECOND)).isEqualTo("-1m30s");
        assertThat(GoDuration.format(Long.MIN_VALUE)).isEqualTo("-2562047h47m16.854775808s");
    }
}
