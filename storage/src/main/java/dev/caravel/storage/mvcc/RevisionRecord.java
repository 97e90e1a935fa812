package dev.caravel.storage.mvcc;

import dev.caravel.storage.KeyValue;
import java.util.Objects;

/**
 * What a backend stores under one revision: the change made to one key. A put stores the key-value
 * as it became; a delete stores a tombstone (the key, no value). This is etcd's layout: the history
 * is keyed by revision, and the in-memory key index maps each key to its revisions.
 */
public record RevisionRecord(Revision revision, KeyValue kv, boolean tombstone) {

    public RevisionRecord {
        Objects.requireNonNull(revision, "revision");
        Objects.requireNonNull(kv, "kv");
        if (kv.modRevision() != revision.main()) {
            throw new IllegalArgumentException("record " + revision + " holds a key-value of revision " + kv.modRevision());
        }
    }

    public static RevisionRecord put(Revision revision, KeyValue kv) {
        return new RevisionRecord(revision, kv, false);
    }

    public static RevisionRecord delete(Revision revision, byte[] key) {
        return new RevisionRecord(revision, KeyValue.tombstone(key, revision.main()), true);
    }
}
