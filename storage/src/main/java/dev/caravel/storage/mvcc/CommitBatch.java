package dev.caravel.storage.mvcc;

import java.util.List;

/**
 * One group commit: the changes of one or more consecutive transactions, written to the backend
 * atomically and durably in one write.
 *
 * @param records          the revision records, in revision order
 * @param currentRevision  the store's revision once this batch is applied (the last transaction's)
 * @param grantedLeases    leases granted in this batch
 * @param revokedLeaseIds  leases revoked or expired in this batch (their keys' tombstones are in {@code records})
 */
public record CommitBatch(List<RevisionRecord> records, long currentRevision,
                          List<LeaseRecord> grantedLeases, List<Long> revokedLeaseIds) {

    public CommitBatch {
        records = List.copyOf(records);
        grantedLeases = List.copyOf(grantedLeases);
        revokedLeaseIds = List.copyOf(revokedLeaseIds);
    }

    public boolean isEmpty() {
        return records.isEmpty() && grantedLeases.isEmpty() && revokedLeaseIds.isEmpty();
    }
}
