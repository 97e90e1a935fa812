package dev.caravel.benchmarks.throughput;

import java.util.Arrays;

/**
 * Request latencies in nanoseconds, one recorder per client thread (so recording takes no lock),
 * merged after the phase; percentiles by sorting, which bounded runs can afford.
 */
final class Latencies {
    private long[] samples;
    private int size;

    Latencies(int expected) {
        samples = new long[Math.max(16, expected)];
    }

    void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    void addAll(Latencies other) {
        for (int i = 0; i < other.size; i++) {
            record(other.samples[i]);
        }
    }

    int count() {
        return size;
    }

    /** The latency at quantile q (0..1), in milliseconds; NaN when nothing was recorded. */
    double percentileMillis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
