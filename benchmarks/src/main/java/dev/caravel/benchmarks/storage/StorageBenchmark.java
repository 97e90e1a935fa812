package dev.caravel.benchmarks.storage;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.etcd.EtcdProcess;
import dev.caravel.storage.etcd.EtcdStore;
import dev.caravel.storage.rocksdb.RocksDbStore;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Runs the storage workloads on the embedded RocksDB store and on a real etcd, in one run on this
 * machine, and prints both with their ratios as JSON. Both stores keep their data in temporary
 * folders on the same disk and sync every acknowledged write.
 *
 * <p>Usage: {@code ./scripts/benchmark storage [--quick] [--output FILE]} (see docs/benchmarks.md).
 */
public final class StorageBenchmark {

    /** Sizes of one run; {@code --quick} shrinks them for a smoke test of the benchmark itself. */
    record Sizes(int sequentialPuts, int concurrentWriters, int concurrentPuts, int rangeKeys, int rangeRepeats,
                 int countKeys, int countRepeats, int watchWriters, int watchEvents, int valueBytes) {
        static Sizes full() {
            return new Sizes(3_000, 64, 30_000, 50_000, 10, 10_000, 50, 8, 20_000, 4096);
        }

        static Sizes quick() {
            return new Sizes(300, 64, 3_000, 5_000, 2, 1_000, 3, 4, 2_000, 4096);
        }
    }

    public static void main(String[] args) throws Exception {
        Sizes sizes = Sizes.full();
        Path output = null;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--quick" -> sizes = Sizes.quick();
                case "--output" -> output = Path.of(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i] + "; use [--quick] [--output FILE]");
            }
        }
        ObjectMapper mapper = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
        ObjectNode report = mapper.createObjectNode();
        report.put("benchmark", "storage");
        report.put("date", Instant.now().toString());
        report.put("cores", Runtime.getRuntime().availableProcessors());
        report.put("max_heap_mb", Runtime.getRuntime().maxMemory() >> 20);
        report.put("value_bytes", sizes.valueBytes());

        Path root = Files.createTempDirectory("caravel-storage-bench");
        try {
            ObjectNode embedded;
            ObjectNode etcd;
            progress("embedded RocksDB store in " + root.resolve("rocksdb"));
            try (KeyValueStore store = RocksDbStore.open(root.resolve("rocksdb"))) {
                embedded = runAll(store, sizes);
                embedded.put("disk_bytes_after", folderSize(root.resolve("rocksdb")));
            }
            try (EtcdProcess process = EtcdProcess.start();
                 KeyValueStore store = EtcdStore.connect(List.of(process.clientEndpoint()))) {
                String version = EtcdProcess.binaryVersion();
                progress("etcd " + version + " at " + process.clientEndpoint() + ", data in " + process.folder());
                report.put("etcd_version", version);
                etcd = runAll(store, sizes);
                etcd.put("disk_bytes_after", folderSize(process.folder()));
            }
            report.set("embedded", embedded);
            report.set("etcd", etcd);
            report.set("ratios", ratios(embedded, etcd));
        } finally {
            deleteRecursively(root);
        }
        String json = mapper.writeValueAsString(report);
        System.out.println(json);
        if (output != null) {
            Files.writeString(output, json + System.lineSeparator());
            progress("wrote " + output.toAbsolutePath());
        }
    }

    private static ObjectNode runAll(KeyValueStore store, Sizes sizes) throws Exception {
        ObjectNode results = new ObjectMapper().createObjectNode();
        StorageWorkloads warmup = new StorageWorkloads(store, "/warmup/");
        warmup.sequentialPuts(200, sizes.valueBytes());
        warmup.concurrentPuts(sizes.concurrentWriters(), 1_000, sizes.valueBytes());

        StorageWorkloads workloads = new StorageWorkloads(store, "/bench/");
        progress("  sequential durable puts: " + sizes.sequentialPuts());
        results.set("sequential_puts", workloads.sequentialPuts(sizes.sequentialPuts(), sizes.valueBytes()));
        progress("  concurrent durable puts: " + sizes.concurrentPuts() + " from " + sizes.concurrentWriters() + " writers");
        results.set("concurrent_puts", workloads.concurrentPuts(sizes.concurrentWriters(), sizes.concurrentPuts(), sizes.valueBytes()));
        progress("  loading " + sizes.rangeKeys() + " keys for the range");
        workloads.load("range/", sizes.rangeKeys(), sizes.valueBytes());
        progress("  range of " + sizes.rangeKeys() + " keys");
        results.set("range", workloads.rangeAll("range/", sizes.rangeKeys(), sizes.rangeRepeats(), false));
        progress("  loading " + sizes.countKeys() + " keys for count only");
        workloads.load("count/", sizes.countKeys(), 256);
        results.set("count_only", workloads.rangeAll("count/", sizes.countKeys(), sizes.countRepeats(), true));
        progress("  watch throughput: " + sizes.watchEvents() + " events from " + sizes.watchWriters() + " writers");
        results.set("watch", workloads.watchThroughput(sizes.watchWriters(), sizes.watchEvents(), sizes.valueBytes()));
        return results;
    }

    /** Embedded over etcd: above 1 means the embedded store is better (throughput up, latency down). */
    private static ObjectNode ratios(ObjectNode embedded, ObjectNode etcd) {
        ObjectNode ratios = new ObjectMapper().createObjectNode();
        ratios.put("sequential_puts_throughput", ratio(embedded, etcd, "sequential_puts", "ops_per_s"));
        ratios.put("sequential_puts_p99_latency", inverse(embedded, etcd, "sequential_puts", "p99_ms"));
        ratios.put("concurrent_puts_throughput", ratio(embedded, etcd, "concurrent_puts", "ops_per_s"));
        ratios.put("concurrent_puts_p99_latency", inverse(embedded, etcd, "concurrent_puts", "p99_ms"));
        ratios.put("range_speed", inverse(embedded, etcd, "range", "p50_ms"));
        ratios.put("count_only_speed", inverse(embedded, etcd, "count_only", "p50_ms"));
        ratios.put("watch_throughput", ratio(embedded, etcd, "watch", "events_per_s"));
        ratios.put("watch_delivery_p99_latency", inverse(embedded, etcd, "watch", "delivery_p99_ms"));
        return ratios;
    }

    private static double ratio(ObjectNode a, ObjectNode b, String workload, String field) {
        return a.path(workload).path(field).asDouble() / b.path(workload).path(field).asDouble();
    }

    private static double inverse(ObjectNode a, ObjectNode b, String workload, String field) {
        return b.path(workload).path(field).asDouble() / a.path(workload).path(field).asDouble();
    }

    private static void progress(String message) {
        System.err.println("storage-benchmark: " + message);
    }

    private static long folderSize(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private static void deleteRecursively(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }
}
