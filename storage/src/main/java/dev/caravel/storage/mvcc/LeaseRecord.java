package dev.caravel.storage.mvcc;

/**
 * A lease as a backend keeps it. Its deadline is not stored: as in etcd, a lease that survives a
 * restart is given its full time to live again.
 */
public record LeaseRecord(long id, long ttlSeconds) {}
