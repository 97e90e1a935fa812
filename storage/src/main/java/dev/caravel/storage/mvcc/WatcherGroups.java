package dev.caravel.storage.mvcc;

import dev.caravel.storage.KeyValue;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.WatchEvent;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The watchers of an {@link MvccStore}, in two groups as etcd's watchableStore keeps them.
 * <em>Synced</em> watchers have been handed every event up to the committed revision and get each
 * new batch's events as it is published. <em>Unsynced</em> watchers (started at an old revision, or
 * whose buffer was full when a batch came) are caught up from the backend by the sync loop, in
 * bounded scans, and join the synced group when a scan reaches the committed revision.
 *
 * <p>Publishing a revision and handing its events to the synced group happen in one step under
 * {@link #lock}, and a watcher joins the synced group under the same lock only if its scan reached
 * the revision published last: that is what makes the move gap-free and duplicate-free.
 */
final class WatcherGroups {

    private static final Logger log = LoggerFactory.getLogger("storage.mvcc");

    /** One change of a published batch: the event's key-value, and the revision of the key's previous version. */
    record Change(WatchEvent.Type type, KeyValue kv, Revision prevRevision) {}

    private final MvccStore store;
    private final int syncBatchRecords;
    private final long syncIntervalNanos;

    /**
     * Guards the groups, every watcher's position fields ({@code nextRevision}, {@code synced},
     * {@code progressPending}, {@code eventsSinceProgressTick}) and the store's committed revision
     * (written only here, under it). Lock order: this lock, then the KeyIndex lock or a watcher's
     * queue lock. The committer takes it to publish; the sync loop to move watchers.
     */
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition syncWork = lock.newCondition();
    private final Map<KeyBytes, Set<Watcher>> syncedByKey = new HashMap<>();
    private final Set<Watcher> syncedRanges = new LinkedHashSet<>();
    private final Set<Watcher> unsynced = new LinkedHashSet<>();
    private boolean stopped;
    private boolean syncRequested;

    WatcherGroups(MvccStore store, int syncBatchRecords, long syncIntervalNanos) {
        this.store = store;
        this.syncBatchRecords = syncBatchRecords;
        this.syncIntervalNanos = syncIntervalNanos;
    }

    /** Adds a new watcher: synced when it starts at the next change or later, else unsynced. */
    void add(Watcher watcher, long startRevision) {
        lock.lock();
        try {
            if (stopped) {
                watcher.end(new StorageException(StorageException.Kind.UNAVAILABLE, "the store is closed"));
                return;
            }
            long committed = store.committedRevisionLocked();
            long compacted = store.compactedRevision();
            if (startRevision == 0 || startRevision > committed) {
                watcher.nextRevision = startRevision == 0 ? committed + 1 : startRevision;
                addSyncedLocked(watcher);
            } else if (startRevision < compacted) {
                watcher.end(StorageException.compacted(startRevision, compacted));
            } else {
                watcher.nextRevision = startRevision;
                unsynced.add(watcher);
                requestSyncLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    void remove(Watcher watcher) {
        lock.lock();
        try {
            removeLocked(watcher);
        } finally {
            lock.unlock();
        }
    }

    void requestProgress(Watcher watcher) {
        lock.lock();
        try {
            if (watcher.synced) {
                watcher.offerProgress(store.committedRevisionLocked());
            } else if (unsynced.contains(watcher)) {
                watcher.progressPending = true;
            }
        } finally {
            lock.unlock();
        }
    }

    /**
     * Publishes {@code revision} to readers and hands the batch's changes to the synced watchers.
     * A watcher whose buffer cannot take them moves to the unsynced group and is caught up later;
     * the committer never waits for a listener.
     */
    void publish(long revision, List<Change> changes, Function<Revision, KeyValue> readRecord) {
        lock.lock();
        try {
            long previous = store.committedRevisionLocked();
            if (revision < previous) {
                throw new IllegalStateException("storage.mvcc: committed revision going backwards: published "
                        + previous + ", now " + revision);
            }
            store.setCommittedRevisionLocked(revision);
            if (changes.isEmpty() || (syncedByKey.isEmpty() && syncedRanges.isEmpty())) {
                return;
            }
            Map<Watcher, List<WatchEvent>> outgoing = new LinkedHashMap<>();
            WatchEvent[] plain = new WatchEvent[changes.size()];
            WatchEvent[] withPrev = new WatchEvent[changes.size()];
            for (int i = 0; i < changes.size(); i++) {
                Change change = changes.get(i);
                Set<Watcher> exact = syncedByKey.get(new KeyBytes(change.kv().key()));
                if (exact != null) {
                    for (Watcher watcher : exact) {
                        collect(outgoing, watcher, changes, i, plain, withPrev, readRecord);
                    }
                }
                for (Watcher watcher : syncedRanges) {
                    if (watcher.contains(change.kv().key())) {
                        collect(outgoing, watcher, changes, i, plain, withPrev, readRecord);
                    }
                }
            }
            for (Map.Entry<Watcher, List<WatchEvent>> entry : outgoing.entrySet()) {
                Watcher watcher = entry.getKey();
                if (watcher.offerEvents(entry.getValue())) {
                    watcher.nextRevision = Math.max(watcher.nextRevision, revision + 1);
                    watcher.eventsSinceProgressTick = true;
                } else {
                    watcher.nextRevision = Math.max(watcher.nextRevision, previous + 1);
                    removeLocked(watcher);
                    unsynced.add(watcher);
                    requestSyncLocked();
                    log.debug("storage.mvcc: {} fell behind at revision {}; catching up from the backend", watcher, revision);
                }
            }
        } finally {
            lock.unlock();
        }
    }

    private static void collect(Map<Watcher, List<WatchEvent>> outgoing, Watcher watcher, List<Change> changes, int i,
                                WatchEvent[] plain, WatchEvent[] withPrev, Function<Revision, KeyValue> readRecord) {
        Change change = changes.get(i);
        if (change.kv().modRevision() < watcher.nextRevision) {
            return;
        }
        WatchEvent event;
        if (watcher.prevKv) {
            if (withPrev[i] == null) {
                KeyValue prev = change.prevRevision() == null ? null : readRecord.apply(change.prevRevision());
                withPrev[i] = new WatchEvent(change.type(), change.kv(), prev);
            }
            event = withPrev[i];
        } else {
            if (plain[i] == null) {
                plain[i] = new WatchEvent(change.type(), change.kv(), null);
            }
            event = plain[i];
        }
        outgoing.computeIfAbsent(watcher, w -> new ArrayList<>()).add(event);
    }

    /** Sends a progress notification to synced watchers that asked for them and got no events since the last tick. */
    void progressTick() {
        lock.lock();
        try {
            long committed = store.committedRevisionLocked();
            for (Set<Watcher> watchers : syncedByKey.values()) {
                for (Watcher watcher : watchers) {
                    progressTickLocked(watcher, committed);
                }
            }
            for (Watcher watcher : syncedRanges) {
                progressTickLocked(watcher, committed);
            }
        } finally {
            lock.unlock();
        }
    }

    private static void progressTickLocked(Watcher watcher, long committed) {
        if (watcher.progressNotify) {
            if (!watcher.eventsSinceProgressTick) {
                watcher.offerProgress(committed);
            }
            watcher.eventsSinceProgressTick = false;
        }
    }

    /**
     * Ends, with WATCHER_TOO_SLOW, the watches whose listener has been in one call for longer than
     * {@code timeoutNanos}: the only watches given up for slowness. A watcher that is merely behind
     * costs nothing but its position, and is caught up from the backend.
     */
    void endStuckListeners(long timeoutNanos) {
        long now = System.nanoTime();
        lock.lock();
        try {
            List<Watcher> stuck = new ArrayList<>();
            for (Set<Watcher> watchers : syncedByKey.values()) {
                for (Watcher watcher : watchers) {
                    if (watcher.stuckFor(timeoutNanos, now)) {
                        stuck.add(watcher);
                    }
                }
            }
            for (Watcher watcher : syncedRanges) {
                if (watcher.stuckFor(timeoutNanos, now)) {
                    stuck.add(watcher);
                }
            }
            for (Watcher watcher : unsynced) {
                if (watcher.stuckFor(timeoutNanos, now)) {
                    stuck.add(watcher);
                }
            }
            for (Watcher watcher : stuck) {
                removeLocked(watcher);
                log.warn("storage.mvcc: {}: its listener has not returned for {} ms; ending the watch", watcher,
                        timeoutNanos / 1_000_000);
                watcher.end(new StorageException(StorageException.Kind.WATCHER_TOO_SLOW, "the listener of " + watcher
                        + " did not return for " + timeoutNanos / 1_000_000 + " ms; watch again from the last revision seen"),
                        true);
            }
        } finally {
            lock.unlock();
        }
    }

    /** A watcher's buffer drained: if it is behind, the sync loop can go on with it. */
    void deliveredSome(Watcher watcher) {
        lock.lock();
        try {
            if (unsynced.contains(watcher)) {
                requestSyncLocked();
            }
        } finally {
            lock.unlock();
        }
    }

    /** Compaction moved: unsynced watchers behind it must end. */
    void compacted() {
        lock.lock();
        try {
            requestSyncLocked();
        } finally {
            lock.unlock();
        }
    }

    /** Ends every watch (the store is closing) and stops the sync loop. */
    void stop(StorageException cause) {
        lock.lock();
        try {
            stopped = true;
            for (Set<Watcher> watchers : syncedByKey.values()) {
                watchers.forEach(w -> w.end(cause));
            }
            syncedRanges.forEach(w -> w.end(cause));
            unsynced.forEach(w -> w.end(cause));
            syncedByKey.clear();
            syncedRanges.clear();
            unsynced.clear();
            syncWork.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /** The sync loop: runs on its own thread until {@link #stop}. */
    void runSyncLoop() {
        while (true) {
            List<Watcher> candidates;
            lock.lock();
            try {
                while (!stopped && !syncRequested) {
                    if (unsynced.isEmpty()) {
                        syncWork.awaitUninterruptibly();
                    } else {
                        // Retry now and then even without a signal: a watcher's buffer may drain unseen.
                        try {
                            syncWork.awaitNanos(syncIntervalNanos);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            return;
                        }
                        break;
                    }
                }
                if (stopped) {
                    return;
                }
                syncRequested = false;
                candidates = new ArrayList<>(unsynced);
            } finally {
                lock.unlock();
            }
            boolean progressed;
            try {
                progressed = syncRound(candidates);
            } catch (RuntimeException e) {
                log.error("storage.mvcc: catching up {} unsynced watchers failed; ending them", candidates.size(), e);
                StorageException cause = new StorageException(StorageException.Kind.INTERNAL, "catching up failed: " + e, e);
                lock.lock();
                try {
                    for (Watcher watcher : candidates) {
                        removeLocked(watcher);
                        watcher.end(cause);
                    }
                } finally {
                    lock.unlock();
                }
                progressed = false;
            }
            if (progressed) {
                lock.lock();
                try {
                    syncRequested = true;
                } finally {
                    lock.unlock();
                }
            }
        }
    }

    /**
     * One bounded step for the unsynced group, as etcd's syncWatchers: one backend scan from the
     * lowest position of the idle unsynced watchers, shared by all of them; each takes the events
     * at or after its own position. Watchers whose buffer still holds events wait for the next
     * round. True when some watcher moved.
     */
    private boolean syncRound(List<Watcher> candidates) {
        List<Watcher> ready = new ArrayList<>();
        Map<Watcher, Long> froms = new HashMap<>();
        boolean progressed = false;
        long min = Long.MAX_VALUE;
        long to;
        lock.lock();
        try {
            to = store.committedRevisionLocked();
            long compacted = store.compactedRevision();
            for (Watcher watcher : candidates) {
                if (!unsynced.contains(watcher) || !watcher.isIdle()) {
                    continue;
                }
                long from = watcher.nextRevision;
                if (from < compacted) {
                    unsynced.remove(watcher);
                    watcher.end(StorageException.compacted(from, compacted));
                    progressed = true;
                } else if (from > to) {
                    joinSyncedLocked(watcher);
                    progressed = true;
                } else {
                    ready.add(watcher);
                    froms.put(watcher, from);
                    min = Math.min(min, from);
                }
            }
        } finally {
            lock.unlock();
        }
        if (ready.isEmpty()) {
            return progressed;
        }
        MvccStore.HistoryScan scan;
        try {
            scan = store.scanHistory(min, to, syncBatchRecords,
                    key -> ready.stream().anyMatch(w -> w.prevKv && w.contains(key)));
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.COMPACTED) {
                return true; // compaction overtook the scan: the next round ends the watchers it left behind
            }
            throw e;
        }
        Map<Watcher, List<WatchEvent>> events = new HashMap<>();
        for (Watcher watcher : ready) {
            long from = froms.get(watcher);
            List<WatchEvent> mine = new ArrayList<>();
            for (int i = 0; i < scan.records().size(); i++) {
                RevisionRecord record = scan.records().get(i);
                if (record.revision().main() >= from && watcher.contains(record.kv().key())) {
                    mine.add(scan.event(i, watcher.prevKv));
                }
            }
            events.put(watcher, mine);
        }
        lock.lock();
        try {
            for (Watcher watcher : ready) {
                long from = froms.get(watcher);
                if (!unsynced.contains(watcher) || watcher.nextRevision != from || from > scan.scannedTo()) {
                    continue;
                }
                List<WatchEvent> mine = events.get(watcher);
                if (!mine.isEmpty()) {
                    if (!watcher.offerEvents(mine)) {
                        continue;
                    }
                    watcher.eventsSinceProgressTick = true;
                }
                watcher.nextRevision = scan.scannedTo() + 1;
                progressed = true;
                if (watcher.nextRevision > store.committedRevisionLocked()) {
                    joinSyncedLocked(watcher);
                }
            }
        } finally {
            lock.unlock();
        }
        return progressed;
    }

    private void joinSyncedLocked(Watcher watcher) {
        unsynced.remove(watcher);
        addSyncedLocked(watcher);
        if (watcher.progressPending) {
            watcher.progressPending = false;
            watcher.offerProgress(store.committedRevisionLocked());
        }
    }

    private void addSyncedLocked(Watcher watcher) {
        watcher.synced = true;
        if (watcher.isSingleKey()) {
            syncedByKey.computeIfAbsent(new KeyBytes(watcher.key), k -> new LinkedHashSet<>()).add(watcher);
        } else {
            syncedRanges.add(watcher);
        }
    }

    private void removeLocked(Watcher watcher) {
        if (watcher.synced) {
            watcher.synced = false;
            if (watcher.isSingleKey()) {
                KeyBytes key = new KeyBytes(watcher.key);
                Set<Watcher> watchers = syncedByKey.get(key);
                if (watchers != null) {
                    watchers.remove(watcher);
                    if (watchers.isEmpty()) {
                        syncedByKey.remove(key);
                    }
                }
            } else {
                syncedRanges.remove(watcher);
            }
        }
        unsynced.remove(watcher);
    }

    private void requestSyncLocked() {
        syncRequested = true;
        syncWork.signalAll();
    }
}
