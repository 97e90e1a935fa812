package dev.caravel.benchmarks.liststorm;

import dev.caravel.benchmarks.common.Latencies;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.LongPredicate;
import java.util.function.LongSupplier;

/**
 * Watch fan-out: many pod watchers shaped like kubelets (each watches the pods of one node, by
 * field selector), while pods are patched at a fixed rate. Each patch stamps the pod with the
 * time it was sent (System.nanoTime, one clock: the watchers are in this JVM); each watcher that
 * receives the event records now minus that stamp. So a delivery latency includes the write.
 *
 * <p>The watch streams are read either by the JDK HttpClient (4 clients of 2 threads, a line
 * subscriber per watch) or by {@link NioWatchers} (raw sockets, 2 selector threads, bytes only
 * scanned for the stamp), which costs the shared cores far less; see {@link Client}.
 *
 * <p>Watchers start from the resourceVersion of a list taken just before, so they get no initial
 * events. Patches are issued open-loop on a fixed schedule, at most 64 in flight; the rate
 * reached is reported, and no patch is sent after twice the planned time. Deliveries still
 * missing 30 s after the last patch are counted as lost.
 */
final class WatchFanOut {

    private static final String STAMP = "bench.caravel.dev/sent-nanos";
    private static final String STAMP_IN_EVENT = "\"" + STAMP + "\":\"";
    private static final Duration DRAIN = Duration.ofSeconds(30);
    /** The target's p99: deliveries slower than this are placed in time ({@link SlowDeliveries}). */
    private static final Duration SLOW = Duration.ofMillis(100);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpLists http;
    private final int nodes;
    private final int pods;

    WatchFanOut(HttpLists http, int nodes, int pods) {
        this.http = http;
        this.nodes = nodes;
        this.pods = pods;
    }

    /** Who reads the watch streams: the JDK HttpClient, or {@link NioWatchers}' raw sockets. */
    enum Client {
        JDK, NIO;

        static Client parse(String name) {
            return switch (name) {
                case "jdk" -> JDK;
                case "nio" -> NIO;
                default -> throw new IllegalArgumentException("--fan-out-client is jdk or nio, not " + name);
            };
        }

        String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    ObjectNode run(int watchers, int updatesPerSecond, Duration length, ServerProcess server) throws Exception {
        return run(Client.JDK, watchers, updatesPerSecond, Duration.ZERO, length, server);
    }

    /**
     * @param warmUp patches sent at the same rate before the measured {@code length}, whose
     *               deliveries are not counted (the server's patch and event code is compiled then)
     */
    ObjectNode run(Client client, int watchers, int updatesPerSecond, Duration warmUp, Duration length, ServerProcess server)
            throws Exception {
        // Deliveries of patches stamped before this are the warm-up's: placed in time, not counted.
        AtomicLong measureFrom = new AtomicLong(Long.MIN_VALUE);
        LongPredicate measured = sent -> sent >= measureFrom.get();
        Latencies jdkDelivery = new Latencies();
        SlowDeliveries slowDeliveries = new SlowDeliveries(SLOW);
        AtomicInteger jdkEstablished = new AtomicInteger();
        AtomicInteger jdkEnded = new AtomicInteger();
        AtomicLong jdkDelivered = new AtomicLong();
        String resourceVersion = JSON.readTree(http.getString("/api/v1/pods?limit=1", Duration.ofSeconds(300)))
                .path("metadata").path("resourceVersion").asText();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("client", client.label());
        // Several clients, so no single selector thread reads every connection.
        List<HttpClient> clients = new ArrayList<>();
        URI base = URI.create(http.base());
        NioWatchers nio = client == Client.NIO ? new NioWatchers(base.getHost(), base.getPort(), STAMP_IN_EVENT, slowDeliveries, measured) : null;
        for (int i = 0; client == Client.JDK && i < 4; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(2)).build());
        }
        IntSupplier established = nio != null ? nio::established : jdkEstablished::get;
        IntSupplier ended = nio != null ? nio::ended : jdkEnded::get;
        LongSupplier delivered = nio != null ? nio::delivered : jdkDelivered::get;
        GcBySecond gcBySecond = null;
        try {
            long openStart = System.nanoTime();
            for (int w = 0; w < watchers; w++) {
                String node = ClusterSeed.nodeName(w % nodes);
                String pathAndQuery = "/api/v1/pods?watch=true&allowWatchBookmarks=false&resourceVersion=" + resourceVersion
                        + "&fieldSelector=spec.nodeName%3D" + node;
                if (nio != null) {
                    nio.open(pathAndQuery);
                    continue;
                }
                HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + pathAndQuery)).GET().build();
                clients.get(w % clients.size()).sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(
                        new Flow.Subscriber<String>() {
                            @Override
                            public void onSubscribe(Flow.Subscription subscription) {
                                jdkEstablished.incrementAndGet();
                                subscription.request(Long.MAX_VALUE);
                            }

                            @Override
                            public void onNext(String line) {
                                int at = line.indexOf(STAMP_IN_EVENT);
                                if (at >= 0) {
                                    int from = at + STAMP_IN_EVENT.length();
                                    long sent = Long.parseLong(line, from, line.indexOf('"', from), 10);
                                    long latency = System.nanoTime() - sent;
                                    slowDeliveries.record(sent, latency);
                                    if (measured.test(sent)) {
                                        jdkDelivery.record(latency);
                                        jdkDelivered.incrementAndGet();
                                    }
                                }
                            }

                            @Override
                            public void onError(Throwable throwable) {
                                jdkEnded.incrementAndGet();
                            }

                            @Override
                            public void onComplete() {
                                jdkEnded.incrementAndGet();
                            }
                        }));
            }
            long openDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (established.getAsInt() + ended.getAsInt() < watchers && System.nanoTime() < openDeadline) {
                Thread.sleep(50);
            }
            json.put("watchers", watchers);
            json.put("watchers_established", established.getAsInt());
            json.put("seconds_to_establish", Latencies.round((System.nanoTime() - openStart) / 1e9));
            progress("  " + client.label() + " client: " + established.getAsInt() + " of " + watchers + " watches open; patching pods at "
                    + updatesPerSecond + "/s for " + warmUp.toSeconds() + " s untimed, then " + length.toSeconds() + " s");

            Duration cpuBefore = server.cpuTime();
            long clientCpuBefore = ownCpuNanos();
            long watcherCpuBefore = nio != null ? nio.cpuNanos() : 0;
            long start = System.nanoTime();
            slowDeliveries.start(start);
            gcBySecond = new GcBySecond(server, start);
            measureFrom.set(start + warmUp.toNanos());
            int planned = (int) (updatesPerSecond * (warmUp.toSeconds() + length.toSeconds()));
            // A server that cannot keep the rate must not stretch the run without bound.
            long stopIssuing = start + 2 * (warmUp.toNanos() + length.toNanos());
            int warmUpUpdates = 0;
            int updates = 0;
            Semaphore inFlight = new Semaphore(64);
            Random random = new Random(7);
            AtomicInteger failedPatches = new AtomicInteger();
            Queue<String> patchFailures = new ConcurrentLinkedQueue<>();
            List<CompletableFuture<?>> patches = new ArrayList<>();
            int watchersPerNode = watchers / nodes;
            int extra = watchers % nodes;
            long expected = 0;
            // A refused patch makes no event: its watchers' deliveries are not waited for (the drain
            // would otherwise idle its full 30 s, and dilute the cores-used figures by as much).
            AtomicLong notExpected = new AtomicLong();
            for (int u = 0; u < planned && System.nanoTime() < stopIssuing; u++, updates++) {
                long due = start + (long) (u * 1e9 / updatesPerSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) {
                    Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                }
                int pod = random.nextInt(pods);
                int node = pod % nodes;
                if (!inFlight.tryAcquire(Math.max(1, stopIssuing - System.nanoTime()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
                    break;
                }
                long stamp = System.nanoTime();
                boolean timed = measured.test(stamp);
                int watching = timed ? watchersPerNode + (node < extra ? 1 : 0) : 0;
                expected += watching;
                warmUpUpdates += timed ? 0 : 1;
                String body = "{\"metadata\":{\"annotations\":{\"" + STAMP + "\":\"" + stamp + "\"}}}";
                String target = ClusterSeed.namespace(pod) + "/" + ClusterSeed.podName(pod);
                long sentAt = System.nanoTime();
                patches.add(http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/namespaces/"
                                        + ClusterSeed.namespace(pod) + "/pods/" + ClusterSeed.podName(pod) + "?fieldManager=bench"))
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/merge-patch+json")
                                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
                        // A refused patch's body is kept to say why; a successful one's is not decoded.
                        info -> info.statusCode() == 200 ? HttpResponse.BodySubscribers.replacing("")
                                : HttpResponse.BodySubscribers.ofString(java.nio.charset.StandardCharsets.UTF_8)).whenComplete((response, error) -> {
                            inFlight.release();
                            if (error != null || response.statusCode() != 200) {
                                failedPatches.incrementAndGet();
                                notExpected.addAndGet(watching);
                                // Why a patch failed matters more than the figure: keep the first few whole.
                                String why = "PATCH " + target + " after " + (System.nanoTime() - sentAt) / 1_000_000 + " ms: "
                                        + (error != null ? error.toString()
                                        : response.statusCode() + " " + abbreviate(response.body()));
                                progress("  failed patch: " + why);
                                if (patchFailures.size() < 10) {
                                    patchFailures.add(why);
                                }
                            }
                        }));
            }
            CompletableFuture.allOf(patches.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            double patchSeconds = (System.nanoTime() - start) / 1e9;
            double serverCpuPatching = (server.cpuTime().toNanos() - cpuBefore.toNanos()) / 1e9;
            double clientCpuPatching = (ownCpuNanos() - clientCpuBefore) / 1e9;
            double watcherCpuPatching = nio != null ? (nio.cpuNanos() - watcherCpuBefore) / 1e9 : Double.NaN;
            long drainDeadline = System.nanoTime() + DRAIN.toNanos();
            while (delivered.getAsLong() < expected - notExpected.get() && System.nanoTime() < drainDeadline) {
                Thread.sleep(50);
            }
            gcBySecond.stop();
            double cpu = (server.cpuTime().toNanos() - cpuBefore.toNanos()) / 1e9;
            double clientCpu = (ownCpuNanos() - clientCpuBefore) / 1e9;
            double watcherCpu = nio != null ? (nio.cpuNanos() - watcherCpuBefore) / 1e9 : Double.NaN;
            double wall = (System.nanoTime() - start) / 1e9;
            Latencies delivery = nio != null ? nio.deliveries() : jdkDelivery;
            json.put("updates_planned", planned);
            json.put("warm_up_updates", warmUpUpdates);
            json.put("updates", updates);
            json.put("failed_updates", failedPatches.get());
            json.putPOJO("failed_update_causes", List.copyOf(patchFailures));
            json.put("update_rate_reached_per_s", Latencies.round(updates / patchSeconds));
            json.put("deliveries_expected", expected - notExpected.get());
            json.put("deliveries_of_failed_updates", notExpected.get());
            json.put("deliveries", delivered.getAsLong());
            json.put("delivery_p50_ms", Latencies.round(delivery.percentileMillis(0.50)));
            json.put("delivery_p99_ms", Latencies.round(delivery.percentileMillis(0.99)));
            json.put("delivery_max_ms", Latencies.round(delivery.percentileMillis(1.0)));
            json.put("watches_ended_early", ended.getAsInt());
            json.set("over_100_ms_by_second_sent", slowDeliveries.toJson());
            json.set("server_gc_ms_by_second", gcBySecond.toJson());
            if (nio != null && !nio.refusals().isEmpty()) {
                json.putPOJO("watches_refused", nio.refusals());
            }
            json.put("seconds_measured", Latencies.round(wall));
            json.put("server_cores_used", Latencies.round(cpu / wall));
            // The same over the patching alone (the drain after it is mostly idle waiting).
            json.put("seconds_patching", Latencies.round(patchSeconds));
            json.put("server_cores_used_while_patching", Latencies.round(serverCpuPatching / patchSeconds));
            json.put("client_jvm_cores_used_while_patching", Latencies.round(clientCpuPatching / patchSeconds));
            // The whole client JVM: the watchers and the patching (and this JVM's collector and compiler).
            json.put("client_jvm_cores_used", Latencies.round(clientCpu / wall));
            if (nio != null) {
                json.put("nio_watcher_threads_cores_used", Latencies.round(watcherCpu / wall));
                json.put("nio_watcher_threads_cores_used_while_patching", Latencies.round(watcherCpuPatching / patchSeconds));
            }
            return json;
        } finally {
            for (HttpClient each : clients) {
                each.shutdownNow();
            }
            if (nio != null) {
                nio.close();
            }
            if (gcBySecond != null) {
                gcBySecond.stop();
            }
        }
    }

    /**
     * The server's collector milliseconds in each second from the patching's start, sampled once a
     * second on a thread of its own, to set beside {@link SlowDeliveries}. A sample taken during a
     * pause is answered after it, so a pause may fall in the next second.
     */
    private static final class GcBySecond {
        private final ServerProcess server;
        private final long start;
        private final List<long[]> samples = new ArrayList<>();
        private volatile boolean running = true;
        private final Thread thread;

        GcBySecond(ServerProcess server, long start) {
            this.server = server;
            this.start = start;
            this.thread = Thread.ofPlatform().daemon().name("fan-out-gc-sampler").start(this::sample);
        }

        private void sample() {
            try {
                long previous = totalMillis();
                for (int second = 1; running; second++) {
                    long wait = start + second * 1_000_000_000L - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    long total = totalMillis();
                    synchronized (samples) {
                        samples.add(new long[] {second - 1, total - previous});
                    }
                    previous = total;
                }
            } catch (Exception e) {
                // The server went away or the run ended: the samples so far stand.
            }
        }

        private long totalMillis() throws Exception {
            return server.collections().values().stream().mapToLong(figures -> figures[1]).sum();
        }

        /** Stops sampling; the server's command channel is free again once this returns. */
        void stop() throws InterruptedException {
            running = false;
            thread.join(70_000);
        }

        ArrayNode toJson() {
            ArrayNode seconds = JsonNodeFactory.instance.arrayNode();
            synchronized (samples) {
                for (long[] sample : samples) {
                    if (sample[1] > 0) {
                        seconds.addObject().put("second", sample[0]).put("gc_ms", sample[1]);
                    }
                }
            }
            return seconds;
        }
    }

    /** CPU time this JVM has used so far (all its threads). */
    private static long ownCpuNanos() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }

    private static String abbreviate(String body) {
        String flat = body.replace('\n', ' ');
        return flat.length() <= 600 ? flat : flat.substring(0, 600) + "...";
    }

    private static void progress(String message) {
        System.err.println("list-storm: " + message);
    }
}
