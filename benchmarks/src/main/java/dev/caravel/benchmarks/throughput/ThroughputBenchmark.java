package dev.caravel.benchmarks.throughput;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Create and get throughput of Caravel (in-process, on the in-memory store and on the embedded
 * RocksDB store) side by side with fabric8's mock server in CRUD mode, the test double many
 * operator authors use instead of a real API server (issue 4, item 10; target: Caravel at least
 * twice the mock's throughput while validating and persisting for real).
 *
 * <p>Each round starts every target fresh, in an order rotated from round to round so a slow
 * moment of the shared machine does not always fall on the same one, and runs on it:
 * <ol>
 *   <li><b>create</b>: {@code clients} threads at once, each POSTing {@code objects} realistic
 *       ConfigMaps (labels, annotations, an application.properties of about 1 KiB) to
 *       {@code /api/v1/namespaces/default/configmaps};</li>
 *   <li><b>get</b>: the same threads GETting back every ConfigMap they created, by name.</li>
 * </ol>
 * Every answer must be 201 (create) or 200 (get); any other stops the benchmark, so a server
 * cannot win by failing fast. All targets are driven by the same client code: one
 * {@code java.net.http} client per round (HTTP/1.1, a pool of keep-alive connections), the same
 * request bodies, byte for byte. One untimed warm-up round per target first (at least 50 objects
 * per client) lets the JIT compile both servers' request paths.
 *
 * <p>The mock keeps its objects in a map it scans on every request, so its throughput falls as a
 * round's objects accumulate; Caravel's does not. The ratio therefore depends on {@code --objects}:
 * docs/benchmarks.md reports a small and a large setting.
 *
 * <p>Prints one JSON object: per target and phase, each round's ops/s and the pooled p50/p99;
 * the median of the rounds' ops/s; and Caravel's ratios to the mock. Arguments:
 * {@code [--clients N] [--objects N] [--rounds N] [--targets a,b] [--quick]}.
 */
public final class ThroughputBenchmark {

    private static final String NAMESPACE = "default";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int MIN_WARMUP_OBJECTS_PER_CLIENT = 50;

    private final int clients;
    private final int objectsPerClient;
    private final int rounds;
    private final List<ThroughputTarget> targets;

    private ThroughputBenchmark(int clients, int objectsPerClient, int rounds, List<ThroughputTarget> targets) {
        this.clients = clients;
        this.objectsPerClient = objectsPerClient;
        this.rounds = rounds;
        this.targets = targets;
    }

    public static void main(String[] args) throws Exception {
        int clients = 64;
        int objects = 100;
        int rounds = 5;
        List<ThroughputTarget> targets = List.of(ThroughputTarget.values());
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--objects" -> objects = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--targets" -> targets = parseTargets(args[++i]);
                case "--quick" -> {
                    objects = 10;
                    rounds = 1;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--clients N] [--objects N] [--rounds N] [--targets caravel-memory,caravel-rocksdb,fabric8-mock] [--quick]");
            }
        }
        new ThroughputBenchmark(clients, objects, rounds, targets).run();
        // The mock's Vert.x and the HTTP clients' threads would keep the JVM alive.
        System.exit(0);
    }

    private static List<ThroughputTarget> parseTargets(String list) {
        List<ThroughputTarget> parsed = new ArrayList<>();
        for (String label : list.split(",")) {
            parsed.add(java.util.Arrays.stream(ThroughputTarget.values())
                    .filter(t -> t.label().equals(label.strip())).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("unknown target " + label)));
        }
        return List.copyOf(parsed);
    }

    private void run() throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode result = mapper.createObjectNode();
        result.put("benchmark", "throughput");
        result.put("date", Instant.now().toString());
        result.put("java", Runtime.version().toString());
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("clients", clients);
        result.put("objectsPerClientPerRound", objectsPerClient);
        result.put("rounds", rounds);
        result.put("configMapBytes", ConfigMaps.body("round0-client0-object0").length);
        result.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        // Small runs still warm up on enough requests for the JIT to compile the request paths.
        int warmupObjects = Math.max(objectsPerClient, MIN_WARMUP_OBJECTS_PER_CLIENT);
        for (ThroughputTarget target : targets) {
            System.err.printf("throughput: warm-up on %s (%d objects per client)%n", target.label(), warmupObjects);
            runRound(target, "warmup", warmupObjects);
        }
        Map<ThroughputTarget, List<RoundResult>> results = new EnumMap<>(ThroughputTarget.class);
        for (int round = 0; round < rounds; round++) {
            for (int i = 0; i < targets.size(); i++) {
                ThroughputTarget target = targets.get((i + round) % targets.size());
                System.err.printf("throughput: round %d/%d on %s%n", round + 1, rounds, target.label());
                RoundResult r = runRound(target, "r" + round, objectsPerClient);
                System.err.printf("throughput:   create %.0f ops/s, get %.0f ops/s%n", r.create.opsPerSecond(),
                        r.get.opsPerSecond());
                results.computeIfAbsent(target, t -> new ArrayList<>()).add(r);
            }
        }

        ObjectNode byTarget = result.putObject("targets");
        Map<ThroughputTarget, double[]> medians = new EnumMap<>(ThroughputTarget.class);
        results.forEach((target, rs) -> {
            ObjectNode node = byTarget.putObject(target.label());
            double createMedian = phase(node.putObject("create"), rs.stream().map(RoundResult::create).toList());
            double getMedian = phase(node.putObject("get"), rs.stream().map(RoundResult::get).toList());
            medians.put(target, new double[] {createMedian, getMedian});
        });
        double[] mock = medians.get(ThroughputTarget.FABRIC8_MOCK);
        if (mock != null) {
            ObjectNode ratios = result.putObject("ratiosToMock");
            medians.forEach((target, m) -> {
                if (target != ThroughputTarget.FABRIC8_MOCK) {
                    ObjectNode r = ratios.putObject(target.label());
                    r.put("create", round2(m[0] / mock[0]));
                    r.put("get", round2(m[1] / mock[1]));
                    r.put("targetRatio", 2.0);
                    r.put("metTarget", m[0] / mock[0] >= 2.0 && m[1] / mock[1] >= 2.0);
                }
            });
        }
        result.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    /** Writes one phase's figures; returns the median of its rounds' ops/s. */
    private static double phase(ObjectNode node, List<PhaseResult> rounds) {
        Latencies pooled = new Latencies(0);
        ArrayNode perRound = node.putArray("opsPerSecondPerRound");
        for (PhaseResult r : rounds) {
            perRound.add(Math.round(r.opsPerSecond()));
            pooled.addAll(r.latencies());
        }
        List<Double> sorted = rounds.stream().map(PhaseResult::opsPerSecond).sorted(Comparator.naturalOrder()).toList();
        double median = sorted.get((sorted.size() - 1) / 2);
        node.put("opsPerSecondMedian", Math.round(median));
        node.put("requests", pooled.count());
        node.put("p50Ms", round2(pooled.percentileMillis(0.50)));
        node.put("p99Ms", round2(pooled.percentileMillis(0.99)));
        return median;
    }

    private RoundResult runRound(ThroughputTarget target, String roundName, int objectsPerClient) throws Exception {
        // Bodies are built before the clock starts: the client's work per request is only HTTP.
        byte[][][] bodies = new byte[clients][objectsPerClient][];
        String[][] names = new String[clients][objectsPerClient];
        for (int c = 0; c < clients; c++) {
            for (int o = 0; o < objectsPerClient; o++) {
                names[c][o] = roundName + "-client" + c + "-object" + o;
                bodies[c][o] = ConfigMaps.body(names[c][o]);
            }
        }
        try (ThroughputTarget.Running running = target.start();
             HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                     .connectTimeout(Duration.ofSeconds(10)).build()) {
            URI collection = running.baseUri().resolve("/api/v1/namespaces/" + NAMESPACE + "/configmaps");
            PhaseResult create = runPhase(target, "create", objectsPerClient, (client, object) -> HttpRequest.newBuilder(collection)
                    .timeout(REQUEST_TIMEOUT)
                    .header("Content-Type", "application/json")
                    .header("Accept", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[client][object]))
                    .build(), 201, http);
            PhaseResult get = runPhase(target, "get", objectsPerClient, (client, object) -> HttpRequest.newBuilder(
                            URI.create(collection + "/" + names[client][object]))
                    .timeout(REQUEST_TIMEOUT)
                    .header("Accept", "application/json")
                    .GET()
                    .build(), 200, http);
            return new RoundResult(create, get);
        }
    }

    @FunctionalInterface
    private interface RequestFactory {
        HttpRequest request(int client, int object);
    }

    /**
     * Runs {@code clients} platform threads released together; each sends its requests one after
     * another and records their latencies. The phase's throughput is its request count over the
     * time from the release to the last thread's end.
     */
    private PhaseResult runPhase(ThroughputTarget target, String phase, int objectsPerClient,
                                 RequestFactory requests, int expectedStatus,
                                 HttpClient http) throws InterruptedException {
        CountDownLatch ready = new CountDownLatch(clients);
        CountDownLatch go = new CountDownLatch(1);
        Latencies[] perClient = new Latencies[clients];
        AtomicReference<String> failure = new AtomicReference<>();
        List<Thread> threads = new ArrayList<>(clients);
        for (int c = 0; c < clients; c++) {
            int client = c;
            perClient[c] = new Latencies(objectsPerClient);
            threads.add(Thread.ofPlatform().name("throughput-client-" + c).start(() -> {
                ready.countDown();
                try {
                    go.await();
                    for (int o = 0; o < objectsPerClient && failure.get() == null; o++) {
                        HttpRequest request = requests.request(client, o);
                        long start = System.nanoTime();
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        perClient[client].record(System.nanoTime() - start);
                        if (response.statusCode() != expectedStatus) {
                            failure.compareAndSet(null, target.label() + " " + phase + " " + request.uri()
                                    + " answered " + response.statusCode() + ": " + new String(response.body()));
                        }
                    }
                } catch (Exception e) {
                    failure.compareAndSet(null, target.label() + " " + phase + " failed: " + e);
                }
            }));
        }
        ready.await();
        long started = System.nanoTime();
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        long elapsed = System.nanoTime() - started;
        if (failure.get() != null) {
            throw new IllegalStateException(failure.get());
        }
        Latencies all = new Latencies(clients * objectsPerClient);
        for (Latencies l : perClient) {
            all.addAll(l);
        }
        return new PhaseResult(all.count() / (elapsed / 1e9), all);
    }

    private static double round2(double value) {
        return Math.round(value * 100) / 100.0;
    }

    private record PhaseResult(double opsPerSecond, Latencies latencies) {}

    private record RoundResult(PhaseResult create, PhaseResult get) {}
}
