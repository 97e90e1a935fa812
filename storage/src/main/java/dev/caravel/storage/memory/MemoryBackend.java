package dev.caravel.storage.memory;

import dev.caravel.storage.StorageException;
import dev.caravel.storage.mvcc.Backend;
import dev.caravel.storage.mvcc.CommitBatch;
import dev.caravel.storage.mvcc.LeaseRecord;
import dev.caravel.storage.mvcc.Revision;
import dev.caravel.storage.mvcc.RevisionRecord;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link Backend} in memory: revision records in a concurrent map ordered by revision. Nothing
 * survives the process, but a store reopened on the same instance recovers as from disk, which is
 * how recovery is tested without RocksDB.
 */
public final class MemoryBackend implements Backend {

    /** Per record, besides key and value: the revision, the four longs of the key-value, map overhead. */
    private static final long RECORD_OVERHEAD_BYTES = 96;

    private final ConcurrentSkipListMap<Revision, RevisionRecord> records = new ConcurrentSkipListMap<>();
    private final ConcurrentHashMap<Long, LeaseRecord> leases = new ConcurrentHashMap<>();
    private final AtomicLong bytes = new AtomicLong();
    // Written by the one committing thread, read by recovery.
    private volatile long currentRevision;
    private volatile long compactedRevision;

    @Override
    public void recover(RecoveryVisitor visitor) {
        visitor.meta(currentRevision, compactedRevision);
        for (RevisionRecord record : records.values()) {
            visitor.record(record);
        }
        for (LeaseRecord lease : leases.values()) {
            visitor.lease(lease);
        }
    }

    @Override
    public void commit(CommitBatch batch) {
        if (batch.currentRevision() < currentRevision) {
            throw new IllegalStateException("storage.memory: revision going backwards: current " + currentRevision
                    + ", batch " + batch.currentRevision());
        }
        for (RevisionRecord record : batch.records()) {
            if (records.put(record.revision(), record) == null) {
                bytes.addAndGet(sizeOf(record));
            }
        }
        for (LeaseRecord lease : batch.grantedLeases()) {
            leases.put(lease.id(), lease);
        }
        for (Long id : batch.revokedLeaseIds()) {
            leases.remove(id);
        }
        currentRevision = batch.currentRevision();
    }

    @Override
    public List<RevisionRecord> read(List<Revision> revisions) {
        List<RevisionRecord> found = new ArrayList<>(revisions.size());
        for (Revision revision : revisions) {
            RevisionRecord record = records.get(revision);
            if (record == null) {
                throw new StorageException(StorageException.Kind.INTERNAL, "storage.memory: no record at revision " + revision);
            }
            found.add(record);
        }
        return found;
    }

    @Override
    public List<RevisionRecord> scan(long fromMainRevision, long toMainRevision, int limit) {
        if (fromMainRevision > toMainRevision || limit <= 0) {
            return List.of();
        }
        List<RevisionRecord> found = new ArrayList<>(Math.min(limit, 1024));
        for (RevisionRecord record : records.subMap(new Revision(fromMainRevision, 0), true,
                new Revision(toMainRevision, Long.MAX_VALUE), true).values()) {
            found.add(record);
            if (found.size() >= limit) {
                break;
            }
        }
        return found;
    }

    @Override
    public void compact(long compactRevision, Collection<Revision> obsolete) {
        for (Revision revision : obsolete) {
            RevisionRecord removed = records.remove(revision);
            if (removed != null) {
                bytes.addAndGet(-sizeOf(removed));
            }
        }
        compactedRevision = compactRevision;
    }

    @Override
    public long sizeBytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        // Nothing to release; the records stay for a store reopened on this backend.
    }

    private static long sizeOf(RevisionRecord record) {
        return record.kv().key().length + record.kv().value().length + RECORD_OVERHEAD_BYTES;
    }
}
