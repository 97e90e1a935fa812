package dev.caravel.benchmarks.common;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.Arrays;

/**
 * Latencies of one measurement, in nanoseconds, and its failures; percentiles by sorting, which
 * every benchmark here can afford since its runs are bounded. Thread-safe: a recorder may be shared
 * by clients, or kept per client and merged with {@link #addAll} (an uncontended lock then).
 */
public final class Latencies {

    private long[] samples;
    private int size;
    private int failures;

    public Latencies() {
        this(1024);
    }

    /** @param expected how many samples to make room for at once */
    public Latencies(int expected) {
        samples = new long[Math.max(16, expected)];
    }

    public synchronized void record(long nanos) {
        if (size == samples.length) {
            samples = Arrays.copyOf(samples, size * 2);
        }
        samples[size++] = nanos;
    }

    public synchronized void fail() {
        failures++;
    }

    /** Adds another recorder's samples and failures to this one. */
    public void addAll(Latencies other) {
        long[] theirs;
        int theirFailures;
        synchronized (other) {
            theirs = Arrays.copyOf(other.samples, other.size);
            theirFailures = other.failures;
        }
        synchronized (this) {
            for (long sample : theirs) {
                record(sample);
            }
            failures += theirFailures;
        }
    }

    public synchronized int count() {
        return size;
    }

    public synchronized int failures() {
        return failures;
    }

    /** The latency at quantile q (0..1) in milliseconds; NaN without samples. */
    public synchronized double percentileMillis(double q) {
        if (size == 0) {
            return Double.NaN;
        }
        long[] sorted = Arrays.copyOf(samples, size);
        Arrays.sort(sorted);
        int index = (int) Math.min(size - 1, Math.ceil(q * size) - 1);
        return sorted[Math.max(0, index)] / 1e6;
    }

    /** {"requests":N,"failures":F,"p50_ms":..,"p99_ms":..,"max_ms":..}. */
    public synchronized ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("requests", size);
        json.put("failures", failures);
        json.put("p50_ms", round(percentileMillis(0.50)));
        json.put("p99_ms", round(percentileMillis(0.99)));
        json.put("max_ms", round(percentileMillis(1.0)));
        return json;
    }

    /** Two decimals, for figures in JSON; NaN stays NaN. */
    public static double round(double value) {
        return Double.isNaN(value) ? value : Math.round(value * 100) / 100.0;
    }
}
