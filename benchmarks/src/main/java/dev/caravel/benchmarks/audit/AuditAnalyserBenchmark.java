package dev.caravel.benchmarks.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.audit.synthetic.SyntheticAuditLog;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The audit analyser against jq, side by side in one run, on the same generated log (issue 6,
 * item 5: at least 5x jq's throughput, heap at most 512 MB).
 *
 * <p>Writes a realistic Metadata-level log of the requested size (default 1 GiB) into a temporary
 * folder, runs the analyser in a child JVM with -Xmx512m, then jq computing the same per-user
 * summed query time (ResponseComplete and Panic events, long-running requests left out), checks
 * that the two agree, prints one JSON object, and deletes the log.
 *
 * <pre>
 * java -cp CLASSPATH dev.caravel.benchmarks.audit.AuditAnalyserBenchmark [--size-mb 1024] [--jq /usr/bin/jq] [--dir DIR] [--keep]
 * </pre>
 */
public final class AuditAnalyserBenchmark {

    /**
     * jq 1.6 program: per-user summed query time in microseconds. MicroTime has six fraction
     * digits; jq's date functions take whole seconds, so the fraction is added apart. The
     * long-running rule is the analyser's (see LongRunningRequests).
     */
    static final String JQ_PROGRAM = """
            def micros: (.[0:19] + "Z" | fromdateiso8601) * 1000000 + (.[20:26] | tonumber);
            def longrunning:
              .verb == "watch" or .verb == "proxy"
              or ((.objectRef.subresource // "") as $s
                  | $s == "attach" or $s == "exec" or $s == "portforward" or $s == "proxy"
                    or ($s == "log" and ((.requestURI // "") | test("[?&]follow=(true|1)(&|$)"))));
            reduce (inputs | select((.stage == "ResponseComplete" or .stage == "Panic") and (longrunning | not))) as $e
              ({}; .[$e.user.username // "(none)"] += (($e.stageTimestamp | micros) - ($e.requestReceivedTimestamp | micros)))
            """;

    private AuditAnalyserBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        long sizeMb = 1024;
        String jq = "/usr/bin/jq";
        Path dir = null;
        boolean keep = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--size-mb" -> sizeMb = Long.parseLong(args[++i]);
                case "--jq" -> jq = args[++i];
                case "--dir" -> dir = Path.of(args[++i]);
                case "--keep" -> keep = true;
                default -> throw new IllegalArgumentException("unknown argument " + args[i]
                        + "; usage: [--size-mb N] [--jq PATH] [--dir DIR] [--keep]");
            }
        }
        Path workDir = dir == null ? Files.createTempDirectory("caravel-audit-bench") : Files.createDirectories(dir);
        Path log = workDir.resolve("audit.log");
        Path program = workDir.resolve("sum.jq");
        ObjectMapper mapper = new ObjectMapper();
        ObjectNode result = mapper.createObjectNode();
        try {
            result.put("benchmark", "audit-analyser-vs-jq");
            result.put("date", Instant.now().toString());
            ObjectNode machine = result.putObject("machine");
            machine.put("cores", Runtime.getRuntime().availableProcessors());
            machine.put("memoryGiB", totalMemoryGiB());
            machine.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
            machine.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            machine.put("loadAverageAtStart", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());

            // Two hours of a 1,000-node cluster at 400 requests/s with a 20-minute storm; the size
            // limit cuts it (1 GiB is about 50 minutes of it).
            SyntheticAuditLog.Settings settings = new SyntheticAuditLog.Settings(Instant.parse("2026-11-02T09:00:00Z"),
                    Duration.ofHours(2), 400, 100, Duration.ofMinutes(10), Duration.ofMinutes(20), 1000, 1,
                    "audit.k8s.io/v1");
            long t0 = System.nanoTime();
            SyntheticAuditLog.Written written;
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(log), 1 << 20)) {
                written = new SyntheticAuditLog(settings).write(out, sizeMb * 1024 * 1024);
            }
            ObjectNode logNode = result.putObject("log");
            logNode.put("bytes", written.bytes());
            logNode.put("events", written.events());
            logNode.put("requests", written.requests());
            logNode.put("generateSeconds", (System.nanoTime() - t0) / 1e9);

            // Analyser in a child JVM with the target heap.
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            List<String> child = List.of(java, "-Xmx512m", "-cp", System.getProperty("java.class.path"),
                    AnalyserRun.class.getName(), log.toString());
            Timed analyserRun = run(child, workDir.resolve("analyser.json"), Map.of());
            JsonNode analyser = mapper.readTree(Files.readString(workDir.resolve("analyser.json")));
            ObjectNode a = result.putObject("analyser");
            a.put("wallSeconds", analyserRun.seconds);
            a.put("analysisSeconds", analyser.get("analysisSeconds").asDouble());
            a.put("mbPerSecond", written.bytes() / 1e6 / analyserRun.seconds);
            a.put("eventsPerSecond", written.events() / analyserRun.seconds);
            a.put("peakHeapMB", analyser.get("peakHeapBytes").asLong() / 1e6);
            a.put("maxHeapMB", analyser.get("maxHeapBytes").asLong() / 1e6);
            a.put("threads", analyser.get("threads").asInt());
            a.put("problems", analyser.get("problems").asLong());
            a.put("cpuSeconds", analyser.get("processCpuSeconds").asDouble());

            Files.writeString(program, JQ_PROGRAM, StandardCharsets.UTF_8);
            // Through bash, whose `times` gives the CPU time jq used (user + system), like the child JVM's own figure.
            Path jqTimes = workDir.resolve("jq.times");
            Timed jqRun = run(List.of("bash", "-c", "\"$@\" > \"$JQ_OUT\" && times > \"$JQ_TIMES\"", "bash",
                    jq, "-n", "-c", "-f", program.toString(), log.toString()), workDir.resolve("jq.stdout"),
                    Map.of("JQ_OUT", workDir.resolve("jq.json").toString(), "JQ_TIMES", jqTimes.toString()));
            JsonNode jqSums = mapper.readTree(Files.readString(workDir.resolve("jq.json")));
            ObjectNode j = result.putObject("jq");
            j.put("version", version(jq));
            j.put("wallSeconds", jqRun.seconds);
            j.put("mbPerSecond", written.bytes() / 1e6 / jqRun.seconds);
            j.put("eventsPerSecond", written.events() / jqRun.seconds);
            double jqCpu = childCpuSeconds(Files.readString(jqTimes));
            j.put("cpuSeconds", jqCpu);

            result.put("throughputRatioToJq", jqRun.seconds / analyserRun.seconds);
            result.put("cpuTimeRatioToJq", jqCpu / analyser.get("processCpuSeconds").asDouble());
            result.set("agreement", agreement(analyser.get("queryMicrosByUser"), jqSums, mapper));
            result.put("note", "MB = 10^6 bytes; wallSeconds include JVM start for the analyser; cpuSeconds are user+system "
                    + "of the whole process (the analyser uses every core, jq one). The machine is shared: other work "
                    + "may run during the measurement, which the CPU-time ratio is less sensitive to.");
            System.out.println(mapper.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } finally {
            if (!keep) {
                Files.deleteIfExists(log);
                Files.deleteIfExists(program);
                Files.deleteIfExists(workDir.resolve("analyser.json"));
                Files.deleteIfExists(workDir.resolve("jq.json"));
                Files.deleteIfExists(workDir.resolve("jq.stdout"));
                Files.deleteIfExists(workDir.resolve("jq.times"));
                if (dir == null) {
                    Files.deleteIfExists(workDir);
                }
            }
        }
    }

    private record Timed(double seconds) {
    }

    private static Timed run(List<String> command, Path stdout, Map<String, String> environment)
            throws IOException, InterruptedException {
        long start = System.nanoTime();
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile())
                .redirectError(ProcessBuilder.Redirect.INHERIT);
        builder.environment().putAll(environment);
        Process process = builder.start();
        int code = process.waitFor();
        double seconds = (System.nanoTime() - start) / 1e9;
        if (code != 0) {
            throw new IllegalStateException(command.get(0) + " exited with " + code);
        }
        return new Timed(seconds);
    }

    /** Every user both found, and the largest relative difference of their sums (should be 0). */
    private static ObjectNode agreement(JsonNode analyser, JsonNode jq, ObjectMapper mapper) {
        ObjectNode node = mapper.createObjectNode();
        double worst = 0;
        List<String> missing = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = jq.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode mine = analyser.get(e.getKey());
            if (mine == null) {
                if (e.getValue().asLong() != 0) {
                    missing.add(e.getKey());
                }
                continue;
            }
            double expected = e.getValue().asDouble();
            double diff = Math.abs(mine.asDouble() - expected) / Math.max(1, Math.abs(expected));
            worst = Math.max(worst, diff);
        }
        node.put("usersByJq", jq.size());
        node.put("usersByAnalyser", analyser.size());
        node.put("maxRelativeDifference", worst);
        node.put("usersMissingFromAnalyser", missing.size());
        return node;
    }

    /** Parses bash's `times` output; its second line is the children's user and system time ("0m45.210s 0m1.020s"). */
    static double childCpuSeconds(String times) {
        String[] lines = times.strip().split("\n");
        double total = 0;
        for (String part : lines[lines.length - 1].trim().split("\\s+")) {
            int m = part.indexOf('m');
            total += Double.parseDouble(part.substring(0, m)) * 60
                    + Double.parseDouble(part.substring(m + 1, part.length() - 1));
        }
        return total;
    }

    private static String version(String jq) {
        try {
            Process p = new ProcessBuilder(jq, "--version").redirectErrorStream(true).start();
            String v = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            p.waitFor();
            return v;
        } catch (IOException | InterruptedException e) {
            return "unknown";
        }
    }

    private static long totalMemoryGiB() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024));
        }
        return -1;
    }
}
