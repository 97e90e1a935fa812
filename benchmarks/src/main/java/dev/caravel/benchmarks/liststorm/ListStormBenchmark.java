package dev.caravel.benchmarks.liststorm;

import dev.caravel.benchmarks.common.Latencies;
import ch.qos.logback.classic.Level;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.Random;
import java.util.stream.Stream;

/**
 * The list storm of issue 5, item 5: a large cluster seeded into the embedded store, then the lists
 * that took etcd down in MISSION.md's incident 3, measured against the API server with consistent
 * reads from the watch cache on and then off (off sends every list without resourceVersion to
 * storage), same data, one run; plus watch fan-out and the server's heap against the JSON it holds.
 *
 * <p>Each mode runs its server in a child JVM ({@link ServerProcess}) so CPU time and heap are the
 * server's alone; the clients run here. Every measurement is bounded by a count and a time.
 *
 * <p>Usage: {@code ./scripts/benchmark liststorm [--nodes N] [--pods N] [--storm-seconds S]
 * [--storm-clients N] [--watchers N] [--watch-rate N] [--watch-seconds S] [--server-heap-mb MB]
 * [--output FILE] [--seeded-store DIR] [--fan-out-only]}; defaults are the sizes; the smoke size is
 * {@code --nodes 500 --pods 15000 --storm-seconds 5} (see docs/benchmarks.md).
 */
public final class ListStormBenchmark {

    record Options(int nodes, int pods, int stormSeconds, int stormClients, int watchers, int watchRate,
                   int watchSeconds, int serverHeapMb, int listRepeats, int pointLists, int pointSeconds, Path output,
                   Path seededStore, boolean fanOutOnly) {
        static Options parse(String[] args) {
            int nodes = 5_000;
            int pods = 150_000;
            int stormSeconds = 60;
            int stormClients = 50;
            int watchers = 10_000;
            int watchRate = 500;
            int watchSeconds = 20;
            int heapMb = 12_288;
            int listRepeats = 5;
            int pointLists = 2_000;
            int pointSeconds = 30;
            Path output = null;
            Path seededStore = null;
            boolean fanOutOnly = false;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--nodes" -> nodes = Integer.parseInt(args[++i]);
                    case "--pods" -> pods = Integer.parseInt(args[++i]);
                    case "--storm-seconds" -> stormSeconds = Integer.parseInt(args[++i]);
                    case "--storm-clients" -> stormClients = Integer.parseInt(args[++i]);
                    case "--watchers" -> watchers = Integer.parseInt(args[++i]);
                    case "--watch-rate" -> watchRate = Integer.parseInt(args[++i]);
                    case "--watch-seconds" -> watchSeconds = Integer.parseInt(args[++i]);
                    case "--server-heap-mb" -> heapMb = Integer.parseInt(args[++i]);
                    case "--list-repeats" -> listRepeats = Integer.parseInt(args[++i]);
                    case "--point-lists" -> pointLists = Integer.parseInt(args[++i]);
                    case "--point-seconds" -> pointSeconds = Integer.parseInt(args[++i]);
                    case "--output" -> output = Path.of(args[++i]);
                    case "--seeded-store" -> seededStore = Path.of(args[++i]);
                    case "--fan-out-only" -> fanOutOnly = true;
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            return new Options(nodes, pods, stormSeconds, stormClients, watchers, watchRate, watchSeconds, heapMb,
                    listRepeats, pointLists, pointSeconds, output, seededStore, fanOutOnly);
        }
    }

    /** A full list may take long when it goes to storage; beyond this a repetition is not started. */
    private static final Duration FULL_LIST_BUDGET = Duration.ofSeconds(120);
    private static final Duration FULL_LIST_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration SLOW_LIST = Duration.ofSeconds(20);
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private ListStormBenchmark() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Options options = Options.parse(args);
        ObjectNode report = JSON.createObjectNode();
        report.put("benchmark", "liststorm");
        report.put("date", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("server_heap_mb", options.serverHeapMb());
        report.set("options", JSON.valueToTree(options));
        report.put("note", "consistentListFromCache is CaravelServer.Config's switch; a server without a watch cache "
                + "ignores it and both modes then read storage");

        Path root = Files.createTempDirectory("caravel-liststorm");
        try {
            Path store = options.seededStore() != null ? options.seededStore() : root.resolve("rocksdb");
            ClusterSeed.Seeded seeded;
            if (options.seededStore() != null) {
                // A store an earlier run seeded with the same --nodes and --pods (kept when that run was killed).
                progress("reusing the store seeded in " + store);
                seeded = new ClusterSeed.Seeded(options.nodes(), options.pods(), ClusterSeed.groups(options.nodes()),
                        0, 0, 0, 0, 0);
            } else {
                progress("seeding " + options.nodes() + " nodes and " + options.pods() + " pods into " + store);
                seeded = ClusterSeed.seed(store, options.nodes(), options.pods());
            }
            progress("baseline: the server's heap on an empty store");
            Path empty = root.resolve("empty");
            try (ServerProcess server = ServerProcess.start(empty, true, options.serverHeapMb())) {
                report.put("baseline_heap_empty_store_bytes", server.heapAfterGc());
            }
            ObjectNode seed = JSON.valueToTree(seeded);
            seed.put("pod_average_bytes", seeded.podJsonBytes() / Math.max(1, seeded.pods()));
            report.set("seed", seed);

            ObjectNode modes = report.putObject("modes");
            for (boolean fromCache : options.fanOutOnly() ? new boolean[0] : new boolean[] {true, false}) {
                String mode = fromCache ? "cache_on" : "cache_off";
                progress("mode " + mode + ": starting the server (" + options.serverHeapMb() + " MB heap)");
                try (ServerProcess server = ServerProcess.start(store, fromCache, options.serverHeapMb());
                     HttpLists http = new HttpLists(server.url())) {
                    modes.set(mode, runMode(options, seeded, server, http, fromCache,
                            report.path("baseline_heap_empty_store_bytes").asLong()));
                }
            }
            if (options.watchers() > 0) {
                // Its own server: 10,000 watches and the events queued for them would weigh on any other measurement.
                progress("watch fan-out: starting the server (consistent lists from cache on)");
                try (ServerProcess server = ServerProcess.start(store, true, options.serverHeapMb());
                     HttpLists http = new HttpLists(server.url())) {
                    measure(report, "watch_fan_out", "watch fan-out: " + options.watchers() + " watchers", server,
                            () -> new WatchFanOut(http, seeded.nodes(), seeded.pods()).run(options.watchers(),
                                    options.watchRate(), Duration.ofSeconds(options.watchSeconds()), server));
                }
            }
            report.set("targets", targets(report));
        } finally {
            deleteRecursively(root);
        }
        String text = JSON.writeValueAsString(report);
        System.out.println(text);
        if (options.output() != null) {
            Files.writeString(options.output(), text + System.lineSeparator());
            progress("wrote " + options.output().toAbsolutePath());
        }
        // The watchers' HTTP clients leave executor threads behind; the run is over.
        System.exit(0);
    }

    /** One measurement of a mode, which may fail without losing the others. */
    private interface Measurement {
        JsonNode run() throws Exception;
    }

    private static ObjectNode runMode(Options options, ClusterSeed.Seeded seeded, ServerProcess server, HttpLists http,
                                      boolean fromCache, long baselineHeap) throws Exception {
        ObjectNode results = JSON.createObjectNode();
        results.put("heap_after_start_bytes", server.heapAfterGc());

        ObjectNode full = results.putObject("a_full_pod_list");
        for (String form : new String[] {"json", "table"}) {
            for (String rv : new String[] {"unset", "0"}) {
                String query = "/api/v1/pods" + (rv.equals("0") ? "?resourceVersion=0" : "");
                String accept = form.equals("json") ? HttpLists.JSON : HttpLists.TABLE;
                measure(full, form + "_rv_" + rv, "(a) all pods, " + form + ", resourceVersion " + rv, server,
                        () -> fullList(http, query, accept, options.listRepeats()));
            }
        }

        int apps = Math.max(1, seeded.pods() / ClusterSeed.PODS_PER_APP);
        measure(results, "b_label_selected", "(b) label-selected lists (5 pods each)", server,
                () -> pointLists(http, options, seed -> "/api/v1/pods?labelSelector=app%3D" + ClusterSeed.app(seed.nextInt(apps))));
        measure(results, "c_pods_of_node", "(c) the pods of one node by fieldSelector spec.nodeName", server,
                () -> pointLists(http, options, seed -> "/api/v1/pods?fieldSelector=spec.nodeName%3D"
                        + ClusterSeed.nodeName(seed.nextInt(seeded.nodes()))));
        measure(results, "memory", "heap after GC", server, () -> {
            long heap = server.heapAfterGc();
            long jsonBytes = seeded.podJsonBytes() + seeded.nodeJsonBytes();
            ObjectNode memory = JSON.createObjectNode();
            memory.put("heap_after_gc_bytes", heap);
            memory.put("stored_json_bytes", jsonBytes);
            memory.put("heap_over_json", Latencies.round((double) heap / jsonBytes));
            memory.put("heap_above_empty_server_over_json", Latencies.round((double) (heap - baselineHeap) / jsonBytes));
            return memory;
        });
        // Last: a storm the server cannot keep up with leaves abandoned requests behind.
        measure(results, "d_node_group_storm", "(d) node-group storm: " + options.stormClients() + " clients for "
                        + options.stormSeconds() + " s", server,
                () -> new NodeGroupStorm(http, seeded.groups()).run(options.stormClients(),
                        Duration.ofSeconds(options.stormSeconds()), server));
        return results;
    }

    /**
     * Runs one measurement once the server is idle (work a previous one left behind, such as
     * abandoned storm requests, would distort it), puts its figures or its failure under
     * {@code name}, and prints them.
     */
    private static void measure(ObjectNode into, String name, String title, ServerProcess server, Measurement measurement)
            throws Exception {
        double settled = server.awaitIdle(Duration.ofSeconds(180));
        progress("  " + title + (settled > 2.5 ? " (after " + Math.round(settled) + " s for the server to settle)" : ""));
        JsonNode figures;
        try {
            figures = measurement.run();
        } catch (Exception e) {
            ObjectNode failure = JSON.createObjectNode();
            failure.put("error", e.toString());
            figures = failure;
        }
        if (figures instanceof ObjectNode object && settled > 2.5) {
            object.put("waited_for_idle_server_s", Latencies.round(settled));
        }
        into.set(name, figures);
        progress("    " + new ObjectMapper().writeValueAsString(figures));
    }

    /**
     * One untimed list, then up to {@code repeats} timed, within {@link #FULL_LIST_BUDGET}. A first
     * list slower than {@link #SLOW_LIST} is kept as the one sample instead (marked cold): at
     * 150,000 pods read from storage a list takes minutes, and a warm-up would double that.
     */
    private static ObjectNode fullList(HttpLists http, String query, String accept, int repeats) throws Exception {
        HttpLists.Answer first = http.get(query, accept, FULL_LIST_TIMEOUT);
        Latencies latencies = new Latencies();
        boolean cold = first.nanos() > SLOW_LIST.toNanos();
        if (cold) {
            latencies.record(first.nanos());
            if (!first.ok()) {
                latencies.fail();
            }
        }
        long budgetEnd = System.nanoTime() + FULL_LIST_BUDGET.toNanos();
        long bytes = first.bytes();
        for (int i = 0; !cold && i < repeats && System.nanoTime() < budgetEnd; i++) {
            HttpLists.Answer answer = http.get(query, accept, FULL_LIST_TIMEOUT);
            latencies.record(answer.nanos());
            if (!answer.ok()) {
                latencies.fail();
            }
            bytes = answer.bytes();
        }
        ObjectNode json = latencies.toJson();
        if (cold) {
            json.put("cold_sample_only", true);
        } else {
            json.put("warm_up_ms", Latencies.round(first.nanos() / 1e6));
        }
        json.put("status", first.status());
        json.put("response_bytes", bytes);
        return json;
    }

    /** Sequential small lists, up to the count or the time given in the options. */
    private static ObjectNode pointLists(HttpLists http, Options options, java.util.function.Function<Random, String> query)
            throws Exception {
        Random random = new Random(11);
        ObjectMapper plain = new ObjectMapper();
        // The sample, read whole to count its items, is also the warm-up.
        JsonNode sample = plain.readTree(http.getString(query.apply(new Random(5)), NodeGroupStorm.REQUEST_TIMEOUT));
        int sampleItems = sample.path("items").size();
        Latencies latencies = new Latencies();
        long end = System.nanoTime() + Duration.ofSeconds(options.pointSeconds()).toNanos();
        for (int i = 0; i < options.pointLists() && System.nanoTime() < end; i++) {
            try {
                HttpLists.Answer answer = http.get(query.apply(random), HttpLists.JSON, NodeGroupStorm.REQUEST_TIMEOUT);
                latencies.record(answer.nanos());
                if (!answer.ok()) {
                    latencies.fail();
                }
            } catch (java.net.http.HttpTimeoutException e) {
                latencies.record(NodeGroupStorm.REQUEST_TIMEOUT.toNanos());
                latencies.fail();
            }
        }
        ObjectNode json = latencies.toJson();
        json.put("items_in_a_sample", sampleItems);
        return json;
    }

    /** The targets next to the figures: met or not (never met by a figure that is missing or failed). */
    private static ArrayNode targets(ObjectNode report) {
        ArrayNode targets = JSON.createArrayNode();
        JsonNode on = report.path("modes").path("cache_on");
        JsonNode off = report.path("modes").path("cache_off");
        target(targets, "(b) label-selected list p99, cache on", "<= 5 ms", figure(on.path("b_label_selected"), "p99_ms"), 5, true);
        target(targets, "(c) pods of one node p99, cache on", "<= 5 ms", figure(on.path("c_pods_of_node"), "p99_ms"), 5, true);
        target(targets, "(a) full JSON list of all pods, p50, cache on, resourceVersion unset", "<= 1000 ms",
                figure(on.path("a_full_pod_list").path("json_rv_unset"), "p50_ms"), 1000, true);
        target(targets, "(a) full JSON list of all pods, p50, cache on, resourceVersion 0", "<= 1000 ms",
                figure(on.path("a_full_pod_list").path("json_rv_0"), "p50_ms"), 1000, true);
        for (String list : new String[] {"node_lists", "pod_lists"}) {
            double p99On = figure(on.path("d_node_group_storm").path(list), "p99_ms");
            double p99Off = off.path("d_node_group_storm").path(list).path("p99_ms").asDouble(Double.NaN);
            target(targets, "(d) storm " + list + " p99, cache on", "<= 50 ms", p99On, 50, true);
            target(targets, "(d) storm " + list + " p99, off over on", ">= 50x", p99Off / p99On, 50, false);
        }
        target(targets, "watch fan-out delivery p99", "<= 100 ms",
                report.path("watch_fan_out").path("delivery_p99_ms").asDouble(Double.NaN), 100, true);
        double memory = on.path("memory").path("heap_above_empty_server_over_json").asDouble(Double.NaN);
        target(targets, "server heap after GC above an empty server's, over stored JSON, cache on", "<= 1.5x",
                memory, 1.5, true);
        if (memory < 0.5) {
            // Under half the JSON: the server keeps no copy of the objects, so there is no cache to judge.
            ObjectNode last = (ObjectNode) targets.get(targets.size() - 1);
            last.putNull("met");
            last.put("why", "the server holds no copy of the objects (no watch cache): nothing to judge");
        }
        return targets;
    }

    /** A measurement's figure; NaN when it is missing, the measurement failed, or any of its requests did. */
    private static double figure(JsonNode measurement, String field) {
        if (measurement.has("error") || measurement.path("failures").asInt(0) > 0) {
            return Double.NaN;
        }
        return measurement.path(field).asDouble(Double.NaN);
    }

    private static void target(ArrayNode targets, String name, String goal, double value, double bound, boolean atMost) {
        ObjectNode t = targets.addObject();
        t.put("figure", name);
        t.put("target", goal);
        t.put("value", Latencies.round(value));
        t.put("met", !Double.isNaN(value) && (atMost ? value <= bound : value >= bound));
    }

    static void progress(String message) {
        System.err.println("list-storm: " + message);
    }

    private static void deleteRecursively(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}
