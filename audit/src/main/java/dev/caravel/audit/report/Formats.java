package dev.caravel.audit.report;

import dev.caravel.audit.event.MicroTimestamp;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/** How numbers and instants look in the table, the chart and the page (never in JSON, which keeps raw values). */
final class Formats {

    private static final DateTimeFormatter INSTANT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss", Locale.ROOT)
            .withZone(ZoneOffset.UTC);

    private Formats() {
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    static String seconds(double s) {
        return String.format(Locale.ROOT, "%,.1f s", s);
    }

    static String percent(double share) {
        if (share > 0 && share < 0.0005) {
            return "<0.1%"; // "0.0%" would read as nothing at all
        }
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String decimal(double value) {
        return String.format(Locale.ROOT, "%,.2f", value);
    }

    /** UTC, to the second, with a trailing Z: audit logs are in UTC and so is every figure we print. */
    static String instant(long micros) {
        return INSTANT.format(MicroTimestamp.toInstant(micros)) + "Z";
    }

    static String duration(double seconds) {
        long s = Math.round(seconds);
        if (s < 60) {
            return String.format(Locale.ROOT, "%.1fs", seconds);
        }
        long d = s / 86_400;
        long h = s % 86_400 / 3600;
        long m = s % 3600 / 60;
        long rest = s % 60;
        StringBuilder out = new StringBuilder();
        if (d > 0) {
            out.append(d).append("d ");
        }
        if (d > 0 || h > 0) {
            out.append(h).append("h ");
        }
        out.append(m).append("m ").append(rest).append('s');
        return out.toString();
    }

    /** Cuts a long key in the middle, where service account names differ least. */
    static String shorten(String key, int max) {
        if (key.length() <= max) {
            return key;
        }
        int head = (max - 1) / 2;
        int tail = max - 1 - head;
        return key.substring(0, head) + "…" + key.substring(key.length() - tail);
    }

    static String iso(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000)).toString();
    }
}
