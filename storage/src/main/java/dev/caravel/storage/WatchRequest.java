package dev.caravel.storage;

import java.util.Objects;

/**
 * A watch on one key or an interval, as etcd's WatchCreateRequest.
 *
 * @param key            the first key (or the only one, when {@code rangeEnd} is null)
 * @param rangeEnd       etcd's range end conventions, as in {@link RangeRequest}
 * @param startRevision  the first revision whose events are delivered; 0 for "from the next change on".
 *                       Below the compacted revision the watch ends with COMPACTED (as etcd, and as
 *                       {@link KeyValueStore#compact} says)
 * @param prevKv         whether events carry the key's previous version
 * @param progressNotify whether the store sends progress notifications on its own while nothing
 *                       changes (they can always be asked for with {@link Watch#requestProgress()})
 */
public record WatchRequest(byte[] key, byte[] rangeEnd, long startRevision, boolean prevKv, boolean progressNotify) {

    public WatchRequest {
        Objects.requireNonNull(key, "key");
        if (startRevision < 0) {
            throw new IllegalArgumentException("startRevision must not be negative");
        }
    }

    public static WatchRequest key(byte[] key) {
        return new WatchRequest(key, null, 0, false, false);
    }

    public static WatchRequest prefix(byte[] prefix) {
        return new WatchRequest(prefix, ByteKeys.prefixEnd(prefix), 0, false, false);
    }

    public WatchRequest fromRevision(long revision) {
        return new WatchRequest(key, rangeEnd, revision, prevKv, progressNotify);
    }

    public WatchRequest withPrevKv() {
        return new WatchRequest(key, rangeEnd, startRevision, true, progressNotify);
    }

    public WatchRequest withProgressNotify() {
        return new WatchRequest(key, rangeEnd, startRevision, prevKv, true);
    }

    public boolean contains(byte[] candidate) {
        return ByteKeys.inRange(candidate, key, rangeEnd);
    }
}
