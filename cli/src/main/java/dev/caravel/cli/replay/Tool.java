package dev.caravel.cli.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A real client binary (kubectl, helm) run against the replay's cluster: the command line and its
 * output are told by the narrator, the result returned for the replay to check.
 */
final class Tool {

    record Result(int exitCode, String stdout, String stderr) {
        boolean succeeded() {
            return exitCode == 0;
        }
    }

    private final String name;
    private final Path binary;
    private final Map<String, String> environment;
    private final Narrator narrator;

    Tool(String name, Path binary, Map<String, String> environment, Narrator narrator) {
        this.name = name;
        this.binary = binary;
        this.environment = Map.copyOf(environment);
        this.narrator = narrator;
    }

    /** Runs {@code name args...}, telling the command and what it printed; at most two minutes. */
    Result run(String... args) throws IOException, InterruptedException {
        narrator.say("$ " + name + " " + String.join(" ", args));
        List<String> command = new ArrayList<>();
        command.add(binary.toString());
        command.addAll(List.of(args));
        Path stdout = Files.createTempFile("replay-" + name, ".out");
        Path stderr = Files.createTempFile("replay-" + name, ".err");
        try {
            ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
            builder.environment().putAll(environment);
            Process process = builder.start();
            if (!process.waitFor(2, TimeUnit.MINUTES)) {
                process.destroyForcibly();
                throw new Narrator.Missed(name + " " + String.join(" ", args) + " did not finish within two minutes");
            }
            Result result = new Result(process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                    Files.readString(stderr, StandardCharsets.UTF_8));
            narrator.quote(result.stdout());
            narrator.quote(result.stderr());
            if (!result.succeeded()) {
                narrator.say("(exit code " + result.exitCode() + ")");
            }
            return result;
        } finally {
            Files.deleteIfExists(stdout);
            Files.deleteIfExists(stderr);
        }
    }

    /** Runs the command and requires it to succeed. */
    Result must(String... args) throws IOException, InterruptedException {
        Result result = run(args);
        narrator.expect(result.succeeded(), name + " " + args[0] + " succeeded");
        return result;
    }
}
