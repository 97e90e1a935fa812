package dev.caravel.audit.event;

/**
 * Hands out the same String for a value seen recently, straight from the parser's character
 * buffer. An audit log repeats a few thousand values (user names, user agents, verbs, resources,
 * namespaces) millions of times: reusing them saves a String per field per event and, as a String
 * caches its hash, the grouping map's hashing of the key too.
 *
 * <p>A direct-mapped cache, not a set: a colliding value replaces the one in its slot, so memory
 * stays fixed whatever the log holds (unique values just miss). One per parser, not thread-safe.
 */
final class ValueStrings {

    /** 4096 slots hold a large cluster's users and agents with few collisions; 32 KiB of references. */
    private static final int SLOTS = 4096;
    /** Longer values are rarely repeated (request URIs with names), so they are not cached. */
    private static final int MAX_CACHED_LENGTH = 200;

    private final String[] slots = new String[SLOTS];

    String get(char[] chars, int offset, int length) {
        if (length > MAX_CACHED_LENGTH) {
            return new String(chars, offset, length);
        }
        int hash = 0;
        for (int i = offset; i < offset + length; i++) {
            hash = 31 * hash + chars[i];
        }
        int slot = (hash ^ (hash >>> 15)) & (SLOTS - 1);
        String cached = slots[slot];
        if (cached != null && sameChars(cached, chars, offset, length)) {
            return cached;
        }
        String value = new String(chars, offset, length);
        slots[slot] = value;
        return value;
    }

    private static boolean sameChars(String s, char[] chars, int offset, int length) {
        if (s.length() != length) {
            return false;
        }
        for (int i = 0; i < length; i++) {
            if (s.charAt(i) != chars[offset + i]) {
                return false;
            }
        }
        return true;
    }
}
