package dev.caravel.benchmarks.liststorm;

import dev.caravel.benchmarks.common.Latencies;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * When the slow deliveries of a fan-out were sent, by second of the patching: whether the tail is
 * spread evenly (a machine short of cores) or bunched into a few seconds (a pause or a stall of
 * the server). Thread-safe; a delivery is slow above the threshold given.
 */
final class SlowDeliveries {

    private static final int SECONDS = 600;

    private final long thresholdNanos;
    private final AtomicLongArray slow = new AtomicLongArray(SECONDS);
    private final AtomicLongArray worst = new AtomicLongArray(SECONDS);
    private volatile long startNanos;
    private volatile boolean started;

    SlowDeliveries(Duration threshold) {
        this.thresholdNanos = threshold.toNanos();
    }

    /** The patching starts: sends are placed in seconds from here. */
    void start(long nanos) {
        startNanos = nanos;
        started = true;
    }

    void record(long sentNanos, long latencyNanos) {
        if (!started || latencyNanos <= thresholdNanos) {
            return;
        }
        int second = (int) Math.max(0, Math.min(SECONDS - 1, (sentNanos - startNanos) / 1_000_000_000L));
        slow.incrementAndGet(second);
        worst.accumulateAndGet(second, latencyNanos, Math::max);
    }

    /** [{"second":S,"slow":N,"max_ms":M}, ...] for every second with a slow delivery. */
    ArrayNode toJson() {
        ArrayNode seconds = JsonNodeFactory.instance.arrayNode();
        for (int s = 0; s < SECONDS; s++) {
            if (slow.get(s) > 0) {
                seconds.addObject().put("second", s).put("slow", slow.get(s))
                        .put("max_ms", Latencies.round(worst.get(s) / 1e6));
            }
        }
        return seconds;
    }
}
