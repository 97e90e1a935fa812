package dev.caravel.storage.mvcc;

import java.util.Collection;
import java.util.List;

/**
 * Where an {@link MvccStore} keeps its history: revision records keyed by revision, leases, and the
 * store's meta data (current and compacted revision). The store keeps the key index in memory and
 * rebuilds it from {@link #recover} at start; the backend knows nothing of keys' generations.
 *
 * <p>Writes come from one thread at a time (the store's committer); reads may come from any thread
 * concurrently with a write, and only ask for revisions already committed.
 */
public interface Backend extends AutoCloseable {

    /** Everything a store needs to start again where it left off. */
    interface RecoveryVisitor {
        /** Called first, once. Both are 0 for a new backend. */
        void meta(long currentRevision, long compactedRevision);

        /** Every stored revision record, in revision order. */
        void record(RevisionRecord record);

        /** Every live lease, in any order. */
        void lease(LeaseRecord lease);
    }

    /**
     * Streams the stored state to the visitor. A backend whose data is damaged throws a
     * StorageException of kind CORRUPTED naming the file; it never pretends to be empty.
     */
    void recover(RecoveryVisitor visitor);

    /** Writes a batch atomically; for a durable backend it is on disk (fsync) when this returns. */
    void commit(CommitBatch batch);

    /** The records of these revisions, in the same order; each must exist. */
    List<RevisionRecord> read(List<Revision> revisions);

    /**
     * Records with {@code from <= revision.main <= to}, in revision order, at most {@code limit} of
     * them: how watchers that fell behind catch up.
     */
    List<RevisionRecord> scan(long fromMainRevision, long toMainRevision, int limit);

    /**
     * Removes the records the store no longer needs after a compaction at {@code compactRevision}
     * and records that revision durably, then reclaims their space.
     */
    void compact(long compactRevision, Collection<Revision> obsolete);

    /** Bytes the backend occupies (on disk for a durable one), for metrics and benchmarks. */
    long sizeBytes();

    @Override
    void close();
}
