package dev.caravel.storage;

/** Limits every store enforces the same way, so that moving from the embedded store to etcd changes nothing. */
public final class StorageLimits {

    /**
     * etcd's default {@code --max-request-bytes}: 1.5 MiB. Kubernetes objects are bounded by it when
     * stored in etcd, so the embedded store refuses the same requests.
     */
    public static final long MAX_REQUEST_BYTES = 1_572_864;

    /**
     * etcd's default {@code --max-txn-ops}: at most 128 compares, and at most 128 operations in each
     * branch, of one transaction.
     */
    public static final int MAX_TXN_OPS = 128;

    private StorageLimits() {}
}
