package dev.caravel.apiserver.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The decoded query of a request URL, Go's url.Values as Kubernetes reads it: pairs split on
 * {@code &}, {@code +} read as a space, percent escapes decoded, a key without {@code =} given the
 * empty value, and a pair whose escapes are malformed dropped (as {@code URL.Query()} drops it).
 * A parameter may repeat; Kubernetes uses the first value except for lists such as dryRun.
 */
public final class QueryParameters {

    private static final QueryParameters EMPTY = new QueryParameters(Map.of());

    private final Map<String, List<String>> values;

    private QueryParameters(Map<String, List<String>> values) {
        this.values = values;
    }

    public static QueryParameters empty() {
        return EMPTY;
    }

    /** Parses a raw query (the part after {@code ?}, still escaped); null or empty gives no parameters. */
    public static QueryParameters parse(String rawQuery) {
        if (rawQuery == null || rawQuery.isEmpty()) {
            return EMPTY;
        }
        Map<String, List<String>> values = new LinkedHashMap<>();
        for (String pair : rawQuery.split("&", -1)) {
            if (pair.isEmpty() || pair.indexOf(';') >= 0) {
                // Go rejects semicolons in queries since 1.17; URL.Query() skips such pairs.
                continue;
            }
            int eq = pair.indexOf('=');
            String key = unescape(eq < 0 ? pair : pair.substring(0, eq));
            String value = eq < 0 ? "" : unescape(pair.substring(eq + 1));
            if (key == null || value == null) {
                continue;
            }
            values.computeIfAbsent(key, k -> new ArrayList<>()).add(value);
        }
        values.replaceAll((k, v) -> List.copyOf(v));
        return new QueryParameters(Collections.unmodifiableMap(values));
    }

    /** For tests and internal callers: parameters from single values. */
    public static QueryParameters of(Map<String, String> single) {
        Map<String, List<String>> values = new LinkedHashMap<>();
        single.forEach((k, v) -> values.put(k, List.of(v)));
        return new QueryParameters(Collections.unmodifiableMap(values));
    }

    /** Go's url.QueryUnescape: null when an escape is malformed. */
    private static String unescape(String s) {
        if (s.indexOf('%') < 0 && s.indexOf('+') < 0) {
            return s;
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '+') {
                out.write(' ');
            } else if (c == '%') {
                if (i + 2 >= s.length()) {
                    return null;
                }
                int hi = Character.digit(s.charAt(i + 1), 16);
                int lo = Character.digit(s.charAt(i + 2), 16);
                if (hi < 0 || lo < 0) {
                    return null;
                }
                out.write(hi << 4 | lo);
                i += 2;
            } else if (c < 0x80) {
                out.write(c);
            } else {
                // A raw non-ASCII character (a client that did not escape it): keep it as UTF-8.
                int end = Character.isHighSurrogate(c) && i + 1 < s.length() ? i + 2 : i + 1;
                out.writeBytes(s.substring(i, end).getBytes(StandardCharsets.UTF_8));
                i = end - 1;
            }
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    public boolean has(String key) {
        List<String> v = values.get(key);
        return v != null && !v.isEmpty();
    }

    /** The first value, or null when the parameter is absent. */
    public String first(String key) {
        List<String> v = values.get(key);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Every value, in order; empty when absent. */
    public List<String> all(String key) {
        return values.getOrDefault(key, List.of());
    }

    public Set<String> keys() {
        return values.keySet();
    }

    @Override
    public String toString() {
        return values.toString();
    }
}
