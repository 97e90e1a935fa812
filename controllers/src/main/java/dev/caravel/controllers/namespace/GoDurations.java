package dev.caravel.controllers.namespace;

import java.time.Duration;

/** Durations in messages written as Go writes them ({@code 1h0m0s}, {@code 2m30s}, {@code 1.5s}), as Kubernetes' messages do. */
final class GoDurations {

    private GoDurations() {
    }

    static String format(Duration d) {
        if (d.isZero()) {
            return "0s";
        }
        StringBuilder out = new StringBuilder();
        if (d.isNegative()) {
            out.append('-');
            d = d.negated();
        }
        long hours = d.toHours();
        long minutes = d.toMinutesPart();
        long seconds = d.toSecondsPart();
        long millis = d.toMillisPart();
        if (hours == 0 && minutes == 0 && seconds == 0) {
            return out.append(millis).append("ms").toString();
        }
        if (hours > 0) {
            out.append(hours).append('h');
        }
        if (hours > 0 || minutes > 0) {
            out.append(minutes).append('m');
        }
        out.append(seconds);
        if (millis > 0) {
            out.append('.').append(String.format("%03d", millis).replaceAll("0+$", ""));
        }
        return out.append('s').toString();
    }
}
