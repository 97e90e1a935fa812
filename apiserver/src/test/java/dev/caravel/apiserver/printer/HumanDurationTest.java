package dev.caravel.apiserver.printer;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class HumanDurationTest {

    private static String human(Duration d) {
        return HumanDuration.format(d);
    }

    @Test
    void secondsAreExactUpToTwoMinutes() {
        assertThat(human(Duration.ZERO)).isEqualTo("0s");
        assertThat(human(Duration.ofSeconds(5))).isEqualTo("5s");
        assertThat(human(Duration.ofSeconds(119))).isEqualTo("119s");
        assertThat(human(Duration.ofMillis(119_999))).isEqualTo("119s");
    }

    @Test
    void minutesKeepTheirSecondsBelowTenMinutes() {
        assertThat(human(Duration.ofSeconds(120))).isEqualTo("2m");
        assertThat(human(Duration.ofSeconds(200))).isEqualTo("3m20s");
        assertThat(human(Duration.ofSeconds(599))).isEqualTo("9m59s");
        assertThat(human(Duration.ofMinutes(10).plusSeconds(30))).isEqualTo("10m");
        assertThat(human(Duration.ofMinutes(179))).isEqualTo("179m");
    }

    @Test
    void hoursKeepTheirMinutesBelowEightHours() {
        assertThat(human(Duration.ofHours(3))).isEqualTo("3h");
        assertThat(human(Duration.ofHours(5).plusMinutes(10))).isEqualTo("5h10m");
        assertThat(human(Duration.ofHours(8).plusMinutes(10))).isEqualTo("8h");
        assertThat(human(Duration.ofHours(47))).isEqualTo("47h");
    }

    @Test
    void daysKeepTheirHoursBelowEightDays() {
        assertThat(human(Duration.ofHours(48))).isEqualTo("2d");
        assertThat(human(Duration.ofHours(51))).isEqualTo("2d3h");
        assertThat(human(Duration.ofDays(8).plusHours(5))).isEqualTo("8d");
        assertThat(human(Duration.ofDays(729))).isEqualTo("729d");
    }

    @Test
    void yearsKeepTheirDaysBelowEightYears() {
        assertThat(human(Duration.ofDays(730))).isEqualTo("2y");
        assertThat(human(Duration.ofDays(365 * 3 + 12))).isEqualTo("3y12d");
        assertThat(human(Duration.ofDays(365 * 9 + 12))).isEqualTo("9y");
    }

    @Test
    void aTimestampUpToOneSecondAheadIsNowAndLaterIsInvalid() {
        assertThat(human(Duration.ofMillis(-500))).isEqualTo("0s");
        assertThat(human(Duration.ofMillis(-1_999))).isEqualTo("0s");
        assertThat(human(Duration.ofSeconds(-2))).isEqualTo("<invalid>");
        assertThat(human(Duration.ofHours(-3))).isEqualTo("<invalid>");
    }

    @Test
    void aMissingTimestampIsUnknown() {
        assertThat(HumanDuration.since(null, Instant.EPOCH)).isEqualTo("<unknown>");
        assertThat(HumanDuration.since(Instant.EPOCH, Instant.EPOCH.plusSeconds(61))).isEqualTo("61s");
    }
}
