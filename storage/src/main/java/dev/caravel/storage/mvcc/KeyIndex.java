package dev.caravel.storage.mvcc;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The in-memory index of an {@link MvccStore}: for every key, the revisions at which it changed,
 * grouped in generations. The values live in the {@link Backend}, keyed by revision; this index is
 * what turns "key k at revision r" into the revision to read, and what answers counts and key-only
 * ranges without reading the backend at all.
 *
 * <p>A generation is one life of a key: it starts with the put that created the key and ends with
 * the delete (the tombstone) that removed it. A key deleted and put again has two generations. The
 * version of a key is its number of puts in the current generation, so each generation remembers
 * the version of its first remaining revision.
 *
 * <p>Compaction at revision {@code c} keeps, for each key, the newest revision at or below {@code c}
 * (the version a read at {@code c} must still find) and everything newer, and drops everything
 * older. When that newest revision is a tombstone, the key did not exist at {@code c}: the tombstone
 * and its whole generation go too. A key left with no generation leaves the index.
 *
 * <p>A worked example, key {@code "a"} (revisions written main.sub):
 * <pre>
 *   put@2.0, put@3.0, delete@5.0, put@7.0, put@8.0
 *     generations: [created 2: 2.0(v1) 3.0(v2) tombstone 5.0] [created 7: 7.0(v1) 8.0(v2)]
 *     at 4 -> 3.0, version 2, create 2;  at 5 and 6 -> absent;  at 7 -> 7.0, version 1, create 7
 *   compact(3): the newest at or below 3 is 3.0, a put: 2.0 is obsolete
 *     generations: [created 2: 3.0(v2) tombstone 5.0] [created 7: 7.0(v1) 8.0(v2)]
 *   compact(6): the newest at or below 6 is the tombstone 5.0: 3.0 and 5.0 are obsolete
 *     generations: [created 7: 7.0(v1) 8.0(v2)]
 *   compact(8): 7.0 is obsolete; 8.0 keeps version 2 and create revision 7
 *     generations: [created 7: 8.0(v2)]
 *   delete@9.0, compact(9): the newest is the tombstone 9.0: 8.0 and 9.0 are obsolete, "a" leaves the index
 * </pre>
 *
 * <p>Thread-safety: every method takes {@link #lock}. The store's committer is the only writer;
 * readers pass the revision they read at and never see a later revision, so they need not care
 * that the committer has already indexed revisions it has not yet published.
 */
final class KeyIndex {

    /** What the index knows about one version of a key: enough for a key-only read or a compare. */
    record KeyRevision(byte[] key, Revision revision, long createRevision, long version, long lease) {

        long modRevision() {
            return revision.main();
        }

        KeyValue toKeyValue(byte[] value) {
            return new KeyValue(key, value, createRevision, revision.main(), version, lease);
        }

        KeyValue withoutValue() {
            return toKeyValue(null);
        }
    }

    /** Keys of an interval alive at a revision: the first {@code limit} of them, and how many there are in all. */
    record RangeHits(List<KeyRevision> hits, long count) {}

    /**
     * Guards {@link #keys} and every {@link KeyHistory} in it. A leaf lock: nothing else is acquired
     * while it is held (the store takes its own locks before calling in, never after).
     */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();

    /** Ordered as etcd orders keys: unsigned bytes. */
    private final TreeMap<byte[], KeyHistory> keys = new TreeMap<>(ByteKeys::compare);

    /** The key's version visible at {@code revision}, or null when it did not exist then. */
    KeyRevision get(byte[] key, long revision) {
        lock.readLock().lock();
        try {
            KeyHistory history = keys.get(key);
            return history == null ? null : history.at(revision);
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * The keys of the interval (etcd's key/rangeEnd conventions) alive at {@code revision}, in key
     * order. At most {@code limit} are returned (0: all; a negative limit returns none and only
     * counts); {@code count} always counts every one.
     */
    RangeHits range(byte[] start, byte[] rangeEnd, long revision, long limit) {
        lock.readLock().lock();
        try {
            if (rangeEnd == null || rangeEnd.length == 0) {
                KeyHistory history = keys.get(start);
                KeyRevision hit = history == null ? null : history.at(revision);
                if (hit == null) {
                    return new RangeHits(List.of(), 0);
                }
                return new RangeHits(limit < 0 ? List.of() : List.of(hit), 1);
            }
            NavigableMap<byte[], KeyHistory> interval;
            if (ByteKeys.isAllFromKey(rangeEnd)) {
                interval = keys.tailMap(start, true);
            } else if (ByteKeys.compare(start, rangeEnd) >= 0) {
                return new RangeHits(List.of(), 0);
            } else {
                interval = keys.subMap(start, true, rangeEnd, false);
            }
            List<KeyRevision> hits = new ArrayList<>();
            long count = 0;
            for (KeyHistory history : interval.values()) {
                if (limit == 0 || (limit > 0 && hits.size() < limit)) {
                    KeyRevision hit = history.at(revision);
                    if (hit != null) {
                        hits.add(hit);
                        count++;
                    }
                } else if (history.aliveAt(revision)) {
                    // Past the limit only the count is wanted: no allocation per key.
                    count++;
                }
            }
            return new RangeHits(hits, count);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Records a put of {@code key} at {@code revision}: a new generation when the key is not alive. */
    void put(byte[] key, Revision revision, long lease) {
        lock.writeLock().lock();
        try {
            keys.computeIfAbsent(key, KeyHistory::new).put(revision, lease, revision.main(), 1);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Records the delete of a live key at {@code revision}, closing its generation. */
    void tombstone(byte[] key, Revision revision) {
        lock.writeLock().lock();
        try {
            KeyHistory history = keys.get(key);
            if (history == null) {
                throw new IllegalStateException("storage.mvcc: tombstone at " + revision + " of key "
                        + ByteKeys.toUtf8(key) + " which is not in the index");
            }
            history.tombstone(revision);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Replays one stored record at recovery. Unlike {@link #put}, the generation a put opens takes
     * its create revision and version from the record: after a compaction, a generation's first
     * remaining record need not be the one that created it.
     */
    void restore(RevisionRecord record) {
        lock.writeLock().lock();
        try {
            KeyValue kv = record.kv();
            KeyHistory history = keys.computeIfAbsent(kv.key(), KeyHistory::new);
            if (record.tombstone()) {
                if (!history.isAlive()) {
                    // A tombstone whose put was compacted away while the tombstone itself was kept: nothing to close.
                    if (history.generations.isEmpty()) {
                        keys.remove(kv.key());
                    }
                    return;
                }
                history.tombstone(record.revision());
            } else {
                history.put(record.revision(), kv.lease(), kv.createRevision(), kv.version());
            }
        } finally {
            lock.writeLock().unlock();
        }
    }

    /**
     * Drops the history a read at {@code compactRevision} or later can no longer need; returns the
     * revisions dropped, which the backend may then delete.
     */
    List<Revision> compact(long compactRevision) {
        lock.writeLock().lock();
        try {
            List<Revision> obsolete = new ArrayList<>();
            Iterator<Map.Entry<byte[], KeyHistory>> it = keys.entrySet().iterator();
            while (it.hasNext()) {
                KeyHistory history = it.next().getValue();
                history.compact(compactRevision, obsolete);
                if (history.generations.isEmpty()) {
                    it.remove();
                }
            }
            Collections.sort(obsolete);
            return obsolete;
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Every key alive at {@code revision}, in key order (recovery uses it to re-attach keys to their leases). */
    List<KeyRevision> alive(long revision) {
        return range(new byte[0], new byte[] {0}, revision, 0).hits();
    }

    /** Keys in the index, alive or not (tests use it to see that compaction lets go of deleted keys). */
    int size() {
        lock.readLock().lock();
        try {
            return keys.size();
        } finally {
            lock.readLock().unlock();
        }
    }

    /** One stored change of a key: its revision, and the lease the put attached (0 for a tombstone). */
    private record Change(Revision revision, long lease) {}

    /** One life of a key. */
    private static final class Generation {
        final long createRevision;
        /** The version of {@code changes.get(0)}; compaction drops changes from the front and raises it. */
        long firstVersion;
        final ArrayList<Change> changes = new ArrayList<>(2);
        /** True once the last change is the tombstone that ended this generation. */
        boolean closed;
        /** The main revision of that tombstone; meaningful only when {@link #closed}. */
        long closedAt;

        Generation(long createRevision, long firstVersion) {
            this.createRevision = createRevision;
            this.firstVersion = firstVersion;
        }

        Revision last() {
            return changes.get(changes.size() - 1).revision();
        }

        /** Index of the newest change at or below {@code revision}, or -1 when all are newer. */
        int newestAtOrBelow(long revision) {
            int lo = 0;
            int hi = changes.size() - 1;
            int found = -1;
            while (lo <= hi) {
                int mid = (lo + hi) >>> 1;
                if (changes.get(mid).revision().main() <= revision) {
                    found = mid;
                    lo = mid + 1;
                } else {
                    hi = mid - 1;
                }
            }
            return found;
        }
    }

    private static final class KeyHistory {
        final byte[] key;
        /** Oldest first; only the last one may be open. */
        final ArrayList<Generation> generations = new ArrayList<>(1);
        /**
         * The last of {@link #generations}, or null: counting a range at the current revision asks
         * every key whether it is alive, and one field read answers for all but historical reads.
         */
        Generation newest;

        KeyHistory(byte[] key) {
            this.key = key;
        }

        boolean isAlive() {
            return !generations.isEmpty() && !generations.get(generations.size() - 1).closed;
        }

        boolean aliveAt(long revision) {
            Generation latest = newest;
            if (latest != null && latest.createRevision <= revision) {
                return !(latest.closed && latest.closedAt <= revision);
            }
            for (int g = generations.size() - 2; g >= 0; g--) {
                Generation generation = generations.get(g);
                if (generation.createRevision > revision) {
                    continue;
                }
                return !(generation.closed && generation.closedAt <= revision);
            }
            return false;
        }

        KeyRevision at(long revision) {
            for (int g = generations.size() - 1; g >= 0; g--) {
                Generation generation = generations.get(g);
                if (generation.changes.get(0).revision().main() > revision) {
                    continue;
                }
                if (generation.closed && generation.last().main() <= revision) {
                    return null;
                }
                int i = generation.newestAtOrBelow(revision);
                Change change = generation.changes.get(i);
                return new KeyRevision(key, change.revision(), generation.createRevision,
                        generation.firstVersion + i, change.lease());
            }
            return null;
        }

        void put(Revision revision, long lease, long createRevisionIfNew, long versionIfNew) {
            checkAfterLast(revision);
            Generation current;
            if (isAlive()) {
                current = generations.get(generations.size() - 1);
            } else {
                current = new Generation(createRevisionIfNew, versionIfNew);
                generations.add(current);
                newest = current;
            }
            current.changes.add(new Change(revision, lease));
        }

        void tombstone(Revision revision) {
            if (!isAlive()) {
                throw new IllegalStateException("storage.mvcc: tombstone at " + revision + " of key "
                        + ByteKeys.toUtf8(key) + " which is not alive");
            }
            checkAfterLast(revision);
            Generation current = generations.get(generations.size() - 1);
            current.changes.add(new Change(revision, 0));
            current.closed = true;
            current.closedAt = revision.main();
        }

        private void checkAfterLast(Revision revision) {
            if (generations.isEmpty()) {
                return;
            }
            Revision last = generations.get(generations.size() - 1).last();
            if (revision.compareTo(last) <= 0) {
                throw new IllegalStateException("storage.mvcc: revision going backwards for key " + ByteKeys.toUtf8(key)
                        + ": last indexed " + last + ", new " + revision);
            }
        }

        void compact(long compactRevision, List<Revision> obsolete) {
            dropObsolete(compactRevision, obsolete);
            newest = generations.isEmpty() ? null : generations.get(generations.size() - 1);
        }

        private void dropObsolete(long compactRevision, List<Revision> obsolete) {
            while (!generations.isEmpty()) {
                Generation oldest = generations.get(0);
                if (oldest.closed && oldest.last().main() <= compactRevision) {
                    for (Change change : oldest.changes) {
                        obsolete.add(change.revision());
                    }
                    generations.remove(0);
                    continue;
                }
                int keep = oldest.newestAtOrBelow(compactRevision);
                if (keep > 0) {
                    List<Change> dropped = oldest.changes.subList(0, keep);
                    for (Change change : dropped) {
                        obsolete.add(change.revision());
                    }
                    dropped.clear();
                    oldest.firstVersion += keep;
                }
                return;
            }
        }
    }
}
