package dev.caravel.controllers.namespace;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The latch's decisions from what a namespace carries, at a given time. */
class DeletionLatchVerdictTest {

    private static final ObjectMapper json = new ObjectMapper();
    private static final DeletionLatch latch = new DeletionLatch(Duration.ofHours(1));
    private static final Instant BLOCKED_AT = Instant.parse("2026-05-01T10:00:00Z");

    private static JsonNode namespace(String conditions, String confirmation) throws Exception {
        String annotations = confirmation == null ? "" : ",\"annotations\":{\"caravel.dev/confirm-deletion\":\"" + confirmation + "\"}";
        return json.readTree("""
                {"metadata":{"name":"shop","deletionTimestamp":"2026-05-01T09:59:00Z"%s},"spec":{"finalizers":["kubernetes"]},
                 "status":{"phase":"Terminating","conditions":[%s]}}""".formatted(annotations, conditions));
    }

    private static String blocked(String status) {
        return """
                {"type":"NamespaceDeletionBlocked","status":"%s","lastTransitionTime":"2026-05-01T10:00:00Z",
                 "reason":"ContentDeletionBlocked","message":"DiscoveryFailed: metrics.k8s.io/v1beta1 down"}""".formatted(status);
    }

    private static String latched(String at) {
        return """
                {"type":"NamespaceDeletionLatched","status":"True","lastTransitionTime":"%s","reason":"BlockedTooLong","message":"m"}"""
                .formatted(at);
    }

    @Test
    void aBlockShorterThanTheLimitLetsThePassGoOn() throws Exception {
        assertThat(latch.check(namespace(blocked("True"), null), BLOCKED_AT.plus(Duration.ofMinutes(59))).action())
                .isEqualTo(DeletionLatch.Action.PROCEED);
        assertThat(latch.check(namespace(blocked("False"), null), BLOCKED_AT.plus(Duration.ofDays(4))).action())
                .isEqualTo(DeletionLatch.Action.PROCEED);
    }

    @Test
    void aBlockAsLongAsTheLimitEngagesTheLatchWithWhatSinceWhenAndWhy() throws Exception {
        DeletionLatch.Verdict verdict = latch.check(namespace(blocked("True"), null), BLOCKED_AT.plus(Duration.ofHours(1)));

        assertThat(verdict.action()).isEqualTo(DeletionLatch.Action.ENGAGE);
        NamespaceCondition condition = verdict.latched().orElseThrow();
        assertThat(condition.status()).isEqualTo("True");
        assertThat(condition.lastTransitionTime()).isEqualTo(Instant.parse("2026-05-01T11:00:00Z"));
        assertThat(condition.message()).startsWith("The deletion of namespace shop has been blocked since 2026-05-01T10:00:00Z "
                        + "(for 1h0m0s, longer than the latch's 1h0m0s) by: DiscoveryFailed: metrics.k8s.io/v1beta1 down.")
                .contains("set the annotation caravel.dev/confirm-deletion to a time at or after 2026-05-01T11:00:00Z");
    }

    @Test
    void onceLatchedOnlyAConfirmationAtOrAfterTheLatchReleasesIt() throws Exception {
        String conditions = blocked("True") + "," + latched("2026-05-01T11:00:00Z");
        Instant later = Instant.parse("2026-05-05T10:00:00Z");

        assertThat(latch.check(namespace(conditions, null), later).action()).isEqualTo(DeletionLatch.Action.HOLD);
        assertThat(latch.check(namespace(conditions, "2026-05-01T10:59:59Z"), later).action()).isEqualTo(DeletionLatch.Action.HOLD);
        assertThat(latch.check(namespace(conditions, "yes please"), later).action()).isEqualTo(DeletionLatch.Action.HOLD);

        DeletionLatch.Verdict confirmed = latch.check(namespace(conditions, "2026-05-01T13:00:00+02:00"), later);
        assertThat(confirmed.action()).isEqualTo(DeletionLatch.Action.PROCEED);
        assertThat(confirmed.latched().orElseThrow().status()).isEqualTo("False");
        assertThat(confirmed.latched().orElseThrow().reason()).isEqualTo("DeletionConfirmed");
    }

    @Test
    void aConfirmationRestartsTheClockOfABlockThatGoesOn() throws Exception {
        String conditions = blocked("True") + """
                ,{"type":"NamespaceDeletionLatched","status":"False","lastTransitionTime":"2026-05-02T08:00:00Z",
                  "reason":"DeletionConfirmed","message":"m"}""";
        String confirmation = "2026-05-02T08:00:00Z";

        assertThat(latch.check(namespace(conditions, confirmation), Instant.parse("2026-05-02T08:59:00Z")).action())
                .isEqualTo(DeletionLatch.Action.PROCEED);
        DeletionLatch.Verdict again = latch.check(namespace(conditions, confirmation), Instant.parse("2026-05-02T09:00:00Z"));
        assertThat(again.action()).isEqualTo(DeletionLatch.Action.ENGAGE);
        assertThat(again.latched().orElseThrow().message())
                .contains("blocked since 2026-05-01T10:00:00Z (for 1h0m0s, counted from the confirmation at 2026-05-02T08:00:00Z");
    }

    @Test
    void aLatchThatEngagedHoldsUntilConfirmedEvenOnceTheLatchIsTurnedOff() throws Exception {
        DeletionLatch off = new DeletionLatch(Duration.ZERO);
        String conditions = blocked("True") + "," + latched("2026-05-01T11:00:00Z");
        Instant later = Instant.parse("2026-05-05T10:00:00Z");

        assertThat(off.check(namespace(conditions, null), later).action()).isEqualTo(DeletionLatch.Action.HOLD);
        assertThat(off.check(namespace(conditions, "2026-05-05T09:00:00Z"), later).action()).isEqualTo(DeletionLatch.Action.PROCEED);
        assertThat(off.check(namespace(blocked("True"), null), later).action())
                .as("off, a long block does not latch").isEqualTo(DeletionLatch.Action.PROCEED);
    }

    @Test
    void zeroTurnsTheLatchOffAndANegativeLimitIsRefused() {
        assertThat(new DeletionLatch(Duration.ZERO).enabled()).isFalse();
        assertThatThrownBy(() -> new DeletionLatch(Duration.ofSeconds(-1))).isInstanceOf(IllegalArgumentException.class);
    }
}
