package dev.caravel.audit.writer;

import dev.caravel.audit.event.AuditLogReader;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.event.MicroTimestamp;
import dev.caravel.audit.event.ReadStatistics;
import dev.caravel.audit.event.ReaderOptions;
import dev.caravel.audit.input.InputProblems;
import dev.caravel.audit.policy.AuditLevel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.UUID;
import java.util.function.Consumer;
import java.util.stream.Stream;
import java.util.zip.GZIPInputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class LogFileBackendTest {

    @TempDir
    Path dir;

    /** A clock the test moves; each reading is one second after the last, so backups get distinct names. */
    static final class SteppingClock extends Clock {
        private Instant now = Instant.parse("2026-11-25T14:00:00Z");
        private Duration step = Duration.ofSeconds(1);

        @Override
        public Instant instant() {
            now = now.plus(step);
            return now;
        }

        void jump(Duration by) {
            now = now.plus(by);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }
    }

    static AuditEvent event(int n, AuditStage stage) {
        long received = MicroTimestamp.parse("2026-11-25T14:00:00Z") + n * 1_000_000L;
        return AuditEvent.builder()
                .level(AuditLevel.METADATA)
                .auditId(new UUID(0, n))
                .requestUri("/api/v1/namespaces/default/pods?limit=500&resourceVersion=0")
                .verb("list")
                .user(UserInfo.of("user-" + (n % 3), List.of("system:authenticated")))
                .userAgent("test/1.0")
                .objectRef(ObjectReference.of("", "v1", "pods", "", "default", ""))
                .requestReceivedMicros(received)
                .stage(stage, stage == AuditStage.REQUEST_RECEIVED ? received : received + 1_500)
                .responseStatus(stage == AuditStage.REQUEST_RECEIVED ? null : ResponseStatus.ofCode(200))
                .build();
    }

    private static List<Path> backups(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> !f.getFileName().toString().equals("audit.log")).sorted().toList();
        }
    }

    private static List<String> lines(Path file) throws IOException {
        if (file.toString().endsWith(".gz")) {
            try (InputStream in = new GZIPInputStream(Files.newInputStream(file))) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            }
        }
        return Files.readAllLines(file);
    }

    @Test
    void aFullFileIsRenamedWithALumberjackTimestampAndOnlyTheNewestBackupsAreKept() throws IOException {
        int lineLength = AuditEventJson.line(event(10, AuditStage.RESPONSE_COMPLETE)).length;
        Path log = dir.resolve("audit.log");
        LogRotation rotation = new LogRotation(lineLength * 2L, 0, 3, false);
        try (LogFileBackend backend = LogFileBackend.open(log, rotation, new SteppingClock())) {
            for (int n = 10; n < 30; n++) {
                backend.write(List.of(event(n, AuditStage.RESPONSE_COMPLETE)));
            }
        }
        List<Path> backups = backups(dir);
        assertThat(backups).hasSize(3);
        assertThat(backups).allSatisfy(backup -> assertThat(backup.getFileName().toString())
                .matches("audit-\\d{4}-\\d\\d-\\d\\dT\\d\\d-\\d\\d-\\d\\d\\.\\d{3}\\.log"));
        List<String> kept = new ArrayList<>();
        for (Path backup : backups) {
            kept.addAll(lines(backup));
        }
        kept.addAll(lines(log));
        // 20 events, 2 per file: the current file and 3 backups hold the last 8; the oldest went first.
        assertThat(kept).hasSize(8);
        for (int i = 0; i < kept.size(); i++) {
            assertThat(kept.get(i)).contains(new UUID(0, 22 + i).toString());
        }
    }

    @Test
    void backupsOlderThanMaxAgeAreRemovedAndTheRestCompressed() throws IOException {
        int lineLength = AuditEventJson.line(event(10, AuditStage.RESPONSE_COMPLETE)).length;
        Path log = dir.resolve("audit.log");
        SteppingClock clock = new SteppingClock();
        LogRotation rotation = new LogRotation(lineLength, 2, 0, true);
        try (LogFileBackend backend = LogFileBackend.open(log, rotation, clock)) {
            backend.write(List.of(event(10, AuditStage.RESPONSE_COMPLETE)));
            backend.write(List.of(event(11, AuditStage.RESPONSE_COMPLETE))); // backup of 10, now
            clock.jump(Duration.ofDays(3));
            backend.write(List.of(event(12, AuditStage.RESPONSE_COMPLETE))); // backup of 11, 10's is too old
        }
        List<Path> backups = backups(dir);
        assertThat(backups).singleElement().satisfies(backup -> {
            assertThat(backup.getFileName().toString()).endsWith(".log.gz");
            assertThat(lines(backup)).singleElement().asString().contains(new UUID(0, 11).toString());
        });
        assertThat(lines(log)).singleElement().asString().contains(new UUID(0, 12).toString());
    }

    @Test
    void anExistingLogIsAppendedToAfterARestart() throws IOException {
        Path log = dir.resolve("audit.log");
        LogRotation rotation = LogRotation.fromFlags(0, 0, 0, false);
        try (LogFileBackend backend = LogFileBackend.open(log, rotation, new SteppingClock())) {
            backend.write(List.of(event(1, AuditStage.RESPONSE_COMPLETE)));
        }
        try (LogFileBackend backend = LogFileBackend.open(log, rotation, new SteppingClock())) {
            backend.write(List.of(event(2, AuditStage.RESPONSE_COMPLETE)));
        }
        assertThat(lines(log)).hasSize(2);
        assertThat(backups(dir)).isEmpty();
    }

    @Test
    void anEventLargerThanTheMaximumFileSizeIsRefusedNotSplit() throws IOException {
        Path log = dir.resolve("audit.log");
        try (LogFileBackend backend = LogFileBackend.open(log, new LogRotation(100, 0, 0, false),
                new SteppingClock())) {
            assertThatThrownBy(() -> backend.write(List.of(event(1, AuditStage.RESPONSE_COMPLETE))))
                    .isInstanceOf(IOException.class).hasMessageContaining("exceeds the maximum");
        }
        assertThat(Files.size(log)).isZero();
    }

    @Test
    void eventsWrittenThroughTheSinkAreReadBackByTheAnalysersReaderWithoutProblems() throws IOException {
        Path log = dir.resolve("audit.log");
        AuditCounters counters = new AuditCounters();
        try (BufferedAuditSink sink = new BufferedAuditSink(
                LogFileBackend.open(log.toString(), LogRotation.fromFlags(100, 0, 0, false)),
                BufferConfig.logDefaults(), counters)) {
            for (int n = 0; n < 300; n++) {
                sink.process(event(n, AuditStage.REQUEST_RECEIVED));
                sink.process(event(n, AuditStage.RESPONSE_COMPLETE));
            }
        }
        assertThat(counters.eventsGenerated()).isEqualTo(600);
        assertThat(counters.written("log")).isEqualTo(600);

        List<dev.caravel.audit.event.AuditEvent> read = Collections.synchronizedList(new ArrayList<>());
        InputProblems problems = new InputProblems(InputProblems.DEFAULT_LISTED);
        ReadStatistics statistics = new AuditLogReader(ReaderOptions.singleThreaded()).read(
                List.of(AuditSource.file(log)), Collector::new, c -> read.addAll(c.events), problems);
        assertThat(problems.total()).isZero();
        assertThat(statistics.events()).isEqualTo(600);
        assertThat(statistics.eventsByStage()).containsEntry(AuditStage.RESPONSE_COMPLETE, 300L)
                .containsEntry(AuditStage.REQUEST_RECEIVED, 300L);
        dev.caravel.audit.event.AuditEvent complete = read.stream()
                .filter(e -> e.stage() == AuditStage.RESPONSE_COMPLETE).findFirst().orElseThrow();
        assertThat(complete.apiVersion()).isEqualTo("audit.k8s.io/v1");
        assertThat(complete.username()).isEqualTo("user-0");
        assertThat(complete.verb()).isEqualTo("list");
        assertThat(complete.objectResource()).isEqualTo("pods");
        assertThat(complete.objectNamespace()).isEqualTo("default");
        assertThat(complete.userAgent()).isEqualTo("test/1.0");
        assertThat(complete.durationMicros()).isEqualTo(1_500);
        assertThat(complete.requestUri()).isEqualTo("/api/v1/namespaces/default/pods?limit=500&resourceVersion=0");
    }

    static final class Collector implements Consumer<dev.caravel.audit.event.AuditEvent> {
        final List<dev.caravel.audit.event.AuditEvent> events = new ArrayList<>();

        @Override
        public void accept(dev.caravel.audit.event.AuditEvent event) {
            events.add(event);
        }
    }
}
