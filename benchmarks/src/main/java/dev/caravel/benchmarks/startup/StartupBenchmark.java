package dev.caravel.benchmarks.startup;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.http.HttpServer;
import dev.caravel.apiserver.http.RequestPipeline;
import dev.caravel.apiserver.protobuf.ProtobufDecoder;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * How fast Caravel is ready, each repetition in a fresh JVM (a warm JVM would hide class loading,
 * which is most of the cost):
 *
 * <ul>
 *   <li><b>inProcess</b>: a child JVM on this classpath, from its {@code main} entry: open a
 *       {@link MemoryStore}, start a {@link CaravelServer} on a free port, first {@code GET /version}
 *       answered. What a JUnit test using the testing module waits for. Target: 300 ms.
 *       {@code fromSpawnMs} adds the JVM's own boot, as the parent saw it.</li>
 *   <li><b>inProcessPhases</b>: the same, split by loading the server's parts one by one first
 *       (schema catalogue, resource catalogue, validators), so the report can say where the time
 *       goes without touching the server.</li>
 *   <li><b>packaged</b>: {@code java -jar cli/target/caravel.jar serve --port 0} on an empty data
 *       directory (RocksDB), from process spawn to {@code /readyz} answering {@code ok}. Target: 2 s.</li>
 * </ul>
 *
 * Prints one JSON object: p50, min and max of each measure, and the samples. Arguments:
 * {@code [--repetitions N] [--jar PATH]}; a missing jar skips the packaged measure with a note
 * (build it with {@code mvn -B -q -DskipTests package -pl cli -am}).
 */
public final class StartupBenchmark {

    private static final String CHILD_IN_PROCESS = "--child-in-process";
    private static final String CHILD_PHASES = "--child-phases";
    private static final Pattern READY_LINE = Pattern.compile("API server at (http://[^\\s,]+)");

    private StartupBenchmark() {}

    public static void main(String[] args) throws Exception {
        // The child's clock starts here, before anything of Caravel is loaded.
        long mainEntry = System.nanoTime();
        if (args.length > 0 && args[0].equals(CHILD_IN_PROCESS)) {
            childInProcess(mainEntry);
            return;
        }
        if (args.length > 0 && args[0].equals(CHILD_PHASES)) {
            childPhases(mainEntry);
            return;
        }
        int repetitions = 7;
        Path jar = Path.of("cli/target/caravel.jar");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--repetitions" -> repetitions = Integer.parseInt(args[++i]);
                case "--jar" -> jar = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--repetitions N] [--jar PATH]");
            }
        }
        new StartupBenchmark().run(repetitions, jar);
    }

    private void run(int repetitions, Path jar) throws Exception {
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode result = mapper.createObjectNode();
        result.put("benchmark", "startup");
        result.put("date", Instant.now().toString());
        result.put("java", Runtime.version().toString());
        result.put("cpus", Runtime.getRuntime().availableProcessors());
        result.put("repetitions", repetitions);
        result.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

        Map<String, List<Double>> inProcess = new LinkedHashMap<>();
        Map<String, List<Double>> phases = new LinkedHashMap<>();
        for (int i = 0; i < repetitions; i++) {
            System.err.printf("startup: in-process %d/%d%n", i + 1, repetitions);
            collect(inProcess, runChild(mapper, CHILD_IN_PROCESS, List.of()));
        }
        for (int i = 0; i < repetitions; i++) {
            System.err.printf("startup: in-process phases %d/%d%n", i + 1, repetitions);
            collect(phases, runChild(mapper, CHILD_PHASES, List.of()));
        }
        result.set("inProcess", summary(mapper, inProcess, "fromMainMs", 300));
        result.set("inProcessPhases", summary(mapper, phases, null, 0));
        result.set("inProcessWithAotCache", aotCache(mapper, repetitions));

        if (Files.isRegularFile(jar)) {
            Map<String, List<Double>> packaged = new LinkedHashMap<>();
            for (int i = 0; i < repetitions; i++) {
                System.err.printf("startup: packaged %d/%d%n", i + 1, repetitions);
                packaged.computeIfAbsent("spawnToReadyMs", k -> new ArrayList<>()).add(packagedToReady(jar));
            }
            result.set("packaged", summary(mapper, packaged, "spawnToReadyMs", 2000));
        } else {
            result.put("packaged", "skipped: " + jar + " is missing; build it with mvn -B -q -DskipTests package -pl cli -am");
        }
        result.put("loadAverageAtEnd", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    /**
     * The in-process measure again with JDK 25's ahead-of-time cache (JEP 483 and 514): one training
     * run writes the cache of the classes the start loads and links, already parsed and verified;
     * the measured runs map it. A user gets the same by adding {@code -XX:AOTCacheOutput} once and
     * {@code -XX:AOTCache} after to the test JVM's arguments (Surefire's argLine). Skipped on older JDKs.
     */
    private static com.fasterxml.jackson.databind.JsonNode aotCache(ObjectMapper mapper, int repetitions) throws Exception {
        if (Runtime.version().feature() < 25) {
            return mapper.getNodeFactory().textNode("skipped: the AOT cache's one-step training needs JDK 25 or newer");
        }
        // The cache accepts only jars on the class path, not class directories: the benchmarks
        // module's own classes go in as its jar (built by the package phase beside target/classes).
        Path classes = Path.of(StartupBenchmark.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Path moduleJar;
        try (Stream<Path> built = Files.list(classes.getParent())) {
            moduleJar = built.filter(p -> p.getFileName().toString().matches("caravel-benchmarks-.*\\.jar"))
                    .findFirst().orElse(null);
        }
        if (!Files.isDirectory(classes) || moduleJar == null) {
            return mapper.getNodeFactory().textNode("skipped: the benchmarks jar is missing beside " + classes);
        }
        List<String> entries = new ArrayList<>();
        for (String entry : System.getProperty("java.class.path").split(java.io.File.pathSeparator)) {
            entries.add(Files.isDirectory(Path.of(entry)) && Path.of(entry).toAbsolutePath().equals(classes.toAbsolutePath())
                    ? moduleJar.toString() : entry);
        }
        String jarsOnly = String.join(java.io.File.pathSeparator, entries);
        Path cache = Files.createTempFile("caravel-startup-", ".aot");
        Files.delete(cache);
        try {
            System.err.println("startup: in-process, AOT cache training run");
            runChild(mapper, CHILD_IN_PROCESS, List.of("-XX:AOTCacheOutput=" + cache, "-cp", jarsOnly));
            if (!Files.isRegularFile(cache)) {
                return mapper.getNodeFactory().textNode("skipped: the training run wrote no AOT cache");
            }
            Map<String, List<Double>> measured = new LinkedHashMap<>();
            for (int i = 0; i < repetitions; i++) {
                System.err.printf("startup: in-process with the AOT cache %d/%d%n", i + 1, repetitions);
                collect(measured, runChild(mapper, CHILD_IN_PROCESS, List.of("-XX:AOTCache=" + cache, "-cp", jarsOnly)));
            }
            return summary(mapper, measured, "fromMainMs", 300);
        } finally {
            Files.deleteIfExists(cache);
        }
    }

    /** Runs one child JVM on this JVM's binary and classpath; returns its figures plus the spawn-to-answer time. */
    private static Map<String, Double> runChild(ObjectMapper mapper, String mode, List<String> jvmOptions) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>();
        command.add(java);
        command.addAll(jvmOptions);
        if (!jvmOptions.contains("-cp")) {
            command.addAll(List.of("-cp", System.getProperty("java.class.path")));
        }
        command.addAll(List.of(StartupBenchmark.class.getName(), mode));
        long spawned = System.nanoTime();
        Process child = new ProcessBuilder(command)
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        Map<String, Double> figures = new LinkedHashMap<>();
        try (BufferedReader out = child.inputReader(StandardCharsets.UTF_8)) {
            // The JVM itself may print to stdout first (the AOT cache's messages): skip to the figures.
            String line = out.readLine();
            while (line != null && !line.startsWith("{")) {
                System.err.println("startup: child JVM said: " + line);
                line = out.readLine();
            }
            long answered = System.nanoTime();
            if (line == null) {
                throw new IllegalStateException("the child JVM (" + mode + ") printed no figures; exit " + child.waitFor());
            }
            mapper.readTree(line).properties().forEach(e -> figures.put(e.getKey(), e.getValue().asDouble()));
            figures.put("fromSpawnMs", millis(answered - spawned));
        }
        if (!child.waitFor(30, TimeUnit.SECONDS)) {
            child.destroyForcibly();
        }
        return figures;
    }

    private static void childInProcess(long mainEntry) throws Exception {
        KeyValueStore store = MemoryStore.open();
        long storeOpen = System.nanoTime();
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        InetSocketAddress address = server.start();
        long started = System.nanoTime();
        requireOk(get(address, "/version"), "/version");
        long answered = System.nanoTime();
        System.out.printf("{\"fromMainMs\":%.1f,\"storeMs\":%.1f,\"serverStartMs\":%.1f,\"firstRequestMs\":%.1f}%n",
                millis(answered - mainEntry), millis(storeOpen - mainEntry), millis(started - storeOpen),
                millis(answered - started));
        System.out.flush();
        server.close();
        store.close();
    }

    /**
     * Loads what {@link CaravelServer#start()} loads, one part at a time: logging, the schema and
     * resource catalogues, validators, the protobuf decoder, Netty (a bare HTTP server bound and
     * closed); what remains in serverStartRestMs is the registry, the system namespaces and the
     * discovery and OpenAPI documents. The parts built here are thrown away (the schema catalogue
     * is a JVM-wide singleton, so the server reuses that one): the sum of the phases is a little
     * more than inProcess's fromMainMs.
     */
    private static void childPhases(long mainEntry) throws Exception {
        long t0 = System.nanoTime();
        LoggerFactory.getLogger(StartupBenchmark.class).debug("startup: phases");
        long logging = System.nanoTime();
        SchemaCatalogue schemaCatalogue = SchemaCatalogue.kubernetes();
        long schemas = System.nanoTime();
        ResourceCatalogue.builtIn();
        long resources = System.nanoTime();
        ObjectValidator.kubernetes();
        long validators = System.nanoTime();
        ProtobufDecoder.forBuiltInTypes(schemaCatalogue);
        long protobuf = System.nanoTime();
        try (HttpServer bare = new HttpServer(RequestPipeline.of((request, next) -> {
            throw StatusException.serviceUnavailable("startup benchmark");
        }))) {
            bare.start("127.0.0.1", 0);
        }
        long netty = System.nanoTime();
        KeyValueStore store = MemoryStore.open();
        long storeOpen = System.nanoTime();
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        InetSocketAddress address = server.start();
        long started = System.nanoTime();
        requireOk(get(address, "/version"), "/version");
        long answered = System.nanoTime();
        int classes = ManagementFactory.getClassLoadingMXBean().getLoadedClassCount();
        System.out.printf("{\"fromMainMs\":%.1f,\"loggingMs\":%.1f,\"schemaCatalogueMs\":%.1f,"
                        + "\"resourceCatalogueMs\":%.1f,\"validatorsMs\":%.1f,\"protobufDecoderMs\":%.1f,"
                        + "\"nettyBindMs\":%.1f,\"storeMs\":%.1f,\"serverStartRestMs\":%.1f,\"firstRequestMs\":%.1f,"
                        + "\"loadedClasses\":%d}%n",
                millis(answered - mainEntry), millis(logging - t0), millis(schemas - logging),
                millis(resources - schemas), millis(validators - resources), millis(protobuf - validators),
                millis(netty - protobuf), millis(storeOpen - netty), millis(started - storeOpen),
                millis(answered - started), classes);
        System.out.flush();
        server.close();
        store.close();
    }

    /** The packaged server, spawn to /readyz ok. Its URL is read from the line it prints once bound. */
    private static double packagedToReady(Path jar) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path dataDir = Files.createTempDirectory("caravel-startup-");
        // The server's log goes beside the data directory, not in it: kept when a run fails.
        Path log = Files.createTempFile("caravel-startup-", ".log");
        long spawned = System.nanoTime();
        Process server = new ProcessBuilder(java, "--enable-native-access=ALL-UNNAMED", "-jar", jar.toString(),
                "serve", "--data-dir", dataDir.toString(), "--port", "0")
                .redirectError(log.toFile())
                .start();
        try (BufferedReader out = server.inputReader(StandardCharsets.UTF_8)) {
            InetSocketAddress address = null;
            for (String line; address == null && (line = out.readLine()) != null; ) {
                Matcher m = READY_LINE.matcher(line);
                if (m.find()) {
                    URI uri = URI.create(m.group(1));
                    address = new InetSocketAddress(uri.getHost(), uri.getPort());
                }
            }
            if (address == null) {
                throw new IllegalStateException("the packaged server exited without printing its URL; see "
                        + log);
            }
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                try {
                    if (get(address, "/readyz").endsWith("ok")) {
                        double ready = millis(System.nanoTime() - spawned);
                        Files.deleteIfExists(log);
                        return ready;
                    }
                } catch (IOException notYet) {
                    // Bound but not accepting yet: poll again.
                }
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("/readyz never answered ok");
                }
                Thread.sleep(2);
            }
        } finally {
            server.destroy();
            if (!server.waitFor(20, TimeUnit.SECONDS)) {
                server.destroyForcibly().waitFor();
            }
            deleteTree(dataDir);
        }
    }

    /**
     * A bare HTTP/1.1 GET on a socket, so the measure is the server's and not an HTTP client's
     * class loading. Returns the status line and body joined by a space, e.g. {@code "HTTP/1.1 200 OK ok"}.
     */
    private static String get(InetSocketAddress address, String path) throws IOException {
        try (Socket socket = new Socket(address.getAddress(), address.getPort())) {
            OutputStream out = socket.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: " + address.getHostString() + ":" + address.getPort()
                    + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = socket.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int headersEnd = response.indexOf("\r\n\r\n");
            String statusLine = response.substring(0, Math.max(0, response.indexOf("\r\n")));
            String body = headersEnd < 0 ? "" : response.substring(headersEnd + 4).strip();
            return statusLine + " " + body;
        }
    }

    private static void requireOk(String response, String path) {
        if (!response.startsWith("HTTP/1.1 200")) {
            throw new IllegalStateException(path + " answered " + response);
        }
    }

    private static void collect(Map<String, List<Double>> into, Map<String, Double> figures) {
        figures.forEach((k, v) -> into.computeIfAbsent(k, x -> new ArrayList<>()).add(v));
    }

    private static ObjectNode summary(ObjectMapper mapper, Map<String, List<Double>> measures, String targeted, double targetMs) {
        ObjectNode node = mapper.createObjectNode();
        measures.forEach((name, samples) -> {
            List<Double> sorted = samples.stream().sorted(Comparator.naturalOrder()).toList();
            ObjectNode m = node.putObject(name);
            m.put("p50", round(sorted.get((sorted.size() - 1) / 2)));
            m.put("min", round(sorted.getFirst()));
            m.put("max", round(sorted.getLast()));
            ArrayNode all = m.putArray("samples");
            samples.forEach(s -> all.add(round(s)));
            if (name.equals(targeted)) {
                m.put("targetMs", targetMs);
                m.put("metTarget", sorted.get((sorted.size() - 1) / 2) <= targetMs);
            }
        });
        return node;
    }

    private static double round(double value) {
        return Math.round(value * 10) / 10.0;
    }

    private static double millis(long nanos) {
        return nanos / 1e6;
    }

    private static void deleteTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
