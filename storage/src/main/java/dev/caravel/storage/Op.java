package dev.caravel.storage;

import java.util.Objects;

/** One operation inside a transaction, as etcd's RequestOp. */
public sealed interface Op {

    /** Sets {@code key} to {@code value}, attached to {@code lease} (0 for none). */
    record Put(byte[] key, byte[] value, long lease, boolean prevKv) implements Op {
        public Put {
            Objects.requireNonNull(key, "key");
            Objects.requireNonNull(value, "value");
        }
    }

    /** Deletes one key ({@code rangeEnd} null) or an interval, with etcd's rangeEnd conventions. */
    record Delete(byte[] key, byte[] rangeEnd, boolean prevKv) implements Op {
        public Delete {
            Objects.requireNonNull(key, "key");
        }
    }

    /** Reads inside the transaction; its revision must be 0 or the store's current one. */
    record Get(RangeRequest request) implements Op {
        public Get {
            Objects.requireNonNull(request, "request");
        }
    }

    static Op put(byte[] key, byte[] value) {
        return new Put(key, value, 0, false);
    }

    static Op delete(byte[] key) {
        return new Delete(key, null, false);
    }

    static Op get(byte[] key) {
        return new Get(RangeRequest.key(key));
    }
}
