package dev.caravel.audit.writer;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The user of an audit event (authentication.k8s.io/v1 {@code UserInfo}). Every field may be
 * empty and is then left out of the JSON; {@code extra} is kept sorted by key, the order Go writes
 * a map in.
 */
public record UserInfo(String username, String uid, List<String> groups, Map<String, List<String>> extra) {

    public UserInfo {
        username = username == null ? "" : username;
        uid = uid == null ? "" : uid;
        groups = groups == null ? List.of() : List.copyOf(groups);
        TreeMap<String, List<String>> sorted = new TreeMap<>();
        if (extra != null) {
            extra.forEach((key, values) -> sorted.put(key, List.copyOf(values)));
        }
        extra = java.util.Collections.unmodifiableSortedMap(sorted);
    }

    public static UserInfo of(String username, List<String> groups) {
        return new UserInfo(username, "", groups, Map.of());
    }
}
