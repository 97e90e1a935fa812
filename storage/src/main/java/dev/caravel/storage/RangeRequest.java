package dev.caravel.storage;

import java.util.Objects;

/**
 * A read of one key or an interval of keys, as etcd's RangeRequest.
 *
 * @param key       the first key (or the only one, when {@code rangeEnd} is null)
 * @param rangeEnd  null for a single key; {@code "\0"} for every key from {@code key} on; otherwise exclusive end
 * @param revision  the revision to read at; 0 for the current one. Below the compacted revision: COMPACTED;
 *                  above the current one: FUTURE_REVISION
 * @param limit     most keys returned, 0 for no limit; {@code more} in the response says whether keys were left
 * @param countOnly only count the keys (no key-values returned)
 * @param keysOnly  return key-values without their values
 */
public record RangeRequest(byte[] key, byte[] rangeEnd, long revision, long limit, boolean countOnly, boolean keysOnly) {

    public RangeRequest {
        Objects.requireNonNull(key, "key");
        if (revision < 0 || limit < 0) {
            throw new IllegalArgumentException("revision and limit must not be negative");
        }
    }

    public static RangeRequest key(byte[] key) {
        return new RangeRequest(key, null, 0, 0, false, false);
    }

    public static RangeRequest prefix(byte[] prefix) {
        return new RangeRequest(prefix, ByteKeys.prefixEnd(prefix), 0, 0, false, false);
    }

    public static RangeRequest interval(byte[] start, byte[] end) {
        return new RangeRequest(start, end, 0, 0, false, false);
    }

    public RangeRequest atRevision(long atRevision) {
        return new RangeRequest(key, rangeEnd, atRevision, limit, countOnly, keysOnly);
    }

    public RangeRequest withLimit(long maxKeys) {
        return new RangeRequest(key, rangeEnd, revision, maxKeys, countOnly, keysOnly);
    }

    public RangeRequest countingOnly() {
        return new RangeRequest(key, rangeEnd, revision, limit, true, keysOnly);
    }

    public RangeRequest keysOnlyRequest() {
        return new RangeRequest(key, rangeEnd, revision, limit, countOnly, true);
    }

    public boolean isSingleKey() {
        return rangeEnd == null || rangeEnd.length == 0;
    }

    public boolean contains(byte[] candidate) {
        return ByteKeys.inRange(candidate, key, rangeEnd);
    }
}
