package dev.caravel.benchmarks.storage;

import java.util.Arrays;

/** Latencies of one workload's operations, in nanoseconds; percentiles by sorting (runs are bounded). */
final class LatencyRecorder {
    private long[] samples;
    private int size;

    LatencyRecorder(int expected) {
        samples = new long[Math.max(16, expected)];
    }

    synchronized void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized void addAll(LatencyRecorder other) {
        for (int i = 0; i < other.size; i++) {
            record(other.samples[i]);
        }
    }

    synchronized int count() {
        return size;
    }

    /** The latency at quantile q (0..1) in milliseconds. */
    synchronized double percentileMillis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }
}
