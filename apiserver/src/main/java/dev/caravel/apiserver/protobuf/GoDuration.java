package dev.caravel.apiserver.protobuf;

/**
 * Go's {@code time.Duration.String()}: the JSON form of a {@code metav1.Duration}, which the
 * protobuf form carries as nanoseconds. {@code 1h0m0s}, {@code 1m30s}, {@code 2.5s},
 * {@code 1.5ms}, {@code 0s}; a leading {@code -} when negative.
 */
final class GoDuration {

    private static final long MICROSECOND = 1_000L;
    private static final long MILLISECOND = 1_000_000L;
    private static final long SECOND = 1_000_000_000L;

    private GoDuration() {
    }

    static String format(long nanos) {
        if (nanos == 0) {
            return "0s";
        }
        // Negated as an unsigned magnitude, so Long.MIN_VALUE (2^63 ns) formats like Go's.
        long magnitude = nanos < 0 ? -nanos : nanos;
        StringBuilder out = new StringBuilder(nanos < 0 ? "-" : "");
        if (Long.compareUnsigned(magnitude, SECOND) < 0) {
            // Under a second Go switches to the largest unit that keeps an integer part.
            if (magnitude < MICROSECOND) {
                return out.append(magnitude).append("ns").toString();
            }
            long unit = magnitude < MILLISECOND ? MICROSECOND : MILLISECOND;
            out.append(magnitude / unit);
            appendFraction(out, magnitude % unit, unit);
            return out.append(unit == MICROSECOND ? "\u00b5s" : "ms").toString();
        }
        long seconds = Long.divideUnsigned(magnitude, SECOND);
        long fraction = Long.remainderUnsigned(magnitude, SECOND);
        long hours = seconds / 3600;
        long minutes = seconds / 60 % 60;
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds % 60);
        appendFraction(out, fraction, SECOND);
        return out.append('s').toString();
    }

    /** {@code .5} for 500 of 1000: the digits of {@code value / unit} without trailing zeros. */
    private static void appendFraction(StringBuilder out, long value, long unit) {
        if (value == 0) {
            return;
        }
        int digits = Long.toString(unit).length() - 1;
        String padded = String.format("%0" + digits + "d", value);
        int end = padded.length();
        while (padded.charAt(end - 1) == '0') {
            end--;
        }
        out.append('.').append(padded, 0, end);
    }
}
