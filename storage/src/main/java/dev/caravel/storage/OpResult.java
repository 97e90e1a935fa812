package dev.caravel.storage;

import java.util.List;

/** What one operation of a transaction (or a standalone put, delete or range) returned. */
public sealed interface OpResult {

    /** The revision the store was at after the operation (the transaction's revision). */
    long revision();

    /** A put: {@code prevKv} is the key's previous version when asked for and the key existed, else null. */
    record PutResult(long revision, KeyValue prevKv) implements OpResult {}

    /** A delete: how many keys were deleted, and their previous versions when asked for. */
    record DeleteResult(long revision, long deleted, List<KeyValue> prevKvs) implements OpResult {
        public DeleteResult {
            prevKvs = List.copyOf(prevKvs);
        }
    }

    /**
     * A range: the key-values in key order, whether more matched than {@code limit} allowed, and
     * {@code count}, the number of keys in the interval regardless of the limit (as etcd).
     */
    record RangeResult(List<KeyValue> kvs, boolean more, long count, long revision) implements OpResult {
        public RangeResult {
            kvs = List.copyOf(kvs);
        }
    }
}
