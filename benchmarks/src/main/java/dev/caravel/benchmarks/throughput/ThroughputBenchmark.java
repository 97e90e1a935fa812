package dev.caravel.benchmarks.throughput;

import dev.caravel.benchmarks.common.Latencies;
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
 * cannot win by failing fast. All targets are driven by the same client code and the same request
 * bytes: by default one HTTP/1.1 keep-alive connection per client thread on a blocking socket
 * ({@link KeepAliveConnection}, the lightest client, so the servers and not the client use the
 * machine), or with {@code --client jdk} one shared {@code java.net.http} client. One untimed warm-up round per target first (at least 50 objects
 * per client) lets the JIT compile both servers' request paths.
 *
 * <p>The mock keeps its objects in a map it scans on every request, so its throughput falls as a
 * round's objects accumulate; Caravel's does not. The ratio therefore depends on {@code --objects}:
 * docs/benchmarks.md reports a small and a large setting.
 *
 * <p>Prints one JSON object: per target and phase, each round's ops/s and the pooled p50/p99;
 * the median of the rounds' ops/s; and Caravel's ratios to the mock. Arguments:
 * {@code [--clients N] [--objects N] [--rounds N] [--targets a,b] [--client keep-alive|jdk] [--quick]}.
 */
public final class ThroughputBenchmark {

    private static final String NAMESPACE = "default";
    private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(60);
    private static final int MIN_WARMUP_OBJECTS_PER_CLIENT = 50;

    private final int clients;
    private final int objectsPerClient;
    private final int rounds;
    private final List<ThroughputTarget> targets;
    private final Client client;

    /** The HTTP client code driving both servers. */
    enum Client {
        /** {@link KeepAliveConnection}: one blocking keep-alive socket per client thread (the default). */
        KEEP_ALIVE,
        /** One shared {@code java.net.http.HttpClient}: heavier, so more of the machine goes to the client. */
        JDK
    }

    private ThroughputBenchmark(int clients, int objectsPerClient, int rounds, List<ThroughputTarget> targets,
                                Client client) {
        this.client = client;
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
        Client client = Client.KEEP_ALIVE;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--objects" -> objects = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--targets" -> targets = parseTargets(args[++i]);
                case "--client" -> client = switch (args[++i]) {
                    case "keep-alive" -> Client.KEEP_ALIVE;
                    case "jdk" -> Client.JDK;
                    default -> throw new IllegalArgumentException("--client is keep-alive or jdk, not " + args[i]);
                };
                case "--quick" -> {
                    objects = 10;
                    rounds = 1;
                }
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--clients N] [--objects N] [--rounds N] [--targets caravel-memory,caravel-rocksdb,fabric8-mock] [--client keep-alive|jdk] [--quick]");
            }
        }
        new ThroughputBenchmark(clients, objects, rounds, targets, client).run();
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
        result.put("httpClient", client.name().toLowerCase(java.util.Locale.ROOT).replace('_', '-'));
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
        String collection = "/api/v1/namespaces/" + NAMESPACE + "/configmaps";
        try (ThroughputTarget.Running running = target.start()) {
            return switch (client) {
                case KEEP_ALIVE -> keepAliveRound(target, running.baseUri(), collection, names, bodies, objectsPerClient);
                case JDK -> jdkRound(target, running.baseUri(), collection, names, bodies, objectsPerClient);
            };
        }
    }

    /** One keep-alive connection per client thread, opened before the clock starts and kept for both phases. */
    private RoundResult keepAliveRound(ThroughputTarget target, URI base, String collection, String[][] names,
                                       byte[][][] bodies, int objectsPerClient) throws Exception {
        KeepAliveConnection[] connections = new KeepAliveConnection[clients];
        byte[][][] creates = new byte[clients][objectsPerClient][];
        byte[][][] gets = new byte[clients][objectsPerClient][];
        try {
            for (int c = 0; c < clients; c++) {
                connections[c] = new KeepAliveConnection(base);
                for (int o = 0; o < objectsPerClient; o++) {
                    creates[c][o] = connections[c].post(collection, bodies[c][o]);
                    gets[c][o] = connections[c].get(collection + "/" + names[c][o]);
                }
            }
            PhaseResult create = runPhase(target, "create", objectsPerClient, 201, (c, o) -> {
                KeepAliveConnection.Response r = connections[c].send(creates[c][o]);
                return new Answer(r.status(), r.body());
            });
            PhaseResult get = runPhase(target, "get", objectsPerClient, 200, (c, o) -> {
                KeepAliveConnection.Response r = connections[c].send(gets[c][o]);
                return new Answer(r.status(), r.body());
            });
            return new RoundResult(create, get);
        } finally {
            for (KeepAliveConnection connection : connections) {
                if (connection != null) {
                    connection.close();
                }
            }
        }
    }

    /** One java.net.http client for all threads, with its own pool of HTTP/1.1 connections. */
    private RoundResult jdkRound(ThroughputTarget target, URI base, String collection, String[][] names,
                                 byte[][][] bodies, int objectsPerClient) throws Exception {
        try (HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10)).build()) {
            URI collectionUri = base.resolve(collection);
            PhaseResult create = runPhase(target, "create", objectsPerClient, 201, (c, o) -> {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(collectionUri)
                        .timeout(REQUEST_TIMEOUT)
                        .header("Content-Type", "application/json")
                        .header("Accept", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(bodies[c][o]))
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Answer(r.statusCode(), r.body());
            });
            PhaseResult get = runPhase(target, "get", objectsPerClient, 200, (c, o) -> {
                HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(collectionUri + "/" + names[c][o]))
                        .timeout(REQUEST_TIMEOUT)
                        .header("Accept", "application/json")
                        .GET()
                        .build(), HttpResponse.BodyHandlers.ofByteArray());
                return new Answer(r.statusCode(), r.body());
            });
            return new RoundResult(create, get);
        }
    }

    /** The answer to one request. */
    private record Answer(int status, byte[] body) {}

    /** Sends client {@code client}'s request for its object {@code object} and waits for the answer. */
    @FunctionalInterface
    private interface Exchange {
        Answer send(int client, int object) throws Exception;
    }

    /**
     * Runs {@code clients} platform threads released together; each sends its requests one after
     * another and records their latencies. The phase's throughput is its request count over the
     * time from the release to the last thread's end.
     */
    private PhaseResult runPhase(ThroughputTarget target, String phase, int objectsPerClient, int expectedStatus,
                                 Exchange exchange) throws InterruptedException {
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
                        long start = System.nanoTime();
                        Answer answer = exchange.send(client, o);
                        perClient[client].record(System.nanoTime() - start);
                        if (answer.status() != expectedStatus) {
                            failure.compareAndSet(null, target.label() + " " + phase + " of client " + client
                                    + "'s object " + o + " answered " + answer.status() + ": "
                                    + new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
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
