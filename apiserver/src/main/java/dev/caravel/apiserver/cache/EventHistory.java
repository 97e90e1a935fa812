package dev.caravel.apiserver.cache;

import dev.caravel.apiserver.api.StatusException;

import java.util.ArrayList;
import java.util.List;

/**
 * The window of recent events, a ring ordered by revision (Kubernetes' watchCacheHistory). When
 * full, the oldest event makes room for the newest.
 *
 * <p>The oldest revision a watch can start after is one below the oldest event kept; until the
 * first event is dropped after a (re)list it is the list's revision, since nothing before the
 * list can be replayed. Worked example, capacity 3, listed at revision 10:
 * <pre>
 *   events 11, 12          watch from 10, 11 or 12: fine; from 9: 410 "too old resource version: 9 (10)"
 *   events 11, 12, 13, 14  (11 dropped) watch from 11 or later: fine; from 10: 410 "... 10 (11)"
 * </pre>
 * Not thread-safe: {@link WatchCache} guards it with its lock.
 */
final class EventHistory {

    private final CacheEvent[] ring;
    private int start;
    private int size;
    private long listRevision;
    private boolean droppedSinceList;

    EventHistory(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be positive: " + capacity);
        }
        this.ring = new CacheEvent[capacity];
    }

    /** Empties the window after a (re)list at {@code revision}. */
    void resetLocked(long revision) {
        java.util.Arrays.fill(ring, null);
        start = 0;
        size = 0;
        listRevision = revision;
        droppedSinceList = false;
    }

    void addLocked(CacheEvent event) {
        if (size == ring.length) {
            ring[start] = null;
            start = (start + 1) % ring.length;
            size--;
            droppedSinceList = true;
        }
        ring[(start + size) % ring.length] = event;
        size++;
    }

    /** The oldest revision a watch may start after; older ones are 410. */
    long oldestResumableLocked() {
        if (!droppedSinceList || size == 0) {
            return listRevision;
        }
        return ring[start].revision() - 1;
    }

    /**
     * The events after {@code revision}, oldest first.
     *
     * @throws StatusException 410 Expired {@code too old resource version: N (M)} when events after
     *                         {@code revision} have already left the window
     */
    List<CacheEvent> sinceLocked(long revision) {
        long oldest = oldestResumableLocked();
        if (revision < oldest) {
            throw StatusException.tooOldResourceVersion(revision, oldest);
        }
        int first = firstAfterLocked(revision);
        List<CacheEvent> events = new ArrayList<>(size - first);
        for (int i = first; i < size; i++) {
            events.add(ring[(start + i) % ring.length]);
        }
        return events;
    }

    /** Whether no event after {@code revision} is in the window (and none can have been dropped). */
    boolean unchangedSinceLocked(long revision) {
        return revision >= oldestResumableLocked() && firstAfterLocked(revision) == size;
    }

    /** Binary search: the position (0..size) of the first event with a revision above {@code revision}. */
    private int firstAfterLocked(long revision) {
        int low = 0;
        int high = size;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (ring[(start + mid) % ring.length].revision() <= revision) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    int sizeLocked() {
        return size;
    }
}
