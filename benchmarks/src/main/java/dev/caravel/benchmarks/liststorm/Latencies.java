package dev.caravel.benchmarks.liststorm;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;

/** Latencies of one measurement, in nanoseconds; percentiles by sorting (every run is bounded). */
final class Latencies {
    private long[] samples = new long[1024];
    private int size;
    private int failures;

    synchronized void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    synchronized void fail() {
        failures++;
    }

    synchronized int count() {
        return size;
    }

    synchronized int failures() {
        return failures;
    }

    /** The latency at quantile q (0..1) in milliseconds; NaN without samples. */
    synchronized double percentileMillis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** {"requests":N,"failures":F,"p50_ms":..,"p99_ms":..,"max_ms":..}. */
    synchronized ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("requests", size);
        json.put("failures", failures);
        json.put("p50_ms", round(percentileMillis(0.50)));
        json.put("p99_ms", round(percentileMillis(0.99)));
        json.put("max_ms", round(percentileMillis(1.0)));
        return json;
    }

    static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 100) / 100.0;
    }
}
