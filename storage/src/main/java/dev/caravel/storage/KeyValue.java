package dev.caravel.storage;

import java.util.Arrays;
import java.util.Objects;

/**
 * One version of one key, as etcd's mvccpb.KeyValue: the key, its value, the revision that created
 * the key's current generation, the revision of this modification, the number of modifications
 * since creation (1 for a fresh key), and the lease it is attached to (0 for none).
 *
 * <p>The arrays are owned by this value: callers must not change them. In a DELETE watch event the
 * value is empty and only {@code key} and {@code modRevision} (the deletion's revision) are set, as etcd does.
 */
public record KeyValue(byte[] key, byte[] value, long createRevision, long modRevision, long version, long lease) {

    private static final byte[] EMPTY = new byte[0];

    public KeyValue {
        Objects.requireNonNull(key, "key");
        value = value == null ? EMPTY : value;
        if (createRevision < 0 || modRevision < 0 || version < 0 || lease < 0) {
            throw new IllegalArgumentException("revisions, version and lease must not be negative");
        }
    }

    /** The marker etcd puts in a DELETE event: the key and the deletion's revision. */
    public static KeyValue tombstone(byte[] key, long deleteRevision) {
        return new KeyValue(key, EMPTY, 0, deleteRevision, 0, 0);
    }

    public KeyValue withoutValue() {
        return new KeyValue(key, EMPTY, createRevision, modRevision, version, lease);
    }

    public String keyUtf8() {
        return ByteKeys.toUtf8(key);
    }

    public String valueUtf8() {
        return ByteKeys.toUtf8(value);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyValue other
                && createRevision == other.createRevision
                && modRevision == other.modRevision
                && version == other.version
                && lease == other.lease
                && Arrays.equals(key, other.key)
                && Arrays.equals(value, other.value);
    }

    @Override
    public int hashCode() {
        return Objects.hash(Arrays.hashCode(key), Arrays.hashCode(value), createRevision, modRevision, version, lease);
    }

    @Override
    public String toString() {
        return "KeyValue[key=" + keyUtf8() + ", value=" + value.length + " bytes, createRevision=" + createRevision
                + ", modRevision=" + modRevision + ", version=" + version + ", lease=" + lease + "]";
    }
}
