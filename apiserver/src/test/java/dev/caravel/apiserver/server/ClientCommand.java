package dev.caravel.apiserver.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs kubectl or helm against a kubeconfig with a private HOME (so the user's own configuration
 * and caches play no part), and returns what it printed. Published in the apiserver's test-jar: the
 * end-to-end tests of every module drive the real clients through this one runner.
 */
public final class ClientCommand {

    private static final long TIMEOUT_SECONDS = 60;

    private final Path binary;
    private final Path kubeconfig;
    private final Path home;

    public ClientCommand(Path binary, Path kubeconfig, Path home) {
        this.binary = binary;
        this.kubeconfig = kubeconfig;
        this.home = home;
    }

    /** The kubectl {@link ClientBinaries} finds, against {@code kubeconfig}, with {@code home} as its HOME. */
    public static ClientCommand kubectl(Path kubeconfig, Path home) {
        return new ClientCommand(Path.of(ClientBinaries.kubectl()), kubeconfig, home);
    }

    /** The helm {@link ClientBinaries} finds, against {@code kubeconfig}, with {@code home} as its HOME. */
    public static ClientCommand helm(Path kubeconfig, Path home) {
        return new ClientCommand(Path.of(ClientBinaries.helm()), kubeconfig, home);
    }

    /** What one command printed and how it exited; stdout and stderr are kept apart. */
    public record Result(List<String> command, int exitCode, String stdout, String stderr) {
        public boolean succeeded() {
            return exitCode == 0;
        }

        /** This result, or an AssertionError describing it when the command failed. */
        public Result requireSuccess() {
            if (!succeeded()) {
                throw new AssertionError("expected exit 0 from:\n" + describe());
            }
            return this;
        }

        /** A description for assertion messages: the command line and everything it printed. */
        public String describe() {
            return String.join(" ", command) + "\nexit " + exitCode + "\nstdout:\n" + stdout + "\nstderr:\n" + stderr;
        }
    }

    public Result run(String... args) throws IOException, InterruptedException {
        return runWithInput(null, args);
    }

    /** Runs the command, writing {@code stdin} (a manifest for {@code -f -}) to its input when not null. */
    public Result runWithInput(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = command(args);
        Process process = processBuilder(command).start();
        // Both streams are drained off this thread, so a command that hangs with its output open
        // still meets the timeout below rather than blocking the test on a read.
        CompletableFuture<String> stdout = CompletableFuture.supplyAsync(() -> readAll(process.getInputStream()));
        CompletableFuture<String> stderr = CompletableFuture.supplyAsync(() -> readAll(process.getErrorStream()));
        try (var in = process.getOutputStream()) {
            if (stdin != null) {
                in.write(stdin.getBytes(StandardCharsets.UTF_8));
            }
        }
        if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new IllegalStateException(String.join(" ", command) + " did not finish in " + TIMEOUT_SECONDS + " s");
        }
        return new Result(command, process.exitValue(), stdout.join(), stderr.join());
    }

    /**
     * Starts a long-running command (a watch) with its stdout written to {@code stdoutFile} as it
     * comes and its stderr discarded; the caller reads the file and ends the process.
     */
    public Process start(Path stdoutFile, String... args) throws IOException {
        Process process = processBuilder(command(args))
                .redirectOutput(stdoutFile.toFile())
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        process.getOutputStream().close();
        return process;
    }

    private List<String> command(String... args) {
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.add("--kubeconfig");
        command.add(kubeconfig.toString());
        command.addAll(List.of(args));
        return List.copyOf(command);
    }

    private ProcessBuilder processBuilder(List<String> command) {
        ProcessBuilder builder = new ProcessBuilder(command);
        Map<String, String> environment = builder.environment();
        environment.put("HOME", home.toString());
        environment.put("XDG_CACHE_HOME", home.resolve("cache").toString());
        environment.put("XDG_CONFIG_HOME", home.resolve("config").toString());
        environment.put("XDG_DATA_HOME", home.resolve("data").toString());
        environment.remove("KUBECONFIG");
        return builder;
    }

    private static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(unreadable: " + e + ")";
        }
    }
}
