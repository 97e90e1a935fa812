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
import java.util.Map;
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
 * [--output FILE] [--seeded-store DIR] [--fan-out-only] [--point-warm-up N] [--server-gc g1|zgc] [--gc-rounds N]
 * [--fan-out-client jdk|nio] [--fan-out-rounds N] [--watch-warm-up S]};
 * defaults are the sizes; the smoke size is {@code --nodes 500 --pods 15000 --storm-seconds 5} (see docs/benchmarks.md).
 *
 * <p>{@code --gc-rounds N} compares the server's collectors instead: N rounds, each starting a G1
 * and a ZGC server (cache on) on the same store, in alternating order, and measuring on each the
 * full JSON list (raw socket and HttpClient), (b), (c) and the watch fan-out, with the collections
 * and collector time the server spent during each; no storm and no cache-off mode.
 *
 * <p>{@code --fan-out-rounds N} measures the watch fan-out read by both clients (JDK HttpClient and
 * {@link NioWatchers}), N rounds in alternating order, each on a fresh server.
 */
public final class ListStormBenchmark {

    record Options(int nodes, int pods, int stormSeconds, int stormClients, int watchers, int watchRate,
                   int watchSeconds, int serverHeapMb, int listRepeats, int pointLists, int pointSeconds, Path output,
                   Path seededStore, boolean fanOutOnly, ServerGc serverGc, int gcRounds, int pointWarmUp,
                   WatchFanOut.Client fanOutClient, int fanOutRounds, int watchWarmUpSeconds) {
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
            ServerGc serverGc = ServerGc.G1;
            int gcRounds = 0;
            int pointWarmUp = 200;
            WatchFanOut.Client fanOutClient = WatchFanOut.Client.JDK;
            int fanOutRounds = 0;
            int watchWarmUpSeconds = 0;
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
                    case "--server-gc" -> serverGc = ServerGc.parse(args[++i]);
                    case "--gc-rounds" -> gcRounds = Integer.parseInt(args[++i]);
                    case "--point-warm-up" -> pointWarmUp = Integer.parseInt(args[++i]);
                    case "--fan-out-client" -> fanOutClient = WatchFanOut.Client.parse(args[++i]);
                    case "--fan-out-rounds" -> fanOutRounds = Integer.parseInt(args[++i]);
                    case "--watch-warm-up" -> watchWarmUpSeconds = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]);
                }
            }
            return new Options(nodes, pods, stormSeconds, stormClients, watchers, watchRate, watchSeconds, heapMb,
                    listRepeats, pointLists, pointSeconds, output, seededStore, fanOutOnly, serverGc, gcRounds, pointWarmUp,
                    fanOutClient, fanOutRounds, watchWarmUpSeconds);
        }
    }

    /** A full list may take long when it goes to storage; beyond this a repetition is not started. */
    private static final Duration FULL_LIST_BUDGET = Duration.ofSeconds(120);
    private static final Duration FULL_LIST_TIMEOUT = Duration.ofSeconds(300);
    private static final Duration SLOW_LIST = Duration.ofSeconds(20);
    /** At most this long in the point lists' warm-up (a list from storage takes seconds). */
    private static final Duration POINT_WARM_UP_TIME = Duration.ofSeconds(5);
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
            if (options.seededStore() != null && Files.isDirectory(options.seededStore())) {
                // A store an earlier run seeded with the same --nodes and --pods (kept when that run was killed).
                progress("reusing the store seeded in " + store);
                seeded = new ClusterSeed.Seeded(options.nodes(), options.pods(), ClusterSeed.groups(options.nodes()),
                        0, 0, 0, 0, 0);
            } else {
                // A --seeded-store folder that does not exist yet is seeded here and kept for later runs.
                progress("seeding " + options.nodes() + " nodes and " + options.pods() + " pods into " + store);
                seeded = ClusterSeed.seed(store, options.nodes(), options.pods());
            }
            if (options.gcRounds() == 0) {
                progress("baseline: the server's heap on an empty store");
                Path empty = root.resolve("empty");
                try (ServerProcess server = ServerProcess.start(empty, true, options.serverHeapMb(), options.serverGc())) {
                    report.put("baseline_heap_empty_store_bytes", server.heapAfterGc());
                }
            }
            ObjectNode seed = JSON.valueToTree(seeded);
            seed.put("pod_average_bytes", seeded.podJsonBytes() / Math.max(1, seeded.pods()));
            report.set("seed", seed);

            if (options.gcRounds() > 0) {
                report.set("gc_comparison", compareCollectors(options, seeded, store));
            } else {
                measureModes(options, seeded, store, report);
            }
        } finally {
            // Before finish, which exits the JVM.
            deleteRecursively(root);
        }
        finish(report, options);
    }

    /** The default run: each mode (cache on, then off) on its own server, the fan-out on another, and the targets. */
    private static void measureModes(Options options, ClusterSeed.Seeded seeded, Path store, ObjectNode report)
            throws Exception {
        ObjectNode modes = report.putObject("modes");
        for (boolean fromCache : options.fanOutOnly() ? new boolean[0] : new boolean[] {true, false}) {
            String mode = fromCache ? "cache_on" : "cache_off";
            progress("mode " + mode + ": starting the server (" + options.serverHeapMb() + " MB heap)");
            try (ServerProcess server = ServerProcess.start(store, fromCache, options.serverHeapMb(), options.serverGc());
                 HttpLists http = new HttpLists(server.url())) {
                modes.set(mode, runMode(options, seeded, server, http, fromCache,
                        report.path("baseline_heap_empty_store_bytes").asLong()));
            }
        }
        if (options.watchers() > 0 && options.fanOutRounds() > 0) {
            report.set("fan_out_comparison", compareFanOutClients(options, seeded, store));
        } else if (options.watchers() > 0) {
            // Its own server: 10,000 watches and the events queued for them would weigh on any other measurement.
            progress("watch fan-out: starting the server (consistent lists from cache on)");
            try (ServerProcess server = ServerProcess.start(store, true, options.serverHeapMb(), options.serverGc());
                 HttpLists http = new HttpLists(server.url())) {
                measure(report, "watch_fan_out", "watch fan-out: " + options.watchers() + " watchers, "
                                + options.fanOutClient().label() + " client", server,
                        () -> new WatchFanOut(http, seeded.nodes(), seeded.pods()).run(options.fanOutClient(),
                                options.watchers(), options.watchRate(), Duration.ofSeconds(options.watchWarmUpSeconds()),
                                Duration.ofSeconds(options.watchSeconds()), server));
            }
        }
        report.set("targets", targets(report));
    }

    /**
     * The watch fan-out read by each client in turn, each time on a fresh server (cache on) so no
     * watch or queued event of the previous one remains; JDK first in odd rounds and NIO first in
     * even ones, so a drift in the machine's load falls on both.
     */
    private static ObjectNode compareFanOutClients(Options options, ClusterSeed.Seeded seeded, Path store) throws Exception {
        ObjectNode comparison = JSON.createObjectNode();
        ArrayNode runs = comparison.putArray("runs");
        for (int round = 1; round <= options.fanOutRounds(); round++) {
            WatchFanOut.Client[] order = round % 2 == 1
                    ? new WatchFanOut.Client[] {WatchFanOut.Client.JDK, WatchFanOut.Client.NIO}
                    : new WatchFanOut.Client[] {WatchFanOut.Client.NIO, WatchFanOut.Client.JDK};
            for (WatchFanOut.Client client : order) {
                progress("round " + round + ", " + client.label() + " watchers: starting the server");
                ObjectNode run = runs.addObject();
                run.put("round", round);
                run.put("client", client.label());
                run.put("load_average_at_start", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
                try (ServerProcess server = ServerProcess.start(store, true, options.serverHeapMb(), options.serverGc());
                     HttpLists http = new HttpLists(server.url())) {
                    measureWithGc(run, "watch_fan_out", "watch fan-out: " + options.watchers() + " watchers, "
                                    + client.label() + " client", server,
                            () -> new WatchFanOut(http, seeded.nodes(), seeded.pods()).run(client, options.watchers(),
                                    options.watchRate(), Duration.ofSeconds(options.watchWarmUpSeconds()),
                                    Duration.ofSeconds(options.watchSeconds()), server));
                }
                run.put("load_average_at_end", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                        .getSystemLoadAverage());
            }
        }
        String[] figures = {"delivery_p50_ms", "delivery_p99_ms", "delivery_max_ms", "deliveries", "deliveries_expected",
            "failed_updates", "update_rate_reached_per_s", "server_cores_used", "server_cores_used_while_patching",
            "client_jvm_cores_used", "client_jvm_cores_used_while_patching", "nio_watcher_threads_cores_used_while_patching"};
        ObjectNode summary = comparison.putObject("summary");
        for (JsonNode run : runs) {
            String client = run.path("client").asText();
            ObjectNode ofClient = summary.has(client) ? (ObjectNode) summary.get(client) : summary.putObject(client);
            for (String figure : figures) {
                ArrayNode values = ofClient.has(figure) ? (ArrayNode) ofClient.get(figure) : ofClient.putArray(figure);
                values.add(run.path("watch_fan_out").path(figure));
            }
        }
        return comparison;
    }

    private static void finish(ObjectNode report, Options options) throws IOException {
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
                        () -> fullList(http::get, query, accept, options.listRepeats()));
                if (form.equals("json")) {
                    measure(full, form + "_rv_" + rv + "_raw_socket", "(a) all pods, " + form + ", resourceVersion " + rv
                            + ", raw-socket client", server, () -> fullList(http::getRaw, query, accept, options.listRepeats()));
                }
            }
        }

        int apps = Math.max(1, seeded.pods() / ClusterSeed.PODS_PER_APP);
        measure(results, "b_label_selected", "(b) label-selected lists (5 pods each)", server,
                () -> pointLists(http, http::get, options, seed -> "/api/v1/pods?labelSelector=app%3D" + ClusterSeed.app(seed.nextInt(apps))));
        measure(results, "c_pods_of_node", "(c) the pods of one node by fieldSelector spec.nodeName", server,
                () -> pointLists(http, http::get, options, seed -> "/api/v1/pods?fieldSelector=spec.nodeName%3D"
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
    private static ObjectNode fullList(Getter http, String query, String accept, int repeats) throws Exception {
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

    /** One way of reading a list: {@link HttpLists#get} (JDK HttpClient) or {@link HttpLists#getRaw} (raw socket). */
    private interface Getter {
        HttpLists.Answer get(String pathAndQuery, String accept, Duration timeout) throws Exception;
    }

    /**
     * The collectors side by side on one store: rounds of a G1 and a ZGC server, the order
     * alternating (G1 first in odd rounds) so a drift in the machine's load falls on both.
     */
    private static ObjectNode compareCollectors(Options options, ClusterSeed.Seeded seeded, Path store) throws Exception {
        ObjectNode comparison = JSON.createObjectNode();
        ArrayNode runs = comparison.putArray("runs");
        for (int round = 1; round <= options.gcRounds(); round++) {
            ServerGc[] order = round % 2 == 1 ? new ServerGc[] {ServerGc.G1, ServerGc.ZGC} : new ServerGc[] {ServerGc.ZGC, ServerGc.G1};
            for (ServerGc gc : order) {
                progress("round " + round + ", " + gc.label() + ": starting the server (" + options.serverHeapMb() + " MB heap)");
                ObjectNode run = runs.addObject();
                run.put("round", round);
                run.put("gc", gc.label());
                try (ServerProcess server = ServerProcess.start(store, true, options.serverHeapMb(), gc);
                     HttpLists http = new HttpLists(server.url())) {
                    measureWithGc(run, "a_json_rv_unset_raw_socket", "(a) all pods, JSON, raw-socket client", server,
                            () -> fullList(http::getRaw, "/api/v1/pods", HttpLists.JSON, options.listRepeats()));
                    measureWithGc(run, "a_json_rv_unset_http_client", "(a) all pods, JSON, JDK HttpClient", server,
                            () -> fullList(http::get, "/api/v1/pods", HttpLists.JSON, options.listRepeats()));
                    int apps = Math.max(1, seeded.pods() / ClusterSeed.PODS_PER_APP);
                    measureWithGc(run, "b_label_selected", "(b) label-selected lists (5 pods each)", server,
                            () -> pointLists(http, http::get, options, seed -> "/api/v1/pods?labelSelector=app%3D"
                                    + ClusterSeed.app(seed.nextInt(apps))));
                    measureWithGc(run, "b_label_selected_raw_socket", "(b) label-selected lists, raw-socket client", server,
                            () -> pointLists(http, http::getRaw, options, seed -> "/api/v1/pods?labelSelector=app%3D"
                                    + ClusterSeed.app(seed.nextInt(apps))));
                    measureWithGc(run, "c_pods_of_node", "(c) the pods of one node", server,
                            () -> pointLists(http, http::get, options, seed -> "/api/v1/pods?fieldSelector=spec.nodeName%3D"
                                    + ClusterSeed.nodeName(seed.nextInt(seeded.nodes()))));
                    if (options.watchers() > 0) {
                        // Last on this server: the watches stay open until it stops.
                        measureWithGc(run, "watch_fan_out", "watch fan-out: " + options.watchers() + " watchers", server,
                                () -> new WatchFanOut(http, seeded.nodes(), seeded.pods()).run(options.watchers(),
                                        options.watchRate(), Duration.ofSeconds(options.watchSeconds()), server));
                    }
                }
            }
        }
        comparison.set("summary", collectorSummary(runs));
        return comparison;
    }

    /** {@link #measure}, adding the collections and collector milliseconds the server spent during it. */
    private static void measureWithGc(ObjectNode into, String name, String title, ServerProcess server,
                                      Measurement measurement) throws Exception {
        measure(into, name, title, server, () -> {
            Map<String, long[]> before = server.collections();
            JsonNode figures = measurement.run();
            Map<String, long[]> after = server.collections();
            if (figures instanceof ObjectNode object) {
                ObjectNode collectors = object.putObject("server_gc");
                after.forEach((collector, counts) -> {
                    long[] was = before.getOrDefault(collector, new long[2]);
                    collectors.put(collector, (counts[0] - was[0]) + " in " + (counts[1] - was[1]) + " ms");
                });
            }
            return figures;
        });
    }

    /** Per collector, the headline figures of every round, to read side by side. */
    private static ObjectNode collectorSummary(ArrayNode runs) {
        String[][] figures = {
            {"a_json_rv_unset_raw_socket", "p50_ms"}, {"a_json_rv_unset_http_client", "p50_ms"},
            {"b_label_selected", "p50_ms"}, {"b_label_selected", "p99_ms"}, {"b_label_selected", "max_ms"},
            {"b_label_selected_raw_socket", "p50_ms"}, {"b_label_selected_raw_socket", "p99_ms"},
            {"c_pods_of_node", "p50_ms"}, {"c_pods_of_node", "p99_ms"}, {"c_pods_of_node", "max_ms"},
            {"watch_fan_out", "delivery_p50_ms"}, {"watch_fan_out", "delivery_p99_ms"}, {"watch_fan_out", "delivery_max_ms"},
        };
        ObjectNode summary = JSON.createObjectNode();
        for (JsonNode run : runs) {
            ObjectNode ofCollector = summary.has(run.path("gc").asText()) ? (ObjectNode) summary.get(run.path("gc").asText())
                    : summary.putObject(run.path("gc").asText());
            for (String[] figure : figures) {
                String key = figure[0] + "." + figure[1];
                ArrayNode values = ofCollector.has(key) ? (ArrayNode) ofCollector.get(key) : ofCollector.putArray(key);
                values.add(Latencies.round(figure(run.path(figure[0]), figure[1])));
            }
        }
        return summary;
    }

    /** Sequential small lists, up to the count or the time given in the options. */
    private static ObjectNode pointLists(HttpLists http, Getter get, Options options,
                                         java.util.function.Function<Random, String> query) throws Exception {
        Random random = new Random(11);
        ObjectMapper plain = new ObjectMapper();
        JsonNode sample = plain.readTree(http.getString(query.apply(new Random(5)), NodeGroupStorm.REQUEST_TIMEOUT));
        int sampleItems = sample.path("items").size();
        // Untimed lists first, so the figures are the server's steady state, not its code being compiled.
        Random warmUpQueries = new Random(3);
        long warmUpEnd = System.nanoTime() + POINT_WARM_UP_TIME.toNanos();
        int warmUps = 0;
        for (; warmUps < options.pointWarmUp() && System.nanoTime() < warmUpEnd; warmUps++) {
            get.get(query.apply(warmUpQueries), HttpLists.JSON, NodeGroupStorm.REQUEST_TIMEOUT);
        }
        Latencies latencies = new Latencies();
        long end = System.nanoTime() + Duration.ofSeconds(options.pointSeconds()).toNanos();
        for (int i = 0; i < options.pointLists() && System.nanoTime() < end; i++) {
            try {
                HttpLists.Answer answer = get.get(query.apply(random), HttpLists.JSON, NodeGroupStorm.REQUEST_TIMEOUT);
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
        json.put("warm_up_lists", warmUps);
        return json;
    }

    /** The targets next to the figures: met or not (never met by a figure that is missing or failed). */
    private static ArrayNode targets(ObjectNode report) {
        ArrayNode targets = JSON.createArrayNode();
        JsonNode on = report.path("modes").path("cache_on");
        JsonNode off = report.path("modes").path("cache_off");
        target(targets, "(b) label-selected list p99, cache on", "<= 5 ms", figure(on.path("b_label_selected"), "p99_ms"), 5, true);
        target(targets, "(c) pods of one node p99, cache on", "<= 5 ms", figure(on.path("c_pods_of_node"), "p99_ms"), 5, true);
        for (String rv : new String[] {"unset", "0"}) {
            target(targets, "(a) full JSON list of all pods, p50, cache on, resourceVersion " + rv + ", raw-socket client",
                    "<= 1000 ms", figure(on.path("a_full_pod_list").path("json_rv_" + rv + "_raw_socket"), "p50_ms"), 1000, true);
            target(targets, "(a) full JSON list of all pods, p50, cache on, resourceVersion " + rv + ", JDK HttpClient",
                    "<= 1000 ms", figure(on.path("a_full_pod_list").path("json_rv_" + rv), "p50_ms"), 1000, true);
        }
        for (String list : new String[] {"node_lists", "pod_lists"}) {
            double p99On = figure(on.path("d_node_group_storm").path(list), "p99_ms");
            double p99Off = off.path("d_node_group_storm").path(list).path("p99_ms").asDouble(Double.NaN);
            target(targets, "(d) storm " + list + " p99, cache on", "<= 50 ms", p99On, 50, true);
            target(targets, "(d) storm " + list + " p99, off over on", ">= 50x", p99Off / p99On, 50, false);
        }
        JsonNode byClient = report.path("fan_out_comparison").path("summary");
        if (byClient.isObject()) {
            // Judged on each client's median over the rounds (a round that lost deliveries still counts).
            byClient.fieldNames().forEachRemaining(client -> target(targets, "watch fan-out delivery p99, median of the rounds, "
                    + client + " client", "<= 100 ms", median(byClient.path(client).path("delivery_p99_ms")), 100, true));
        } else {
            target(targets, "watch fan-out delivery p99", "<= 100 ms",
                    report.path("watch_fan_out").path("delivery_p99_ms").asDouble(Double.NaN), 100, true);
        }
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

    private static double median(JsonNode values) {
        double[] sorted = new double[values.size()];
        for (int i = 0; i < sorted.length; i++) {
            sorted[i] = values.get(i).asDouble(Double.NaN);
        }
        java.util.Arrays.sort(sorted);
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int middle = sorted.length / 2;
        return sorted.length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
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
