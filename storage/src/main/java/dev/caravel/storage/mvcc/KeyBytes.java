package dev.caravel.storage.mvcc;

import dev.caravel.storage.ByteKeys;
import java.util.Arrays;

/** A key as a hash-map key: byte arrays compare by identity, this compares by content (unsigned order). */
final class KeyBytes implements Comparable<KeyBytes> {
    final byte[] bytes;
    private final int hash;

    KeyBytes(byte[] bytes) {
        this.bytes = bytes;
        this.hash = Arrays.hashCode(bytes);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof KeyBytes other && hash == other.hash && Arrays.equals(bytes, other.bytes);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public int compareTo(KeyBytes other) {
        return ByteKeys.compare(bytes, other.bytes);
    }

    @Override
    public String toString() {
        return ByteKeys.toUtf8(bytes);
    }
}
