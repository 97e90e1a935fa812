package dev.caravel.benchmarks.audit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.AuditPolicy;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * The API server's request throughput with auditing at level Metadata to a log file (default
 * settings: blocking mode) against auditing off, side by side in one run (issue 6, item 5: at most
 * 10% slower).
 *
 * <p>Two servers on memory stores in this JVM, one auditing and one not. Rounds alternate between
 * them in ABBA order (off, audited, audited, off, ...), so that a steady drift in the shared
 * machine's load or the JIT's warm-up falls equally on both; the first {@code warmup} rounds of
 * each are not counted. In a round, {@code clients}
 * threads each create a ConfigMap and read it back, over and over, for a fixed time; throughput is
 * the requests answered per second. The result compares the medians. Client and server share the
 * machine's cores, as they do in the project's tests.
 *
 * <pre>
 * java -cp CLASSPATH dev.caravel.benchmarks.audit.AuditOverheadBenchmark [--clients 32] [--rounds 5] [--seconds 5] [--warmup 2]
 * </pre>
 */
public final class AuditOverheadBenchmark {

    private AuditOverheadBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 32;
        int rounds = 5;
        int seconds = 5;
        int warmup = 2;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--seconds" -> seconds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> {
                    System.err.println("usage: AuditOverheadBenchmark [--clients N] [--rounds N] [--seconds N] [--warmup N]");
                    System.exit(2);
                }
            }
        }
        Path dir = Files.createTempDirectory("caravel-audit-overhead");
        Path log = dir.resolve("audit.log");
        KeyValueStore offStore = MemoryStore.open();
        KeyValueStore auditedStore = MemoryStore.open();
        CaravelServer off = new CaravelServer(CaravelServer.Config.loopback(0, offStore));
        CaravelServer audited = new CaravelServer(CaravelServer.Config.loopback(0, auditedStore).withAudit(
                AuditConfig.of(AuditPolicy.everything(AuditLevel.METADATA), AuditConfig.LogFile.withDefaults(log.toString()))));
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode result = mapper.createObjectNode();
        try {
            off.start();
            audited.start();
            result.put("benchmark", "audit-overhead");
            result.put("date", Instant.now().toString());
            ObjectNode machine = result.putObject("machine");
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            machine.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
            ObjectNode settings = result.putObject("settings");
            settings.put("clients", clients);
            settings.put("roundsPerMode", rounds);
            settings.put("secondsPerRound", seconds);
            settings.put("warmupRoundsPerMode", warmup);
            settings.put("order", "ABBA: off, audited, audited, off, ...");
            settings.put("workload", "each client: create a ConfigMap, get it; repeat");
            settings.put("audit", "policy: one rule, level Metadata; log file backend, blocking mode, default buffer");

            double[] offRates = new double[rounds];
            double[] auditedRates = new double[rounds];
            AtomicLong names = new AtomicLong();
            for (int w = 0; w < warmup; w++) {
                round(off.url(), clients, seconds, names);
                round(audited.url(), clients, seconds, names);
            }
            for (int r = 0; r < rounds; r++) {
                if (r % 2 == 0) {
                    offRates[r] = round(off.url(), clients, seconds, names);
                    auditedRates[r] = round(audited.url(), clients, seconds, names);
                } else {
                    auditedRates[r] = round(audited.url(), clients, seconds, names);
                    offRates[r] = round(off.url(), clients, seconds, names);
                }
                System.err.printf("round %d: off %.0f req/s, audited %.0f req/s%n", r + 1, offRates[r], auditedRates[r]);
            }
            double offMedian = median(offRates);
            double auditedMedian = median(auditedRates);
            result.set("off", rates(mapper, offRates, offMedian));
            result.set("metadata", rates(mapper, auditedRates, auditedMedian));
            double slower = (offMedian - auditedMedian) / offMedian * 100;
            result.put("auditedSlowerPercent", Math.round(slower * 10) / 10.0);
            double offTotal = Arrays.stream(offRates).sum();
            double auditedTotal = Arrays.stream(auditedRates).sum();
            result.put("auditedSlowerPercentOfSums", Math.round((offTotal - auditedTotal) / offTotal * 1000) / 10.0);
            result.put("target", "auditedSlowerPercent <= 10");
            result.put("targetMet", slower <= 10);
        } finally {
            off.close();
            audited.close();   // flushes the log
            offStore.close();
            auditedStore.close();
        }
        // The log and its rotated backups (100 MB each by default).
        long lines = 0;
        long bytes = 0;
        List<Path> files;
        try (Stream<Path> listed = Files.list(dir)) {
            files = listed.toList();
        }
        for (Path file : files) {
            try (Stream<String> all = Files.lines(file)) {
                lines += all.count();
            }
            bytes += Files.size(file);
        }
        ObjectNode written = result.putObject("auditLog");
        written.put("files", files.size());
        written.put("events", lines);
        written.put("bytes", bytes);
        written.put("meanEventBytes", lines == 0 ? 0 : bytes / lines);
        for (Path file : files) {
            Files.delete(file);
        }
        Files.delete(dir);
        System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
    }

    /** One round against {@code url}: requests answered per second. Every answer must be the expected 201 or 200. */
    static double round(String url, int clients, int seconds, AtomicLong names) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
        AtomicLong answered = new AtomicLong();
        long start = System.nanoTime();
        try (ExecutorService pool = Executors.newFixedThreadPool(clients)) {
            List<Future<?>> running = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                running.add(pool.submit(() -> {
                    while (System.nanoTime() < deadline) {
                        String name = "cm-" + names.incrementAndGet();
                        expect(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces/default/configmaps"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString("{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\","
                                        + "\"metadata\":{\"name\":\"" + name + "\"},\"data\":{\"k\":\"v\"}}"))
                                .build(), 201);
                        expect(http, HttpRequest.newBuilder(URI.create(url + "/api/v1/namespaces/default/configmaps/" + name))
                                .GET().build(), 200);
                        answered.addAndGet(2);
                    }
                    return null;
                }));
            }
            for (Future<?> f : running) {
                f.get();
            }
        }
        http.close();
        return answered.get() / ((System.nanoTime() - start) / 1e9);
    }

    private static void expect(HttpClient http, HttpRequest request, int code) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() != code) {
            throw new IllegalStateException(request.method() + " " + request.uri() + " answered " + response.statusCode()
                    + ": " + new String(response.body()));
        }
    }

    private static ObjectNode rates(ObjectMapper mapper, double[] rates, double median) {
        ObjectNode node = mapper.createObjectNode();
        node.put("medianRequestsPerSecond", Math.round(median));
        ArrayNode all = node.putArray("roundsRequestsPerSecond");
        for (double r : rates) {
            all.add(Math.round(r));
        }
        return node;
    }

    static double median(double[] values) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }
}
