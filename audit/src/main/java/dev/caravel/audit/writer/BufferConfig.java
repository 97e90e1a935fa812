package dev.caravel.audit.writer;

import java.time.Duration;
import java.util.Objects;

/**
 * The buffer in front of a backend (kube-apiserver's --audit-{log,webhook}-batch-* and -mode flags).
 *
 * @param bufferSize     events held before the mode decides (kube-apiserver default 10000)
 * @param maxBatchSize   events written in one backend call (webhook 400 by default)
 * @param maxBatchWait   how long a partial batch waits for more events (webhook 30s)
 * @param blockingWait   how long blocking and blocking-strict requests wait for space or the write:
 *                       the bound that keeps a stuck backend from holding requests forever
 * @param throttleQps    batches per second, 0 for no throttle (webhook 10 by default)
 * @param throttleBurst  batches allowed at once above the rate (webhook 15)
 */
public record BufferConfig(BufferMode mode, int bufferSize, int maxBatchSize, Duration maxBatchWait,
                           Duration blockingWait, double throttleQps, int throttleBurst) {

    public BufferConfig {
        Objects.requireNonNull(mode, "mode");
        if (bufferSize < 1 || maxBatchSize < 1) {
            throw new IllegalArgumentException("bufferSize and maxBatchSize must be positive");
        }
        if (maxBatchWait.isNegative() || blockingWait.isNegative()) {
            throw new IllegalArgumentException("waits must not be negative");
        }
        if (throttleQps < 0 || (throttleQps > 0 && throttleBurst < 1)) {
            throw new IllegalArgumentException("throttle needs qps >= 0 and, when on, burst >= 1");
        }
    }

    /**
     * The log backend's defaults: blocking, no throttle. kube-apiserver's log batches are of one
     * event; ours take whatever is already queued (up to 400) without waiting for more, which
     * changes nothing in the file but saves a flush per event under load.
     */
    public static BufferConfig logDefaults() {
        return new BufferConfig(BufferMode.BLOCKING, 10_000, 400, Duration.ZERO, Duration.ofSeconds(10), 0, 0);
    }

    /** kube-apiserver's webhook backend defaults: batch mode, 400 events or 30 s, 10 batches/s burst 15. */
    public static BufferConfig webhookDefaults() {
        return new BufferConfig(BufferMode.BATCH, 10_000, 400, Duration.ofSeconds(30), Duration.ofSeconds(10),
                10, 15);
    }

    public BufferConfig withMode(BufferMode mode) {
        return new BufferConfig(mode, bufferSize, maxBatchSize, maxBatchWait, blockingWait, throttleQps,
                throttleBurst);
    }
}
