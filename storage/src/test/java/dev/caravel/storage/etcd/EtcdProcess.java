package dev.caravel.storage.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real, single-member etcd for tests and benchmarks: started on free loopback ports with its data
 * in a temporary folder, and gone (process and folder) after {@link #close()}.
 *
 * <p>etcd keeps the defaults that matter to what we measure and check: fsync on and a 1.5 MiB
 * request limit. Its log goes to {@code etcd.log} in the temporary folder; when etcd does not come
 * up, the exception carries the log's tail.
 */
public final class EtcdProcess implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("storage.etcd");

    /** On 2 shared cores a cold etcd (raft election, bbolt file creation with fsync) can take seconds. */
    private static final Duration START_TIMEOUT = Duration.ofSeconds(30);
    private static final int START_ATTEMPTS = 3;
    private static final int LOG_TAIL_LINES = 40;

    private final List<String> command;
    private final Path folder;
    private final URI clientEndpoint;
    private volatile Process process;

    private EtcdProcess(List<String> command, Process process, Path folder, URI clientEndpoint) {
        this.command = List.copyOf(command);
        this.process = process;
        this.folder = folder;
        this.clientEndpoint = clientEndpoint;
    }

    /**
     * Starts etcd and waits until it answers its health check. Ports are picked free just before the
     * start; another process may take one in between, so a start that fails is retried on new ports.
     */
    public static EtcdProcess start() {
        Path binary = findBinary();
        IllegalStateException failure = null;
        for (int attempt = 1; attempt <= START_ATTEMPTS; attempt++) {
            try {
                return startOnce(binary);
            } catch (IllegalStateException e) {
                failure = e;
                log.warn("etcd did not start (attempt {} of {}): {}", attempt, START_ATTEMPTS, e.getMessage());
            }
        }
        throw failure;
    }

    public URI clientEndpoint() {
        return clientEndpoint;
    }

    /** The folder holding etcd's data and log; deleted on close. */
    public Path folder() {
        return folder;
    }

    public Path logFile() {
        return folder.resolve("etcd.log");
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * Stops etcd and starts it again on the same ports and data, as an operator's restart does: what
     * clients see is their streams breaking and the member coming back with every committed write.
     */
    public void restart() {
        stop(process);
        Process restarted;
        try {
            restarted = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot restart etcd", e);
        }
        process = restarted;
        awaitHealthy(restarted, clientEndpoint, logFile());
        log.info("etcd at {} restarted (pid {})", clientEndpoint, restarted.pid());
    }

    /** Stops etcd without deleting its data, so that {@link #restart()} can bring it back. */
    public void stop() {
        stop(process);
    }

    @Override
    public void close() {
        stop(process);
        deleteRecursively(folder);
        log.info("etcd at {} stopped and its folder {} deleted", clientEndpoint, folder);
    }

    private static EtcdProcess startOnce(Path binary) {
        Path folder;
        try {
            folder = Files.createTempDirectory("caravel-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for etcd", e);
        }
        int clientPort = freePort();
        int peerPort = freePort();
        while (peerPort == clientPort) {
            peerPort = freePort();
        }
        String clientUrl = "http://127.0.0.1:" + clientPort;
        String peerUrl = "http://127.0.0.1:" + peerPort;
        List<String> command = new ArrayList<>(List.of(
                binary.toString(),
                "--name", "caravel-test",
                "--data-dir", folder.resolve("data").toString(),
                "--listen-client-urls", clientUrl,
                "--advertise-client-urls", clientUrl,
                "--listen-peer-urls", peerUrl,
                "--initial-advertise-peer-urls", peerUrl,
                "--initial-cluster", "caravel-test=" + peerUrl,
                "--initial-cluster-state", "new",
                // The default logger (capnslog) is deprecated in 3.4 and warns about it at every start.
                "--logger", "zap",
                "--log-outputs", "stderr"));
        Path logFile = folder.resolve("etcd.log");
        Process process;
        try {
            process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(logFile.toFile())
                    .start();
        } catch (IOException e) {
            deleteRecursively(folder);
            throw new UncheckedIOException("cannot run etcd at " + binary, e);
        }
        URI endpoint = URI.create(clientUrl);
        try {
            awaitHealthy(process, endpoint, logFile);
        } catch (RuntimeException e) {
            stop(process);
            deleteRecursively(folder);
            throw e;
        }
        log.info("etcd {} started at {} with its data in {} (pid {})", binary, endpoint, folder, process.pid());
        return new EtcdProcess(command, process, folder, endpoint);
    }

    private static void awaitHealthy(Process process, URI endpoint, Path logFile) {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        HttpRequest health = HttpRequest.newBuilder(endpoint.resolve("/health")).timeout(Duration.ofSeconds(2)).build();
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        String lastAnswer = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("etcd exited with code " + process.exitValue() + " before answering at "
                        + endpoint + "; the end of its log:\n" + tail(logFile));
            }
            try {
                HttpResponse<String> answer = http.send(health, HttpResponse.BodyHandlers.ofString());
                if (answer.statusCode() == 200 && answer.body().contains("\"true\"")) {
                    return;
                }
                lastAnswer = answer.statusCode() + " " + answer.body();
            } catch (IOException e) {
                lastAnswer = e.toString();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for etcd at " + endpoint, e);
            }
            sleep(100);
        }
        throw new IllegalStateException("etcd did not answer its health check at " + endpoint + " within " + START_TIMEOUT
                + " (last answer: " + lastAnswer + "); the end of its log:\n" + tail(logFile));
    }

    /** The version the etcd binary reports ("3.4.23"), for benchmark reports. */
    public static String binaryVersion() {
        try {
            Process probe = new ProcessBuilder(findBinary().toString(), "--version").redirectErrorStream(true).start();
            String output = new String(probe.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            probe.waitFor(10, TimeUnit.SECONDS);
            return output.lines().filter(line -> line.startsWith("etcd Version:"))
                    .map(line -> line.substring("etcd Version:".length()).trim()).findFirst().orElse("unknown");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run etcd --version", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "unknown";
        }
    }

    /**
     * The etcd binary: the system property or environment variable CARAVEL_ETCD, then {@code etcd} on
     * the PATH, then the copy ./scripts/test unpacks into Caravel's cache, then /usr/bin/etcd.
     */
    static Path findBinary() {
        List<Path> candidates = new ArrayList<>();
        Optional.ofNullable(System.getProperty("CARAVEL_ETCD")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
        Optional.ofNullable(System.getenv("CARAVEL_ETCD")).filter(s -> !s.isBlank()).map(Path::of).ifPresent(candidates::add);
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                if (!dir.isBlank()) {
                    candidates.add(Path.of(dir, "etcd"));
                }
            }
        }
        String cache = System.getenv("CARAVEL_CACHE");
        if (cache != null && !cache.isBlank()) {
            candidates.add(Path.of(cache, "tools", "etcd", "usr", "bin", "etcd"));
        }
        candidates.add(Path.of(System.getProperty("user.home"), ".cache", "caravel", "tools", "etcd", "usr", "bin", "etcd"));
        candidates.add(Path.of("/usr/bin/etcd"));
        for (Path candidate : candidates) {
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new IllegalStateException("no etcd binary found (looked at " + candidates
                + "); run ./scripts/test, which installs etcd into Caravel's cache, or set CARAVEL_ETCD to an etcd 3.4+ binary");
    }

    private static int freePort() {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot find a free loopback port", e);
        }
    }

    private static void stop(Process process) {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static String tail(Path logFile) {
        try {
            List<String> lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
        } catch (IOException e) {
            return "(cannot read " + logFile + ": " + e + ")";
        }
    }

    private static void deleteRecursively(Path folder) {
        if (!Files.exists(folder)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(folder)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException e) {
                    log.warn("cannot delete {}: {}", p, e.toString());
                }
            });
        } catch (IOException e) {
            log.warn("cannot delete etcd's folder {}: {}", folder, e.toString());
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for etcd", e);
        }
    }
}
