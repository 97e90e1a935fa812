package dev.caravel.storage;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Keys are byte strings ordered as unsigned bytes, exactly as etcd orders them. These functions
 * give the interval forms etcd uses: a single key, a prefix, and "every key from here on".
 */
public final class ByteKeys {
    /** etcd's range end that means "every key greater than or equal to the start key". */
    private static final byte[] ALL_FROM_KEY = {0};

    private ByteKeys() {}

    public static byte[] utf8(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    public static String toUtf8(byte[] key) {
        return new String(key, StandardCharsets.UTF_8);
    }

    public static int compare(byte[] a, byte[] b) {
        return Arrays.compareUnsigned(a, b);
    }

    /**
     * The smallest key greater than every key that starts with {@code prefix}: the prefix with its
     * last byte below 0xff incremented and what follows dropped. A prefix of only 0xff bytes (or an
     * empty one) has no such key; then every key from the prefix on is meant, which etcd spells as
     * the range end {@code "\0"}.
     */
    public static byte[] prefixEnd(byte[] prefix) {
        for (int i = prefix.length - 1; i >= 0; i--) {
            if (prefix[i] != (byte) 0xff) {
                byte[] end = Arrays.copyOf(prefix, i + 1);
                end[i]++;
                return end;
            }
        }
        return ALL_FROM_KEY.clone();
    }

    /** True when {@code rangeEnd} is etcd's "\0", meaning every key from the start key on. */
    public static boolean isAllFromKey(byte[] rangeEnd) {
        return rangeEnd != null && rangeEnd.length == 1 && rangeEnd[0] == 0;
    }

    /**
     * Whether {@code key} lies in the interval given by etcd's (key, rangeEnd) pair: a single key when
     * rangeEnd is null or empty, [start, +inf) when rangeEnd is "\0", else [start, rangeEnd).
     */
    public static boolean inRange(byte[] key, byte[] start, byte[] rangeEnd) {
        if (rangeEnd == null || rangeEnd.length == 0) {
            return Arrays.equals(key, start);
        }
        if (compare(key, start) < 0) {
            return false;
        }
        return isAllFromKey(rangeEnd) || compare(key, rangeEnd) < 0;
    }
}
