package dev.caravel.benchmarks.watchcache;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.cache.CacheWatcher;
import dev.caravel.apiserver.cache.CachedObject;
import dev.caravel.apiserver.cache.ListResult;
import dev.caravel.apiserver.cache.Selection;
import dev.caravel.apiserver.cache.WatchCache;
import dev.caravel.apiserver.selection.FieldSelector;
import dev.caravel.apiserver.selection.LabelSelector;
import dev.caravel.apiserver.selection.SelectableFields;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.Op;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.memory.MemoryStore;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The watch cache alone, in process (no HTTP): what it costs to hold 150,000 pods of 4-8 KB, and
 * how fast it answers the reads of issue 5, each measured on the cache's own API:
 * <ul>
 *   <li><b>memory</b>: heap held by the cache after its first list, over the pods' JSON bytes
 *       (target: at most 1.5);</li>
 *   <li><b>labelList</b>: a list selecting the 5 pods of one app, written as JSON (target p99 5 ms);</li>
 *   <li><b>nodeList</b>: the 30 pods of one node ({@code spec.nodeName}), written as JSON (target p99 5 ms);</li>
 *   <li><b>fullList</b>: every pod, written as JSON (target 1.0 s);</li>
 *   <li><b>fanOut</b>: watchers of every pod while pods are updated at a fixed rate: delivery
 *       latency from the write to each watcher's receipt (target p99 100 ms at 10,000 watchers and
 *       500 updates/s; through HTTP that is the list-storm benchmark's business).</li>
 * </ul>
 * Arguments: {@code [--pods N] [--watchers N] [--rate N] [--seconds N] [--quick]}. Prints JSON.
 */
public final class WatchCacheBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PREFIX = "/registry/pods/";

    public static void main(String[] args) throws Exception {
        int pods = 150_000;
        int watchers = 10_000;
        int rate = 500;
        int seconds = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pods" -> pods = Integer.parseInt(args[++i]);
                case "--watchers" -> watchers = Integer.parseInt(args[++i]);
                case "--rate" -> rate = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--quick" -> {
                    pods = 15_000;
                    watchers = 1_000;
                    seconds = 3;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("pods", pods);
        try (KeyValueStore store = MemoryStore.open()) {
            long jsonBytes = fill(store, pods);
            report.put("podJsonBytes", jsonBytes);
            long before = usedHeapAfterGc();
            long started = System.nanoTime();
            WatchCache cache = new WatchCache(store, PREFIX, SelectableFields.of("", "Pod", true),
                    new CachedObject.TypeMeta("Pod", "v1"), new GroupResource("", "pods"), WatchCache.Config.defaults()).start();
            if (!cache.waitUntilFresh(store.currentRevision(), Duration.ofMinutes(5))) {
                throw new IllegalStateException("the cache did not fill in 5 minutes");
            }
            report.put("firstListMs", (System.nanoTime() - started) / 1_000_000);
            long held = usedHeapAfterGc() - before;
            report.put("memory", Map.of("cacheHeapBytes", held, "overJsonBytes", round((double) held / jsonBytes)));
            int podCount = pods;
            report.put("labelList", lists(cache, pods, 2_000, r -> selection(LabelSelector.parse("app=app-" + r.nextInt(podCount / 5)),
                    FieldSelector.everything())));
            report.put("nodeList", lists(cache, pods, 2_000, r -> selection(LabelSelector.everything(),
                    FieldSelector.oneTermEquals("spec.nodeName", "node-" + r.nextInt(Math.min(5_000, podCount))))));
            report.put("fullList", lists(cache, pods, 5, r -> selection(LabelSelector.everything(), FieldSelector.everything())));
            report.put("fanOutAllPods", fanOut(store, cache, pods, Math.min(watchers, 1_000), rate, seconds, false));
            report.put("fanOutPerNode", fanOut(store, cache, pods, watchers, rate, seconds, true));
            cache.close();
        }
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(report));
    }

    private static Selection selection(LabelSelector labels, FieldSelector fields) {
        return new Selection(PREFIX, labels, fields, SelectableFields.of("", "Pod", true));
    }

    /** Writes the pods straight into storage, as the registry stores them; returns their JSON bytes. */
    static long fill(KeyValueStore store, int pods) throws Exception {
        Random random = new Random(42);
        long bytes = 0;
        List<Op> batch = new ArrayList<>();
        for (int i = 0; i < pods; i++) {
            byte[] value = pod(i, random, "Running");
            bytes += value.length;
            batch.add(Op.put(ByteKeys.utf8(key(i)), value));
            if (batch.size() == 100) {
                store.txn(new TxnRequest(List.of(), batch, List.of()));
                batch = new ArrayList<>();
            }
        }
        if (!batch.isEmpty()) {
            store.txn(new TxnRequest(List.of(), batch, List.of()));
        }
        System.err.println("watch-cache benchmark: stored " + pods + " pods, " + bytes / (1 << 20) + " MiB of JSON");
        return bytes;
    }

    private static String key(int i) {
        return PREFIX + "ns-" + (i % 100) + "/pod-" + i;
    }

    /** A pod of 4 to 8 KB: 5 pods per app, 30 per node, a padding annotation standing in for a real spec's bulk. */
    static byte[] pod(int i, Random random, String phase) throws Exception {
        ObjectNode pod = JSON.createObjectNode();
        pod.put("kind", "Pod").put("apiVersion", "v1");
        ObjectNode metadata = pod.putObject("metadata");
        metadata.put("name", "pod-" + i).put("namespace", "ns-" + (i % 100)).put("uid", java.util.UUID.randomUUID().toString())
                .put("creationTimestamp", "2026-11-25T12:00:00Z");
        metadata.putObject("labels").put("app", "app-" + (i / 5)).put("pod-template-hash", Integer.toHexString(i / 5 * 7919))
                .put("tier", i % 2 == 0 ? "front" : "back");
        int size = 4096 + random.nextInt(4096);
        ObjectNode spec = pod.putObject("spec");
        spec.put("nodeName", "node-" + (i % 5_000)).put("schedulerName", "default-scheduler")
                .put("restartPolicy", "Always").put("serviceAccountName", "default");
        spec.putArray("containers").addObject().put("name", "app").put("image", "registry.example/app:1." + (i % 10));
        pod.putObject("status").put("phase", phase).put("podIP", "10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
        byte[] base = JSON.writeValueAsBytes(pod);
        metadata.putObject("annotations").put("example.com/padding", "p".repeat(Math.max(0, size - base.length - 40)));
        return JSON.writeValueAsBytes(pod);
    }

    private interface SelectionMaker {
        Selection next(Random random);
    }

    private static Map<String, Object> lists(WatchCache cache, int pods, int iterations, SelectionMaker selections) {
        Random random = new Random(7);
        CachedObject.TypeMeta type = cache.typeMeta();
        for (int i = 0; i < Math.min(iterations, 200); i++) {
            cache.list(selections.next(random), 0, null).toJson(type);
        }
        long[] samples = new long[iterations];
        long items = 0;
        long bytes = 0;
        for (int i = 0; i < iterations; i++) {
            long start = System.nanoTime();
            ListResult result = cache.list(selections.next(random), 0, null);
            long[] written = {0};
            // As the REST handler answers: one array up to 1 MiB, 256 KiB chunks above.
            if (result.jsonSize(type) <= 1 << 20) {
                written[0] = result.toJson(type).length;
            } else {
                // The parts are joined into each chunk's array, as before the HTTP server wrapped
                // them as they are, so that this figure stays comparable with those recorded.
                result.writeJson(type, 256 * 1024, parts -> {
                    int size = 0;
                    for (byte[] part : parts) {
                        size += part.length;
                    }
                    byte[] chunk = new byte[size];
                    int at = 0;
                    for (byte[] part : parts) {
                        System.arraycopy(part, 0, chunk, at, part.length);
                        at += part.length;
                    }
                    written[0] += chunk.length;
                    return true;
                });
            }
            samples[i] = System.nanoTime() - start;
            items += result.items().size();
            bytes += written[0];
        }
        Arrays.sort(samples);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("iterations", iterations);
        out.put("itemsPerList", items / iterations);
        out.put("bytesPerList", bytes / iterations);
        out.put("p50Ms", round(samples[iterations / 2] / 1e6));
        out.put("p99Ms", round(samples[Math.min(iterations - 1, (int) Math.ceil(iterations * 0.99) - 1)] / 1e6));
        out.put("maxMs", round(samples[iterations - 1] / 1e6));
        return out;
    }

    /** Watchers of every pod on virtual threads; pods updated at {@code rate} per second; latency from write to receipt. */
    private static Map<String, Object> fanOut(KeyValueStore store, WatchCache cache, int pods, int watchers, int rate,
                                              int seconds, boolean perNode) throws Exception {
        Map<String, Long> writtenAt = new ConcurrentHashMap<>();
        int updates = rate * seconds;
        long[] latencies = new long[updates * Math.max(2, Math.min(watchers, 200))];
        int[] recorded = {0};
        AtomicBoolean done = new AtomicBoolean();
        CountDownLatch finished = new CountDownLatch(watchers);
        long[] received = new long[watchers];
        int[] closed = {0};
        List<CacheWatcher> started = new ArrayList<>();
        Selection everything = selection(LabelSelector.everything(), FieldSelector.everything());
        for (int w = 0; w < watchers; w++) {
            // Per node: watcher w is the kubelet of node-w, watching its pods (spec.nodeName=node-w).
            Selection selection = perNode ? selection(LabelSelector.everything(),
                    FieldSelector.oneTermEquals("spec.nodeName", "node-" + (w % 5_000))) : everything;
            CacheWatcher watcher = cache.watch(selection, false, cache.revision(), false);
            started.add(watcher);
            int index = w;
            boolean sampled = perNode || w < 200;
            Thread.ofVirtual().start(() -> {
                try {
                    while (!done.get()) {
                        CacheWatcher.Item item = watcher.poll(TimeUnit.MILLISECONDS.toNanos(100));
                        if (item instanceof CacheWatcher.Event event) {
                            event.event().line(event.type());
                            received[index]++;
                            if (sampled) {
                                Long at = writtenAt.get(event.event().key() + "@" + event.event().object().resourceVersion());
                                if (at != null) {
                                    synchronized (latencies) {
                                        if (recorded[0] < latencies.length) {
                                            latencies[recorded[0]++] = System.nanoTime() - at;
                                        }
                                    }
                                }
                            }
                        } else if (item instanceof CacheWatcher.Ended || (item == null && watcher.isTerminated())) {
                            synchronized (closed) {
                                closed[0]++;
                            }
                            return;
                        }
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } finally {
                    finished.countDown();
                }
            });
        }
        Random random = new Random(3);
        long intervalNanos = TimeUnit.SECONDS.toNanos(1) / rate;
        long start = System.nanoTime();
        for (int u = 0; u < updates; u++) {
            long due = start + u * intervalNanos;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                TimeUnit.NANOSECONDS.sleep(wait);
            }
            int i = random.nextInt(pods);
            byte[] value = pod(i, random, u % 2 == 0 ? "Running" : "Succeeded");
            long before = System.nanoTime();
            long revision = store.put(ByteKeys.utf8(key(i)), value).revision();
            writtenAt.put(key(i) + "@" + revision, before);
        }
        long writeSeconds = System.nanoTime() - start;
        Thread.sleep(2_000);
        done.set(true);
        finished.await(30, TimeUnit.SECONDS);
        started.forEach(CacheWatcher::close);
        long[] sorted;
        synchronized (latencies) {
            sorted = Arrays.copyOf(latencies, recorded[0]);
        }
        Arrays.sort(sorted);
        long total = 0;
        for (long r : received) {
            total += r;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("watchers", watchers);
        out.put("selection", perNode ? "spec.nodeName=node-N (one node's pods each)" : "every pod");
        out.put("updates", updates);
        out.put("updatesPerSecond", round(updates / (writeSeconds / 1e9)));
        out.put("deliveries", total);
        out.put("expectedDeliveries", perNode ? -1 : (long) updates * watchers);
        out.put("watchersClosedAsTooSlow", closed[0]);
        out.put("latencySamples", sorted.length);
        if (sorted.length > 0) {
            out.put("p50Ms", round(sorted[sorted.length / 2] / 1e6));
            out.put("p99Ms", round(sorted[Math.min(sorted.length - 1, (int) Math.ceil(sorted.length * 0.99) - 1)] / 1e6));
            out.put("maxMs", round(sorted[sorted.length - 1] / 1e6));
        }
        return out;
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
        }
        var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        return heap.getUsed();
    }

    private static double round(double value) {
        return Math.round(value * 100) / 100.0;
    }

    static String utf8(byte[] bytes) {
        return new String(bytes, StandardCharsets.UTF_8);
    }
}
