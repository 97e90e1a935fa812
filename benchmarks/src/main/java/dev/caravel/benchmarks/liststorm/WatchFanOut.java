package dev.caravel.benchmarks.liststorm;

import dev.caravel.benchmarks.common.Latencies;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Flow;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Watch fan-out: many pod watchers shaped like kubelets (each watches the pods of one node, by
 * field selector), while pods are patched at a fixed rate. Each patch stamps the pod with the
 * time it was sent (System.nanoTime, one clock: the watchers are in this JVM); each watcher that
 * receives the event records now minus that stamp. So a delivery latency includes the write.
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
    private static final ObjectMapper JSON = new ObjectMapper();

    private final HttpLists http;
    private final int nodes;
    private final int pods;

    WatchFanOut(HttpLists http, int nodes, int pods) {
        this.http = http;
        this.nodes = nodes;
        this.pods = pods;
    }

    ObjectNode run(int watchers, int updatesPerSecond, Duration length, ServerProcess server) throws Exception {
        Latencies delivery = new Latencies();
        AtomicInteger established = new AtomicInteger();
        AtomicInteger ended = new AtomicInteger();
        AtomicLong delivered = new AtomicLong();
        String resourceVersion = JSON.readTree(http.getString("/api/v1/pods?limit=1", Duration.ofSeconds(300)))
                .path("metadata").path("resourceVersion").asText();
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        // Several clients, so no single selector thread reads every connection.
        List<HttpClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .executor(Executors.newFixedThreadPool(2)).build());
        }
        try {
            long openStart = System.nanoTime();
            for (int w = 0; w < watchers; w++) {
                String node = ClusterSeed.nodeName(w % nodes);
                HttpRequest request = HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/pods?watch=true"
                        + "&resourceVersion=" + resourceVersion + "&fieldSelector=spec.nodeName%3D" + node)).GET().build();
                clients.get(w % clients.size()).sendAsync(request, HttpResponse.BodyHandlers.fromLineSubscriber(
                        new Flow.Subscriber<String>() {
                            @Override
                            public void onSubscribe(Flow.Subscription subscription) {
                                established.incrementAndGet();
                                subscription.request(Long.MAX_VALUE);
                            }

                            @Override
                            public void onNext(String line) {
                                int at = line.indexOf(STAMP_IN_EVENT);
                                if (at >= 0) {
                                    int from = at + STAMP_IN_EVENT.length();
                                    long sent = Long.parseLong(line, from, line.indexOf('"', from), 10);
                                    delivery.record(System.nanoTime() - sent);
                                    delivered.incrementAndGet();
                                }
                            }

                            @Override
                            public void onError(Throwable throwable) {
                                ended.incrementAndGet();
                            }

                            @Override
                            public void onComplete() {
                                ended.incrementAndGet();
                            }
                        }));
            }
            long openDeadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
            while (established.get() + ended.get() < watchers && System.nanoTime() < openDeadline) {
                Thread.sleep(50);
            }
            json.put("watchers", watchers);
            json.put("watchers_established", established.get());
            json.put("seconds_to_establish", Latencies.round((System.nanoTime() - openStart) / 1e9));
            progress("  " + established.get() + " of " + watchers + " watches open; patching pods at "
                    + updatesPerSecond + "/s for " + length.toSeconds() + " s");

            Duration cpuBefore = server.cpuTime();
            long start = System.nanoTime();
            int planned = (int) (updatesPerSecond * length.toSeconds());
            // A server that cannot keep the rate must not stretch the run without bound.
            long stopIssuing = start + 2 * length.toNanos();
            int updates = 0;
            Semaphore inFlight = new Semaphore(64);
            Random random = new Random(7);
            AtomicInteger failedPatches = new AtomicInteger();
            List<CompletableFuture<?>> patches = new ArrayList<>();
            int watchersPerNode = watchers / nodes;
            int extra = watchers % nodes;
            long expected = 0;
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
                expected += watchersPerNode + (node < extra ? 1 : 0);
                String body = "{\"metadata\":{\"annotations\":{\"" + STAMP + "\":\"" + System.nanoTime() + "\"}}}";
                patches.add(http.client().sendAsync(HttpRequest.newBuilder(URI.create(http.base() + "/api/v1/namespaces/"
                                        + ClusterSeed.namespace(pod) + "/pods/" + ClusterSeed.podName(pod) + "?fieldManager=bench"))
                                .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/merge-patch+json")
                                .method("PATCH", HttpRequest.BodyPublishers.ofString(body)).build(),
                        HttpResponse.BodyHandlers.discarding()).whenComplete((response, error) -> {
                            inFlight.release();
                            if (error != null || response.statusCode() != 200) {
                                failedPatches.incrementAndGet();
                            }
                        }));
            }
            CompletableFuture.allOf(patches.toArray(CompletableFuture[]::new)).exceptionally(e -> null).join();
            double patchSeconds = (System.nanoTime() - start) / 1e9;
            long drainDeadline = System.nanoTime() + DRAIN.toNanos();
            while (delivered.get() < expected && System.nanoTime() < drainDeadline) {
                Thread.sleep(50);
            }
            double cpu = (server.cpuTime().toNanos() - cpuBefore.toNanos()) / 1e9;
            double wall = (System.nanoTime() - start) / 1e9;
            json.put("updates_planned", planned);
            json.put("updates", updates);
            json.put("failed_updates", failedPatches.get());
            json.put("update_rate_reached_per_s", Latencies.round(updates / patchSeconds));
            json.put("deliveries_expected", expected);
            json.put("deliveries", delivered.get());
            json.put("delivery_p50_ms", Latencies.round(delivery.percentileMillis(0.50)));
            json.put("delivery_p99_ms", Latencies.round(delivery.percentileMillis(0.99)));
            json.put("delivery_max_ms", Latencies.round(delivery.percentileMillis(1.0)));
            json.put("watches_ended_early", ended.get());
            json.put("server_cores_used", Latencies.round(cpu / wall));
            return json;
        } finally {
            for (HttpClient client : clients) {
                client.shutdownNow();
            }
        }
    }

    private static void progress(String message) {
        System.err.println("list-storm: " + message);
    }
}
