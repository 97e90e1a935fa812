package dev.caravel.storage;

import java.util.List;

/**
 * Storage in etcd's model. Keys and values are bytes; every change gets the next global revision;
 * each key carries its create revision, mod revision and version; reads may go back to any revision
 * not yet compacted; transactions are atomic; watches deliver every change from a revision on;
 * leases delete their keys when they expire.
 *
 * <p>Three implementations pass one conformance suite: in memory, embedded on RocksDB, and etcd.
 * All methods are thread-safe. Failures are {@link StorageException}s.
 */
public interface KeyValueStore extends AutoCloseable {

    /** Reads a key or an interval, at the current revision or an older one. */
    OpResult.RangeResult range(RangeRequest request);

    /** Runs a transaction atomically; a write is durable when this returns (for durable stores). */
    TxnResponse txn(TxnRequest request);

    /**
     * Starts a watch. Events start at the request's start revision, or when it is 0 with the first
     * change committed after this method returns (the watch is registered by then).
     */
    Watch watch(WatchRequest request, WatchListener listener);

    /**
     * Discards history before {@code revision}: reads and watches at revisions below it then fail with
     * COMPACTED. The newest version of every key is kept. Compacting at or below the current compacted
     * revision fails with COMPACTED; above the current revision with FUTURE_REVISION.
     */
    void compact(long revision);

    /** The store's current revision (1 for a store that has never been written, as etcd). */
    long currentRevision();

    /** Grants a lease with the given time to live, in seconds. */
    Lease grantLease(long ttlSeconds);

    /** Revokes a lease, deleting every key attached to it in one revision. LEASE_NOT_FOUND if unknown. */
    void revokeLease(long leaseId);

    /** Renews a lease to its full time to live; returns it. LEASE_NOT_FOUND if expired or unknown. */
    Lease keepAlive(long leaseId);

    /** The lease with its remaining time to live; remaining is -1 when it has expired or is unknown. */
    Lease timeToLive(long leaseId);

    @Override
    void close();

    // Single-operation forms, as etcd's Put, DeleteRange and Range calls.

    default OpResult.PutResult put(byte[] key, byte[] value) {
        return put(key, value, 0);
    }

    default OpResult.PutResult put(byte[] key, byte[] value, long lease) {
        TxnResponse response = txn(new TxnRequest(List.of(), List.of(new Op.Put(key, value, lease, true)), List.of()));
        return (OpResult.PutResult) response.results().get(0);
    }

    default OpResult.DeleteResult delete(byte[] key) {
        return deleteRange(key, null);
    }

    default OpResult.DeleteResult deleteRange(byte[] key, byte[] rangeEnd) {
        TxnResponse response = txn(new TxnRequest(List.of(), List.of(new Op.Delete(key, rangeEnd, true)), List.of()));
        return (OpResult.DeleteResult) response.results().get(0);
    }

    /** The key's current version, or null when it does not exist. */
    default KeyValue get(byte[] key) {
        List<KeyValue> kvs = range(RangeRequest.key(key)).kvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }
}
