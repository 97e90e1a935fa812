package dev.caravel.benchmarks.storage;

import dev.caravel.benchmarks.common.Latencies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.Op;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * The storage workloads of issue 3, each run the same way on any {@link KeyValueStore}. Every
 * workload writes under its own prefix so that the runs do not see each other's keys.
 */
final class StorageWorkloads {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final KeyValueStore store;
    private final String prefix;

    StorageWorkloads(KeyValueStore store, String prefix) {
        this.store = store;
        this.prefix = prefix;
    }

    static byte[] value(int bytes) {
        byte[] value = new byte[bytes];
        ThreadLocalRandom.current().nextBytes(value);
        return value;
    }

    /** Durable puts, one after another, from one writer. */
    ObjectNode sequentialPuts(int count, int valueBytes) {
        byte[] value = value(valueBytes);
        Latencies latencies = new Latencies(count);
        long start = System.nanoTime();
        for (int i = 0; i < count; i++) {
            byte[] key = ByteKeys.utf8(prefix + "seq/" + i);
            long begin = System.nanoTime();
            store.put(key, value);
            latencies.record(System.nanoTime() - begin);
        }
        return throughput(count, System.nanoTime() - start, latencies);
    }

    /** Durable puts from many writers at once: what group commit is for. */
    ObjectNode concurrentPuts(int writers, int totalCount, int valueBytes) throws Exception {
        byte[] value = value(valueBytes);
        Latencies latencies = new Latencies(totalCount);
        AtomicLong next = new AtomicLong();
        CountDownLatch go = new CountDownLatch(1);
        try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < writers; w++) {
                done.add(pool.submit(() -> {
                    go.await();
                    for (long i = next.getAndIncrement(); i < totalCount; i = next.getAndIncrement()) {
                        byte[] key = ByteKeys.utf8(prefix + "par/" + i);
                        long begin = System.nanoTime();
                        store.put(key, value);
                        latencies.record(System.nanoTime() - begin);
                    }
                    return null;
                }));
            }
            long start = System.nanoTime();
            go.countDown();
            for (Future<?> f : done) {
                f.get();
            }
            return throughput(totalCount, System.nanoTime() - start, latencies);
        }
    }

    /** Loads {@code count} keys under one prefix, 64 writers, several keys per transaction. */
    void load(String subPrefix, int count, int valueBytes) throws Exception {
        byte[] value = value(valueBytes);
        // Stay well under both of etcd's limits: 1.5 MiB a request and 128 operations a transaction.
        int perTxn = Math.max(1, Math.min(100, (int) (600_000 / (valueBytes + 64))));
        AtomicLong next = new AtomicLong();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            List<Future<?>> done = new ArrayList<>();
            for (int w = 0; w < 64; w++) {
                done.add(pool.submit(() -> {
                    for (long first = next.getAndAdd(perTxn); first < count; first = next.getAndAdd(perTxn)) {
                        List<Op> puts = new ArrayList<>();
                        for (long i = first; i < Math.min(count, first + perTxn); i++) {
                            puts.add(Op.put(ByteKeys.utf8(prefix + subPrefix + String.format("%08d", i)), value));
                        }
                        store.txn(new TxnRequest(List.of(), puts, List.of()));
                    }
                    return null;
                }));
            }
            for (Future<?> f : done) {
                f.get();
            }
        }
    }

    /** Reads every key under the prefix, {@code repeats} times; reports each duration. */
    ObjectNode rangeAll(String subPrefix, int expected, int repeats, boolean countOnly) {
        RangeRequest request = RangeRequest.prefix(ByteKeys.utf8(prefix + subPrefix));
        if (countOnly) {
            request = request.countingOnly();
        }
        Latencies latencies = new Latencies(repeats);
        store.range(request);  // one untimed pass, so neither store is timed while its caches are cold
        for (int r = 0; r < repeats; r++) {
            long begin = System.nanoTime();
            var result = store.range(request);
            latencies.record(System.nanoTime() - begin);
            long seen = countOnly ? result.count() : result.kvs().size();
            if (seen != expected) {
                throw new IllegalStateException("range under " + prefix + subPrefix + " saw " + seen + " keys, expected " + expected);
            }
        }
        ObjectNode node = JSON.objectNode();
        node.put("keys", expected);
        node.put("repeats", repeats);
        node.put("p50_ms", latencies.percentileMillis(0.5));
        node.put("min_ms", latencies.percentileMillis(0.0));
        node.put("max_ms", latencies.percentileMillis(1.0));
        return node;
    }

    /**
     * One watcher on a prefix while {@code writers} writers put {@code events} keys: how fast events
     * reach the watcher (events/s from the first write to the last event delivered) and the delivery
     * latency of each event (from just before its put was issued to its delivery; an event may
     * arrive before its put returns, so the put's start is the only instant always set first).
     */
    ObjectNode watchThroughput(int writers, int events, int valueBytes) throws Exception {
        String watched = prefix + "watch/";
        byte[] value = value(valueBytes);
        AtomicLongArray issuedNanos = new AtomicLongArray(events);
        Latencies delivery = new Latencies(events);
        CountDownLatch allDelivered = new CountDownLatch(events);
        AtomicLong failures = new AtomicLong();
        long startRevision = store.currentRevision() + 1;
        WatchListener listener = new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> batch) {
                long now = System.nanoTime();
                for (WatchEvent event : batch) {
                    String key = event.kv().keyUtf8();
                    int index = Integer.parseInt(key.substring(watched.length()));
                    delivery.record(Math.max(0, now - issuedNanos.get(index)));
                    allDelivered.countDown();
                }
            }

            @Override
            public void onClosed(StorageException cause) {
                failures.incrementAndGet();
            }
        };
        try (var watch = store.watch(WatchRequest.prefix(ByteKeys.utf8(watched)).fromRevision(startRevision), listener)) {
            AtomicLong next = new AtomicLong();
            long start = System.nanoTime();
            try (ExecutorService pool = Executors.newFixedThreadPool(writers)) {
                for (int w = 0; w < writers; w++) {
                    pool.submit(() -> {
                        for (long i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
                            issuedNanos.set((int) i, System.nanoTime());
                            store.put(ByteKeys.utf8(watched + i), value);
                        }
                        return null;
                    });
                }
            }
            if (!allDelivered.await(120, TimeUnit.SECONDS)) {
                throw new IllegalStateException("only " + (events - allDelivered.getCount()) + " of " + events + " watch events arrived");
            }
            long elapsed = System.nanoTime() - start;
            ObjectNode node = JSON.objectNode();
            node.put("events", events);
            node.put("writers", writers);
            node.put("events_per_s", events / (elapsed / 1e9));
            node.put("delivery_p50_ms", delivery.percentileMillis(0.5));
            node.put("delivery_p99_ms", delivery.percentileMillis(0.99));
            node.put("watch_failures", failures.get());
            return node;
        }
    }

    private static ObjectNode throughput(int count, long elapsedNanos, Latencies latencies) {
        ObjectNode node = JSON.objectNode();
        node.put("ops", count);
        node.put("ops_per_s", count / (elapsedNanos / 1e9));
        node.put("p50_ms", latencies.percentileMillis(0.5));
        node.put("p99_ms", latencies.percentileMillis(0.99));
        return node;
    }
}
