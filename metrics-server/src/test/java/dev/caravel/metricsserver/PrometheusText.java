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

    /** The count of the first bucket of histogram {@code name} (no other labels) whose upper bound is at least {@code bound}. */
    static double bucketAtLeast(String scrape, String name, double bound) {
        String prefix = name + "_bucket{le=\"";
        for (String line : scrape.split("\n")) {
            if (line.startsWith(prefix)) {
                String le = line.substring(prefix.length(), line.indexOf('"', prefix.length()));
                if (le.equals("+Inf") || Double.parseDouble(le) >= bound) {
                    return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
                }
            }
        }
        throw new AssertionError("no bucket of " + name + " in:\n" + scrape);
    }
}
