package dev.caravel.apiserver.printer;

import java.time.Duration;
import java.time.Instant;

/**
 * Durations as kubectl shows them in AGE and similar columns: two to three significant figures,
 * "5s", "3m20s", "45m", "5h10m", "2d3h", "400d", "3y12d". Kubernetes' apimachinery
 * {@code duration.HumanDuration} defines the cut-offs; clients compare these strings with what a
 * real server prints, so every threshold below is the same.
 *
 * <p>Clocks of two machines disagree a little: a timestamp up to one whole second in the future
 * still reads "0s"; anything later is {@code <invalid>}.
 */
public final class HumanDuration {

    /** What a column shows when the object carries no timestamp at all. */
    public static final String UNKNOWN = "<unknown>";

    private HumanDuration() {
    }

    /** The time from {@code then} to {@code now}, or {@link #UNKNOWN} when {@code then} is absent. */
    public static String since(Instant then, Instant now) {
        if (then == null) {
            return UNKNOWN;
        }
        return format(Duration.between(then, now));
    }

    public static String format(Duration d) {
        // Go truncates toward zero (int(d.Seconds())); Duration.toMillis()/1000 does the same,
        // where getSeconds() would floor and turn -1.5s into "<invalid>" instead of "0s".
        long millis = d.toMillis();
        long seconds = millis / 1000;
        if (seconds < -1) {
            return "<invalid>";
        }
        if (seconds < 0) {
            return "0s";
        }
        if (seconds < 120) {
            return seconds + "s";
        }
        long minutes = seconds / 60;
        if (minutes < 10) {
            long s = seconds % 60;
            return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
        }
        if (minutes < 60 * 3) {
            return minutes + "m";
        }
        long hours = minutes / 60;
        if (hours < 8) {
            long m = minutes % 60;
            return m == 0 ? hours + "h" : hours + "h" + m + "m";
        }
        if (hours < 48) {
            return hours + "h";
        }
        if (hours < 24 * 8) {
            long h = hours % 24;
            return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
        }
        if (hours < 24 * 365 * 2) {
            return hours / 24 + "d";
        }
        if (hours < 24 * 365 * 8) {
            long days = (hours / 24) % 365;
            return days == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + days + "d";
        }
        return hours / 24 / 365 + "y";
    }
}
