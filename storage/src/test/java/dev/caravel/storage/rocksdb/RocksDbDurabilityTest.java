package dev.caravel.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchRequest;
import dev.caravel.storage.KeyValueStoreConformanceTest.Recorder;
import dev.caravel.storage.mvcc.MvccStore;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kill -9 at random moments, again and again: every write the store acknowledged survives with its
 * revision, the history has no hole, and the store goes on working. A child JVM
 * ({@link RocksDbCrashWriter}) writes from several threads and prints an ACK line per acknowledged
 * write; the parent kills it with SIGKILL after a random delay, then opens the folder itself and
 * checks every ACK it ever received.
 */
class RocksDbDurabilityTest {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbDurabilityTest.class);
    private static final int CYCLES = 20;
    private static final int WRITERS = 4;
    private static final int CHURN_CYCLES = 8;
    private static final byte[] PREFIX = ByteKeys.utf8("/durability/");

    @TempDir
    Path folder;

    @Test
    @Timeout(value = 90, unit = TimeUnit.SECONDS)
    void everyAcknowledgedWriteSurvivesRepeatedKillsWithContiguousRevisions() throws Exception {
        Path data = folder.resolve("data");
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        LOG.info("durability: seed {}", seed);
        Map<String, Long> acknowledged = new HashMap<>();
        long started = System.nanoTime();
        int killedWhileWriting = 0;

        for (int cycle = 0; cycle < CYCLES; cycle++) {
            // Most cycles kill 50-400 ms into writing; every fourth kills 0.2-1.5 s after the JVM
            // starts, which lands anywhere from opening and recovering to the first writes.
            boolean anyMoment = cycle % 4 == 3;
            int delayMillis = anyMoment ? 200 + random.nextInt(1300) : 50 + random.nextInt(350);
            Map<String, Long> acks = runAndKill(data, "c" + cycle, anyMoment, delayMillis);
            if (!acks.isEmpty()) {
                killedWhileWriting++;
            }
            acknowledged.putAll(acks);
            try {
                verify(data, acknowledged, cycle);
            } catch (AssertionError | RuntimeException e) {
                throw new AssertionError("after kill " + cycle + " (seed " + seed + ", delay " + delayMillis
                        + " ms, " + acks.size() + " ACKs in this run): " + e.getMessage(), e);
            }
        }

        long seconds = Duration.ofNanos(System.nanoTime() - started).toSeconds();
        LOG.info("durability: {} kills, {} while writing, {} acknowledged writes checked, {} s",
                CYCLES, killedWhileWriting, acknowledged.size(), seconds);
        assertThat(killedWhileWriting).as("cycles killed while writes were being acknowledged").isGreaterThanOrEqualTo(CYCLES / 4);
    }

    @Test
    // Only a guard against a hang: 8 child JVMs took 57 s on 2 cores at load average 13.
    @Timeout(value = 120, unit = TimeUnit.SECONDS)
    void killsInTheMiddleOfCompactionsLoseNothingAcknowledgedAndLeaveTheHistoryWhole() throws Exception {
        Path data = folder.resolve("churn");
        Random random = new Random();
        long seed = random.nextLong();
        random.setSeed(seed);
        Map<String, Long> acknowledged = new HashMap<>();
        long compactions = 0;
        for (int cycle = 0; cycle < CHURN_CYCLES; cycle++) {
            int delayMillis = 100 + random.nextInt(400);
            // The first writer does not compact, so every run also checks a history that was never
            // compacted (it begins at revision 2); before, only a loaded machine, where the first
            // writer died before its compactor had 200 revisions to compact, got there.
            Map<String, Long> acks = cycle == 0
                    ? runAndKill(data, "churn" + cycle, false, delayMillis)
                    : runAndKill(data, "churn" + cycle, false, delayMillis, "churn");
            acknowledged.putAll(acks);
            try (MvccStore store = RocksDbStore.open(data)) {
                long current = store.currentRevision();
                long compacted = store.compactedRevision();
                if (compacted > 0) {
                    compactions++;
                }
                String context = "after kill " + cycle + " (seed " + seed + ", delay " + delayMillis + " ms)";
                assertThat(compacted).as(context).isLessThanOrEqualTo(current);
                if (cycle == 0) {
                    assertThat(compacted).as("%s: compacted by a writer that does not compact", context).isZero();
                }
                for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                    KeyValue kv = store.get(ByteKeys.utf8(ack.getKey()));
                    assertThat(kv).as("%s: acknowledged write %s", context, ack.getKey()).isNotNull();
                    assertThat(kv.modRevision()).as("%s: revision of %s", context, ack.getKey()).isEqualTo(ack.getValue());
                }
                // Every revision after the compacted one is still in the history, once: each write
                // is a single put, so a watch from there sees one event per revision up to the current.
                // Revision 1 is the empty store's (as in etcd) and has no event: a history never
                // compacted begins at revision 2.
                long from = compacted + 1;
                long firstEvent = Math.max(from, 2);
                if (current >= firstEvent) {
                    Recorder recorder = new Recorder();
                    try (Watch watch = store.watch(new WatchRequest(ByteKeys.utf8("/"), ByteKeys.utf8("0"), from, false, false), recorder)) {
                        recorder.awaitEventCount((int) (current - firstEvent + 1));
                        List<Long> revisions = recorder.events().stream().map(WatchEvent::revision).toList();
                        assertThat(revisions).as("%s: the history from %d to %d", context, from, current)
                                .isEqualTo(LongStream.rangeClosed(firstEvent, current).boxed().toList());
                    }
                }
                assertThat(store.put(ByteKeys.utf8("/durability/churn-parent/" + cycle), new byte[]{1}).revision())
                        .isEqualTo(current + 1);
            }
        }
        assertThat(compactions).as("reopenings that found a compaction").isGreaterThan(0);
    }

    /** Starts a writer, kills it with SIGKILL {@code delayMillis} after it is ready (or after its start), returns its ACKs. */
    private Map<String, Long> runAndKill(Path data, String run, boolean anyMoment, int delayMillis, String... extra)
            throws Exception {
        Path stderr = folder.resolve(run + ".stderr");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "--enable-native-access=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                RocksDbCrashWriter.class.getName(), data.toString(), run, Integer.toString(WRITERS)));
        command.addAll(List.of(extra));
        Process child = new ProcessBuilder(command).redirectError(stderr.toFile()).start();
        child.getOutputStream().close();
        CountDownLatch ready = new CountDownLatch(1);
        Map<String, Long> acks = new HashMap<>();
        CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
            // Only lines that end with a newline count: the kill can cut the last one short, and
            // "ACK k 12" cut to "ACK k 1" would be a wrong revision, not a lost write.
            try (InputStreamReader in = new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8)) {
                StringBuilder line = new StringBuilder();
                for (int c; (c = in.read()) != -1; ) {
                    if (c != '\n') {
                        line.append((char) c);
                        continue;
                    }
                    String[] parts = line.toString().split(" ");
                    line.setLength(0);
                    if (parts[0].equals("READY")) {
                        ready.countDown();
                    } else if (parts[0].equals("ACK") && parts.length == 3) {
                        synchronized (acks) {
                            acks.put(parts[1], Long.parseLong(parts[2]));
                        }
                    }
                }
            } catch (IOException e) {
                // the stream ends when the child dies
            }
        });
        try {
            if (!anyMoment && !ready.await(30, TimeUnit.SECONDS)) {
                throw new AssertionError("the writer " + run + " did not open the store: " + readQuietly(stderr));
            }
            Thread.sleep(delayMillis);
            assertThat(child.isAlive()).as("writer %s alive before the kill; stderr: %s", run, readQuietly(stderr)).isTrue();
        } finally {
            child.destroyForcibly();
            child.waitFor(30, TimeUnit.SECONDS);
        }
        reading.get(30, TimeUnit.SECONDS);
        synchronized (acks) {
            return new HashMap<>(acks);
        }
    }

    private void verify(Path data, Map<String, Long> acknowledged, int cycle) {
        try (KeyValueStore store = RocksDbStore.open(data)) {
            long current = store.currentRevision();
            for (Map.Entry<String, Long> ack : acknowledged.entrySet()) {
                KeyValue kv = store.get(ByteKeys.utf8(ack.getKey()));
                assertThat(kv).as("acknowledged write %s after kill %d", ack.getKey(), cycle).isNotNull();
                assertThat(kv.modRevision()).as("revision of %s", ack.getKey()).isEqualTo(ack.getValue());
            }
            // Every write is a put of a new key, one revision each: the keys' revisions are exactly
            // the revisions from the first write's to the current one.
            List<KeyValue> all = store.range(RangeRequest.prefix(PREFIX).keysOnlyRequest()).kvs();
            TreeSet<Long> revisions = new TreeSet<>();
            all.forEach(kv -> revisions.add(kv.modRevision()));
            if (!all.isEmpty()) {
                assertThat(revisions).as("revisions after kill %d", cycle).hasSize(all.size());
                assertThat(revisions.last()).isEqualTo(current);
                assertThat(revisions.first()).isEqualTo(2);
                assertThat((long) revisions.size()).as("no hole in the revisions 2..%d", current).isEqualTo(current - 1);
            }
            // And it goes on working here, as it will in the next child.
            long next = store.put(ByteKeys.utf8("/durability/parent/" + cycle), new byte[]{1}).revision();
            assertThat(next).isEqualTo(current + 1);
        }
    }

    private static String readQuietly(Path file) {
        try {
            List<String> lines = Files.readAllLines(file);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 40), lines.size()));
        } catch (IOException e) {
            return "(no stderr: " + e + ")";
        }
    }

}
