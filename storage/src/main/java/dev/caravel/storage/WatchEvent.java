package dev.caravel.storage;

import java.util.Objects;

/**
 * One change seen by a watch, as etcd's mvccpb.Event. For a DELETE, {@code kv} is a
 * {@link KeyValue#tombstone tombstone} carrying the deletion's revision. {@code prevKv} is the key's
 * version before the change when the watch asked for it (and it existed), else null.
 */
public record WatchEvent(Type type, KeyValue kv, KeyValue prevKv) {

    public enum Type { PUT, DELETE }

    public WatchEvent {
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(kv, "kv");
    }

    public long revision() {
        return kv.modRevision();
    }
}
