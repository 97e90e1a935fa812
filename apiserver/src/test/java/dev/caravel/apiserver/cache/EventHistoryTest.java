package dev.caravel.apiserver.cache;

import dev.caravel.apiserver.api.StatusException;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventHistoryTest {

    private static final CachedObject.TypeMeta TYPE = new CachedObject.TypeMeta("ConfigMap", "v1");

    private static CacheEvent event(long revision) {
        CachedObject object = new CachedObject("/registry/configmaps/ns/o" + revision, "ns", "o" + revision, Map.of(),
                new String[0], revision, "{}".getBytes());
        return new CacheEvent(object, null, revision, TYPE);
    }

    @Test
    void aWatchFromTheListRevisionOrLaterGetsTheEventsAfterIt() {
        EventHistory history = new EventHistory(3);
        history.resetLocked(10);
        history.addLocked(event(11));
        history.addLocked(event(12));
        assertThat(history.sinceLocked(10)).extracting(CacheEvent::revision).containsExactly(11L, 12L);
        assertThat(history.sinceLocked(11)).extracting(CacheEvent::revision).containsExactly(12L);
        assertThat(history.sinceLocked(12)).isEmpty();
        assertThat(history.sinceLocked(20)).isEmpty();
    }

    @Test
    void aWatchFromBeforeTheListIsTooOld() {
        EventHistory history = new EventHistory(3);
        history.resetLocked(10);
        assertThatThrownBy(() -> history.sinceLocked(9))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(410);
                    assertThat(e.getMessage()).isEqualTo("too old resource version: 9 (10)");
                });
    }

    @Test
    void onceEventsLeaveTheRingTheOldestResumableRevisionMovesOn() {
        EventHistory history = new EventHistory(3);
        history.resetLocked(10);
        for (long r = 11; r <= 14; r++) {
            history.addLocked(event(r));
        }
        assertThat(history.oldestResumableLocked()).isEqualTo(11);
        assertThat(history.sinceLocked(11)).extracting(CacheEvent::revision).containsExactly(12L, 13L, 14L);
        assertThatThrownBy(() -> history.sinceLocked(10)).hasMessage("too old resource version: 10 (11)");
    }

    @Test
    void theStateIsUnchangedSinceARevisionWhenNoEventFollowsIt() {
        EventHistory history = new EventHistory(3);
        history.resetLocked(10);
        history.addLocked(event(12));
        assertThat(history.unchangedSinceLocked(12)).isTrue();
        assertThat(history.unchangedSinceLocked(11)).isFalse();
        assertThat(history.unchangedSinceLocked(9)).as("before the list nothing is known").isFalse();
    }
}
