package dev.caravel.apiserver.informer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Creates, updates and deletes ConfigMaps from several threads and remembers every version it
 * wrote, so an informer's view can be checked against it afterwards.
 *
 * <p>Each thread owns the names it creates (never reused, never touched by another thread), so
 * an object's writes are sequential and the versions returned are its whole history. Out of
 * every five operations two create, two update a live object and one deletes one: 10,000
 * operations leave about 2,000 objects, having written 8,000 versions and deleted 2,000.
 */
final class ConfigMapChurn {

    /** One library's way of writing; each returns the resourceVersion the server answered. */
    interface Writer {
        long create(String name, Map<String, String> data) throws Exception;

        long update(String name, Map<String, String> data) throws Exception;

        void delete(String name) throws Exception;
    }

    /** One object's writes: versions in write order; whether it ended deleted. */
    record History(List<Long> versions, boolean deleted) {
        long finalVersion() {
            return versions.getLast();
        }
    }

    /** Every object written, by name. */
    record Outcome(Map<String, History> histories) {
        long liveObjects() {
            return histories.values().stream().filter(h -> !h.deleted()).count();
        }
    }

    private final int operations;
    private final int threads;

    ConfigMapChurn(int operations, int threads) {
        this.operations = operations;
        this.threads = threads;
    }

    /**
     * Runs the operations; {@code everyNth} completed operations (counted across threads) calls
     * {@code milestone}, which is how a test cuts connections in the middle of the writes.
     */
    Outcome run(Writer writer, int everyNth, Runnable milestone) throws Exception {
        Map<String, History> histories = new ConcurrentHashMap<>();
        AtomicInteger done = new AtomicInteger();
        List<Future<?>> futures = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(threads)) {
            for (int t = 0; t < threads; t++) {
                int thread = t;
                int share = operations / threads + (t < operations % threads ? 1 : 0);
                futures.add(pool.submit(() -> {
                    runThread(writer, thread, share, histories, () -> {
                        if (done.incrementAndGet() % everyNth == 0) {
                            milestone.run();
                        }
                    });
                    return null;
                }));
            }
            for (Future<?> future : futures) {
                future.get();
            }
        }
        return new Outcome(Map.copyOf(histories));
    }

    private static void runThread(Writer writer, int thread, int share, Map<String, History> histories,
                                  Runnable afterEach) throws Exception {
        Random random = new Random(thread);
        List<String> live = new ArrayList<>();
        Map<String, List<Long>> versions = new java.util.HashMap<>();
        int created = 0;
        for (int i = 0; i < share; i++) {
            int kind = i % 5;
            if (kind < 2 || live.isEmpty()) {
                String name = "churn-" + thread + "-" + created++;
                long version = writer.create(name, Map.of("step", Integer.toString(i), "writer", Integer.toString(thread)));
                versions.computeIfAbsent(name, n -> new ArrayList<>()).add(version);
                live.add(name);
                histories.put(name, new History(List.copyOf(versions.get(name)), false));
            } else if (kind < 4) {
                String name = live.get(random.nextInt(live.size()));
                long version = writer.update(name, Map.of("step", Integer.toString(i), "writer", Integer.toString(thread)));
                versions.get(name).add(version);
                histories.put(name, new History(List.copyOf(versions.get(name)), false));
            } else {
                String name = live.remove(random.nextInt(live.size()));
                writer.delete(name);
                histories.put(name, new History(List.copyOf(versions.get(name)), true));
            }
            afterEach.run();
        }
    }
}
