package dev.caravel.audit.writer;

/**
 * A token bucket limiting batches per second, as kube-apiserver's --audit-webhook-batch-throttle-*
 * flags do. Used by the one writer thread only.
 */
final class Throttle {

    private final double qps;
    private final double burst;
    private double tokens;
    private long lastNanos;

    Throttle(double qps, int burst) {
        this.qps = qps;
        this.burst = burst;
        this.tokens = burst;
        this.lastNanos = System.nanoTime();
    }

    /** Waits until a batch may be sent. */
    void acquire() throws InterruptedException {
        while (true) {
            long now = System.nanoTime();
            tokens = Math.min(burst, tokens + (now - lastNanos) / 1e9 * qps);
            lastNanos = now;
            if (tokens >= 1) {
                tokens -= 1;
                return;
            }
            long waitNanos = (long) ((1 - tokens) / qps * 1e9);
            Thread.sleep(waitNanos / 1_000_000, (int) (waitNanos % 1_000_000));
        }
    }
}
