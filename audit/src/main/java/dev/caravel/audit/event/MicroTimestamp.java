package dev.caravel.audit.event;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDate;

/**
 * RFC 3339 timestamps as microseconds since the epoch.
 *
 * <p>kube-apiserver writes {@code MicroTime} as {@code 2026-11-25T13:18:37.123456Z} (always UTC,
 * six fraction digits); v1beta1's {@code timestamp} and hand-edited logs may have fewer or more
 * fraction digits or a numeric offset, so those are accepted too. Parsing goes straight from the
 * parser's character buffer: {@link java.time.OffsetDateTime#parse} costs about a microsecond and
 * a few objects per call, which is a tenth of the time budget of a whole event at the throughput
 * we aim for.
 */
public final class MicroTimestamp {

    /** Returned by {@link #parse} when the text is not an RFC 3339 timestamp. */
    public static final long INVALID = Long.MIN_VALUE;

    private MicroTimestamp() {
    }

    public static long parse(CharSequence text) {
        char[] chars = text.toString().toCharArray();
        return parse(chars, 0, chars.length);
    }

    /** Microseconds since the epoch, or {@link #INVALID}. Fraction digits beyond the sixth are truncated. */
    public static long parse(char[] c, int off, int len) {
        // Shortest form: 2006-01-02T15:04:05Z (20 characters).
        if (len < 20) {
            return INVALID;
        }
        int end = off + len;
        int year = digits(c, off, 4);
        int month = digits(c, off + 5, 2);
        int day = digits(c, off + 8, 2);
        int hour = digits(c, off + 11, 2);
        int minute = digits(c, off + 14, 2);
        int second = digits(c, off + 17, 2);
        char t = c[off + 10];
        if (year < 0 || month < 0 || day < 0 || hour < 0 || minute < 0 || second < 0
                || c[off + 4] != '-' || c[off + 7] != '-' || (t != 'T' && t != 't' && t != ' ')
                || c[off + 13] != ':' || c[off + 16] != ':' || hour > 23 || minute > 59 || second > 60) {
            return INVALID;
        }
        int i = off + 19;
        long micros = 0;
        if (c[i] == '.') {
            i++;
            int fractionStart = i;
            long scale = 100_000;
            while (i < end && c[i] >= '0' && c[i] <= '9') {
                micros += (c[i] - '0') * scale;
                scale /= 10;
                i++;
            }
            if (i == fractionStart) {
                return INVALID;
            }
        }
        if (i >= end) {
            return INVALID;
        }
        long offsetSeconds;
        char zone = c[i];
        if ((zone == 'Z' || zone == 'z') && i + 1 == end) {
            offsetSeconds = 0;
        } else if ((zone == '+' || zone == '-') && i + 6 == end && c[i + 3] == ':') {
            int offHours = digits(c, i + 1, 2);
            int offMinutes = digits(c, i + 4, 2);
            if (offHours < 0 || offMinutes < 0) {
                return INVALID;
            }
            offsetSeconds = (offHours * 3600L + offMinutes * 60L) * (zone == '-' ? -1 : 1);
        } else {
            return INVALID;
        }
        long epochDay;
        try {
            epochDay = LocalDate.of(year, month, day).toEpochDay();
        } catch (DateTimeException e) {
            return INVALID;
        }
        long epochSecond = epochDay * 86_400 + hour * 3600L + minute * 60L + second - offsetSeconds;
        return epochSecond * 1_000_000 + micros;
    }

    /** Formats as kube-apiserver does: UTC, six fraction digits. */
    public static String format(long micros) {
        long seconds = Math.floorDiv(micros, 1_000_000);
        long fraction = Math.floorMod(micros, 1_000_000);
        String whole = Instant.ofEpochSecond(seconds).toString(); // 2026-11-25T13:18:37Z
        return whole.substring(0, whole.length() - 1) + '.' + String.format("%06d", fraction) + 'Z';
    }

    public static long of(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000);
    }

    public static Instant toInstant(long micros) {
        return Instant.ofEpochSecond(Math.floorDiv(micros, 1_000_000), Math.floorMod(micros, 1_000_000) * 1_000L);
    }

    private static int digits(char[] c, int from, int count) {
        int value = 0;
        for (int i = from; i < from + count; i++) {
            char ch = c[i];
            if (ch < '0' || ch > '9') {
                return -1;
            }
            value = value * 10 + (ch - '0');
        }
        return value;
    }
}
