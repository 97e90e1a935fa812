package dev.caravel.benchmarks.liststorm;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A {@link ListStormServer} in a child JVM on this classpath: its URL, CPU time and heap. */
final class ServerProcess implements AutoCloseable {

    private final Process process;
    private final Writer commands;
    private final BlockingQueue<String> answers = new LinkedBlockingQueue<>();
    private final String url;

    private ServerProcess(Process process) throws IOException, InterruptedException {
        this.process = process;
        this.commands = new OutputStreamWriter(process.getOutputStream(), StandardCharsets.UTF_8);
        Thread.ofPlatform().daemon().name("liststorm-server-output").start(this::readOutput);
        String first = answers.poll(120, TimeUnit.SECONDS);
        if (first == null || !first.startsWith("url ")) {
            process.destroyForcibly();
            throw new IOException("the list-storm server did not start: " + first);
        }
        this.url = first.substring(4);
    }

    /** Starts the server on the store in {@code folder}, with {@code heapMb} of heap and the collector {@code gc}. */
    static ServerProcess start(Path folder, boolean consistentListFromCache, int heapMb, ServerGc gc)
            throws IOException, InterruptedException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx" + heapMb + "m", "--enable-native-access=ALL-UNNAMED"));
        command.addAll(gc.jvmFlags());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ListStormServer.class.getName(),
                folder.toString(), Boolean.toString(consistentListFromCache)));
        Process process = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
        return new ServerProcess(process);
    }

    String url() {
        return url;
    }

    /** CPU time (user and system) the server's process has used so far. */
    Duration cpuTime() {
        return process.toHandle().info().totalCpuDuration().orElse(Duration.ZERO);
    }

    /**
     * Waits until the server has used under a tenth of a core in two consecutive seconds (the work
     * a previous measurement left behind is done), at most {@code max}; returns the seconds waited.
     * On a shared machine a busy server can be starved to a third of a core, hence the low bar.
     */
    double awaitIdle(Duration max) throws InterruptedException {
        long start = System.nanoTime();
        long end = start + max.toNanos();
        int quiet = 0;
        while (quiet < 2 && System.nanoTime() < end) {
            long before = cpuTime().toNanos();
            Thread.sleep(1000);
            quiet = cpuTime().toNanos() - before < 100_000_000L ? quiet + 1 : 0;
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /** Heap used after full collections, in bytes. */
    long heapAfterGc() throws IOException, InterruptedException {
        commands.write("heap\n");
        commands.flush();
        String answer = answers.poll(120, TimeUnit.SECONDS);
        if (answer == null || !answer.startsWith("heap ")) {
            throw new IOException("no heap figure from the list-storm server: " + answer);
        }
        return Long.parseLong(answer.substring(5));
    }

    /**
     * The server's collectors so far, from its GarbageCollectorMXBeans: per collector (for ZGC,
     * its cycles and its pauses are separate beans), the collections and the milliseconds spent.
     */
    Map<String, long[]> collections() throws IOException, InterruptedException {
        commands.write("gc\n");
        commands.flush();
        String answer = answers.poll(60, TimeUnit.SECONDS);
        if (answer == null || !answer.startsWith("gc ")) {
            throw new IOException("no collector figures from the list-storm server: " + answer);
        }
        Map<String, long[]> collectors = new LinkedHashMap<>();
        for (String entry : answer.substring(3).split(";")) {
            if (!entry.isBlank()) {
                String[] nameAndFigures = entry.split("=");
                String[] figures = nameAndFigures[1].split("/");
                collectors.put(nameAndFigures[0], new long[] {Long.parseLong(figures[0]), Long.parseLong(figures[1])});
            }
        }
        return collectors;
    }

    private void readOutput() {
        try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
            String line;
            while ((line = out.readLine()) != null) {
                if (line.startsWith(ListStormServer.PREFIX)) {
                    answers.add(line.substring(ListStormServer.PREFIX.length()));
                } else {
                    System.err.println("  server: " + line);
                }
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Stops the server; it is killed if it has not stopped within 20 s (a cache-off storm can leave work behind). */
    @Override
    public void close() throws InterruptedException {
        try {
            commands.write("stop\n");
            commands.close();
        } catch (IOException e) {
            // already gone
        }
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            process.waitFor(20, TimeUnit.SECONDS);
        }
    }
}
