package dev.caravel.storage.etcd;

import java.time.Duration;
import java.util.Objects;

/**
 * How {@link EtcdStore} talks to etcd.
 *
 * @param requestTimeout      how long one blocking call waits for etcd before failing with UNAVAILABLE
 * @param watchRetryDelay     how long a watch whose stream broke waits before it watches again
 * @param maxBufferedEvents   events a watch holds for a listener that has not taken them yet; beyond
 *                            it the watch ends with WATCHER_TOO_SLOW
 * @param maxInboundMessageBytes the largest gRPC message accepted from etcd
 * @param progressSettleDelay how long a watch's stream must stay quiet before a progress answer from
 *                            etcd that is ahead of the events delivered is believed (see {@link EtcdWatch})
 */
public record EtcdStoreOptions(
        Duration requestTimeout, Duration watchRetryDelay, int maxBufferedEvents, int maxInboundMessageBytes,
        Duration progressSettleDelay) {

    /**
     * A minute per call: a list of 50,000 objects of 4 KiB (200 MB) must fit in one call on a slow
     * machine. 500 ms between watch attempts is what jetcd itself waits. etcd's server sends
     * messages of up to 2 GiB (MaxInt32), so we accept as much: a range's size is bounded by the
     * caller's limit, not by us. 100,000 events held for one listener are 400 MB at 4 KiB each: a
     * listener that far behind had better list again. 250 ms of quiet is two and a half periods of etcd's loop that
     * sends a catching-up watcher its events (every 100 ms).
     */
    public static final EtcdStoreOptions DEFAULTS = new EtcdStoreOptions(
            Duration.ofMinutes(1), Duration.ofMillis(500), 100_000, Integer.MAX_VALUE, Duration.ofMillis(250));

    public EtcdStoreOptions {
        Objects.requireNonNull(requestTimeout, "requestTimeout");
        Objects.requireNonNull(watchRetryDelay, "watchRetryDelay");
        Objects.requireNonNull(progressSettleDelay, "progressSettleDelay");
        if (requestTimeout.isNegative() || requestTimeout.isZero()) {
            throw new IllegalArgumentException("requestTimeout must be positive");
        }
        if (maxBufferedEvents <= 0 || maxInboundMessageBytes <= 0) {
            throw new IllegalArgumentException("maxBufferedEvents and maxInboundMessageBytes must be positive");
        }
    }

    public EtcdStoreOptions withRequestTimeout(Duration timeout) {
        return new EtcdStoreOptions(timeout, watchRetryDelay, maxBufferedEvents, maxInboundMessageBytes, progressSettleDelay);
    }

    public EtcdStoreOptions withMaxBufferedEvents(int events) {
        return new EtcdStoreOptions(requestTimeout, watchRetryDelay, events, maxInboundMessageBytes, progressSettleDelay);
    }
}
