package dev.caravel.metricsserver;

/** Reads one sample out of a scrape in Prometheus' text format, for assertions. */
final class PrometheusText {

    private PrometheusText() {
    }

    /** The value of the sample whose name and labels are exactly {@code series}; fails when absent. */
    static double value(String scrape, String series) {
        for (String line : scrape.split("\n")) {
            if (line.startsWith(series + " ")) {
                return Double.parseDouble(line.substring(series.length() + 1).trim());
            }
        }
        throw new AssertionError("no sample " + series + " in:\n" + scrape);
    }
}
