package dev.caravel.audit.event;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class MicroTimestampTest {

    @Test
    void microTimeAsKubeApiserverWritesItParsesToTheMicrosecond() {
        long micros = MicroTimestamp.parse("2026-11-25T13:18:37.123456Z");
        assertThat(MicroTimestamp.toInstant(micros)).isEqualTo(Instant.parse("2026-11-25T13:18:37.123456Z"));
    }

    @Test
    void fewerOrMoreFractionDigitsAndNoFractionAreAccepted() {
        assertThat(MicroTimestamp.parse("2026-11-25T13:18:37Z"))
                .isEqualTo(MicroTimestamp.of(Instant.parse("2026-11-25T13:18:37Z")));
        assertThat(MicroTimestamp.parse("2026-11-25T13:18:37.5Z"))
                .isEqualTo(MicroTimestamp.of(Instant.parse("2026-11-25T13:18:37.5Z")));
        assertThat(MicroTimestamp.parse("2026-11-25T13:18:37.123456789Z"))
                .isEqualTo(MicroTimestamp.of(Instant.parse("2026-11-25T13:18:37.123456Z")));
    }

    @Test
    void aNumericOffsetIsConvertedToUtc() {
        assertThat(MicroTimestamp.parse("2026-11-25T15:18:37.000001+02:00"))
                .isEqualTo(MicroTimestamp.parse("2026-11-25T13:18:37.000001Z"));
    }

    @Test
    void textThatIsNotATimestampIsInvalid() {
        assertThat(MicroTimestamp.parse("yesterday")).isEqualTo(MicroTimestamp.INVALID);
        assertThat(MicroTimestamp.parse("2026-13-25T13:18:37Z")).isEqualTo(MicroTimestamp.INVALID);
        assertThat(MicroTimestamp.parse("2026-02-30T13:18:37Z")).isEqualTo(MicroTimestamp.INVALID);
        assertThat(MicroTimestamp.parse("2026-11-25T13:18:37.Z")).isEqualTo(MicroTimestamp.INVALID);
        assertThat(MicroTimestamp.parse("2026-11-25T13:18:37.123")).isEqualTo(MicroTimestamp.INVALID);
    }

    @Test
    void formatWritesSixFractionDigitsInUtcAndRoundTrips() {
        long micros = MicroTimestamp.parse("2026-11-25T13:18:37.000042Z");
        assertThat(MicroTimestamp.format(micros)).isEqualTo("2026-11-25T13:18:37.000042Z");
    }
}
