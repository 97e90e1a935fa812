package dev.caravel.benchmarks.liststorm;

import dev.caravel.benchmarks.common.Latencies;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The node-group storm of MISSION.md's incident 3: many clients at once, each listing the nodes of
 * one node group by label, then the pods of each of those nodes by field selector, all at once,
 * again and again until the time is up. Lists carry no resourceVersion: consistent reads, which go
 * to storage when consistent reads from the cache are off.
 *
 * <p>A request that has not answered within {@link #REQUEST_TIMEOUT} is given up and counted as a
 * failure at the time it waited, so the percentiles of a drowning server are lower bounds.
 */
final class NodeGroupStorm {

    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);
    private static final Pattern HOSTNAME = Pattern.compile("\"kubernetes.io/hostname\":\"([^\"]+)\"");

    private final HttpLists http;
    private final int groups;

    NodeGroupStorm(HttpLists http, int groups) {
        this.http = http;
        this.groups = groups;
    }

    ObjectNode run(int clients, Duration length, ServerProcess server) throws Exception {
        Latencies nodeLists = new Latencies();
        Latencies podLists = new Latencies();
        long deadline = System.nanoTime() + length.toNanos();
        Duration cpuBefore = server.cpuTime();
        long start = System.nanoTime();
        List<Future<?>> loops = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < clients; c++) {
                Random random = new Random(c);
                loops.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        clientRound(random, nodeLists, podLists);
                    }
                    return null;
                }));
            }
            for (Future<?> loop : loops) {
                loop.get(length.toSeconds() + 2 * REQUEST_TIMEOUT.toSeconds() + 30, TimeUnit.SECONDS);
            }
        }
        double wall = (System.nanoTime() - start) / 1e9;
        double cpu = (server.cpuTime().toNanos() - cpuBefore.toNanos()) / 1e9;
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("clients", clients);
        json.put("seconds", Latencies.round(wall));
        json.set("node_lists", nodeLists.toJson());
        json.set("pod_lists", podLists.toJson());
        int served = nodeLists.count() - nodeLists.failures() + podLists.count() - podLists.failures();
        json.put("requests_served", served);
        json.put("requests_per_s", Latencies.round(served / wall));
        json.put("server_cpu_seconds", Latencies.round(cpu));
        json.put("server_cores_used", Latencies.round(cpu / wall));
        return json;
    }

    /** One client's round: the nodes of a random group, then the pods of each, in parallel. */
    private void clientRound(Random random, Latencies nodeLists, Latencies podLists) throws Exception {
        String group = ClusterSeed.group(random.nextInt(groups));
        long start = System.nanoTime();
        String body;
        try {
            body = http.getString("/api/v1/nodes?labelSelector=node-group%3D" + group, REQUEST_TIMEOUT);
        } catch (java.io.IOException e) {
            nodeLists.record(System.nanoTime() - start);
            nodeLists.fail();
            return;
        }
        nodeLists.record(System.nanoTime() - start);
        List<CompletableFuture<Void>> pending = new ArrayList<>();
        Matcher m = HOSTNAME.matcher(body);
        while (m.find()) {
            long sent = System.nanoTime();
            pending.add(http.getAsync("/api/v1/pods?fieldSelector=spec.nodeName%3D" + m.group(1), HttpLists.JSON, REQUEST_TIMEOUT)
                    .handle((answer, error) -> {
                        podLists.record(System.nanoTime() - sent);
                        if (error != null || !answer.ok()) {
                            podLists.fail();
                        }
                        return null;
                    }));
        }
        CompletableFuture.allOf(pending.toArray(CompletableFuture[]::new)).join();
    }
}
