package dev.caravel.cli;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The packaged Caravel ({@code java -jar caravel.jar serve}) as a child process, the way a newcomer
 * runs it: on the embedded store in a data directory, on a free loopback port. {@link #start}
 * returns once {@code /readyz} answers {@code ok}; {@link #stop} sends SIGTERM and waits for the
 * process to exit, as Ctrl-C or a service manager would. Its output goes to a log file beside the
 * data directory, printed into failure messages.
 */
final class PackagedServer {

    private static final Duration READY_TIMEOUT = Duration.ofSeconds(30);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(30);

    private final Process process;
    private final Path dataDir;
    private final Path log;
    private final int port;

    private PackagedServer(Process process, Path dataDir, Path log, int port) {
        this.process = process;
        this.dataDir = dataDir;
        this.log = log;
        this.port = port;
    }

    /** The runnable jar Maven's package phase built; Failsafe passes its path as {@code caravel.jar}. */
    static Path jar() {
        Path jar = Path.of(System.getProperty("caravel.jar", "target/caravel.jar"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("the packaged jar is missing at " + jar.toAbsolutePath()
                    + ": these tests run after `mvn package` (mvn verify)");
        }
        return jar;
    }

    /** A port free now on 127.0.0.1; the server binds it a moment later (a restart reuses it). */
    static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    static PackagedServer start(Path dataDir, int port, String... moreServeFlags) throws Exception {
        String java = ProcessHandle.current().info().command().orElse("java");
        Path log = Files.createTempFile(dataDir.getParent(), "caravel-", ".log");
        List<String> command = new java.util.ArrayList<>(List.of(java, "-Xmx512m", "-jar", jar().toString(),
                "serve", "--data-dir", dataDir.toString(), "--port", Integer.toString(port)));
        command.addAll(List.of(moreServeFlags));
        Process process = new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        PackagedServer server = new PackagedServer(process, dataDir, log, port);
        server.awaitReady();
        return server;
    }

    String url() {
        return "http://127.0.0.1:" + port;
    }

    /** The kubeconfig {@code caravel serve} writes into its data directory. */
    Path kubeconfig() {
        return dataDir.resolve("kubeconfig");
    }

    String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(log unreadable: " + e + ")";
        }
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(STOP_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
            process.destroyForcibly().waitFor();
            throw new IllegalStateException("caravel serve did not exit within " + STOP_TIMEOUT
                    + " of SIGTERM; log:\n" + log());
        }
        return process.exitValue();
    }

    /** Kills the process if a test left it running (a failed assertion before {@link #stop}). */
    void kill() throws InterruptedException {
        if (process.isAlive()) {
            process.destroyForcibly().waitFor();
        }
    }

    private void awaitReady() throws Exception {
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        try (HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
            HttpRequest readyz = HttpRequest.newBuilder(URI.create(url() + "/readyz"))
                    .timeout(Duration.ofSeconds(2)).build();
            while (true) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("caravel serve exited with " + process.exitValue()
                            + " before it was ready; log:\n" + log());
                }
                try {
                    HttpResponse<String> response = http.send(readyz, HttpResponse.BodyHandlers.ofString());
                    if (response.statusCode() == 200 && response.body().strip().equals("ok")
                            && Files.isRegularFile(kubeconfig())) {
                        return;
                    }
                } catch (IOException notListeningYet) {
                    // The JVM is still starting: poll again.
                }
                if (System.nanoTime() > deadline) {
                    kill();
                    throw new IllegalStateException("caravel serve was not ready within " + READY_TIMEOUT
                            + "; log:\n" + log());
                }
                Thread.sleep(50);
            }
        }
    }
}
