package dev.caravel.audit.event;

import static dev.caravel.audit.event.AuditLines.at;
import static dev.caravel.audit.event.AuditLines.event;
import static dev.caravel.audit.event.AuditLines.line;
import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.audit.input.InputProblem;
import dev.caravel.audit.input.InputProblem.Kind;
import dev.caravel.audit.input.InputProblems;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogReaderTest {

    @TempDir
    Path dir;

    /** Collects events; one per chunk, merged in order. */
    static final class Collected implements Consumer<AuditEvent> {
        final List<AuditEvent> events = new ArrayList<>();

        @Override
        public void accept(AuditEvent e) {
            events.add(e);
        }
    }

    record Result(List<AuditEvent> events, InputProblems problems, ReadStatistics statistics) {
    }

    static Result read(ReaderOptions options, AuditSource... sources) throws IOException {
        List<AuditEvent> all = Collections.synchronizedList(new ArrayList<>());
        InputProblems problems = new InputProblems(100);
        ReadStatistics stats = new AuditLogReader(options)
                .read(List.of(sources), Collected::new, c -> all.addAll(c.events), problems);
        return new Result(all, problems, stats);
    }

    static AuditSource bytes(String name, byte[] content) {
        return AuditSource.of(name, () -> new ByteArrayInputStream(content));
    }

    @Test
    void v1EventsAreReadWithTheFieldsTheAnalysisNeeds() throws IOException {
        byte[] log = AuditLines.lines(
                line(event("audit.k8s.io/v1", "RequestReceived", "alice", "list", "pods", "default", at(0), at(0))),
                line(event("audit.k8s.io/v1", "ResponseComplete", "alice", "list", "pods", "default", at(0), at(2_500_000))));
        Result r = read(ReaderOptions.singleThreaded(), bytes("audit.log", log));

        assertThat(r.events()).hasSize(2);
        AuditEvent complete = r.events().get(1);
        assertThat(complete.stage()).isEqualTo(AuditStage.RESPONSE_COMPLETE);
        assertThat(complete.username()).isEqualTo("alice");
        assertThat(complete.verb()).isEqualTo("list");
        assertThat(complete.objectResource()).isEqualTo("pods");
        assertThat(complete.objectNamespace()).isEqualTo("default");
        assertThat(complete.userAgent()).isEqualTo("test-agent/1.0 (alice)");
        assertThat(complete.requestUri()).isEqualTo("/api/v1/namespaces/default/pods");
        assertThat(complete.durationMicros()).isEqualTo(2_500_000);
        assertThat(r.problems().total()).isZero();
        assertThat(r.statistics().lines()).isEqualTo(2);
        assertThat(r.statistics().eventsByStage()).containsEntry(AuditStage.REQUEST_RECEIVED, 1L)
                .containsEntry(AuditStage.RESPONSE_COMPLETE, 1L);
    }

    @Test
    void v1beta1EventsWithTheirMetadataAndTimestampFieldsAreRead() throws IOException {
        byte[] log = AuditLines.lines(
                line(event("audit.k8s.io/v1beta1", "ResponseComplete", "bob", "get", "nodes", null, at(0), at(7_000))));
        Result r = read(ReaderOptions.singleThreaded(), bytes("old.log", log));

        assertThat(r.events()).singleElement().satisfies(e -> {
            assertThat(e.apiVersion()).isEqualTo("audit.k8s.io/v1beta1");
            assertThat(e.username()).isEqualTo("bob");
            assertThat(e.objectNamespace()).isNull();
            assertThat(e.durationMicros()).isEqualTo(7_000);
        });
    }

    @Test
    void gzipIsRecognisedByItsMagicBytesWhateverTheFileName() throws IOException {
        byte[] plain = AuditLines.lines(
                line(event("audit.k8s.io/v1", "ResponseComplete", "alice", "get", "pods", "default", at(0), at(1))),
                line(event("audit.k8s.io/v1beta1", "ResponseComplete", "bob", "get", "pods", "default", at(0), at(2))));
        Path file = dir.resolve("audit.log.1");
        Files.write(file, AuditLines.gzip(plain));

        Result r = read(ReaderOptions.singleThreaded(), AuditSource.file(file));

        assertThat(r.events()).extracting(AuditEvent::username).containsExactly("alice", "bob");
        assertThat(r.statistics().bytes()).isEqualTo(plain.length);
    }

    @Test
    void anEventListLineYieldsEachOfItsItems() throws IOException {
        String list = AuditLines.eventList("audit.k8s.io/v1",
                event("audit.k8s.io/v1", "ResponseComplete", "alice", "get", "pods", "default", at(0), at(10)),
                event("audit.k8s.io/v1", "ResponseComplete", "bob", "get", "pods", "default", at(0), at(20)));
        Result r = read(ReaderOptions.singleThreaded(), bytes("webhook.log", AuditLines.lines(list)));

        assertThat(r.events()).extracting(AuditEvent::username).containsExactly("alice", "bob");
        assertThat(r.events()).allSatisfy(e -> assertThat(e.apiVersion()).isEqualTo("audit.k8s.io/v1"));
    }

    @Test
    void parallelReadingOfSmallChunksGivesTheSameEventsInTheSameOrder() throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 5_000; i++) {
            log.append(line(event("audit.k8s.io/v1", "ResponseComplete", "user-" + i, "get", "pods", "default",
                    at(i), at(i + 10)))).append('\n');
            if (i % 1000 == 999) {
                log.append("not json at all\n");
            }
        }
        byte[] bytes = log.toString().getBytes(StandardCharsets.UTF_8);

        Result single = read(ReaderOptions.singleThreaded(), bytes("a", bytes));
        Result parallel = read(new ReaderOptions(3, 4096), bytes("a", bytes));

        assertThat(parallel.events()).hasSize(5_000).isEqualTo(single.events());
        assertThat(parallel.problems().listed()).isEqualTo(single.problems().listed())
                .extracting(InputProblem::line).containsExactly(1001L, 2002L, 3003L, 4004L, 5005L);
        assertThat(parallel.statistics().lines()).isEqualTo(5_005);
    }

    @Test
    void aLineLongerThanAChunkIsReadWhole() throws IOException {
        var big = event("audit.k8s.io/v1", "ResponseComplete", "alice", "create", "configmaps", "default", at(0), at(5));
        big.putObject("requestObject").put("data", "x".repeat(20_000));
        byte[] log = AuditLines.lines(line(big), line(big));

        Result r = read(new ReaderOptions(2, 1024), bytes("a", log));

        assertThat(r.events()).hasSize(2);
        assertThat(r.problems().total()).isZero();
    }

    @Test
    void severalSourcesAreNumberedEachFromLineOne() throws IOException {
        byte[] bad = AuditLines.lines("{", "{");
        Result r = read(ReaderOptions.singleThreaded(), bytes("a.log", bad), bytes("b.log", bad));

        assertThat(r.problems().listed()).extracting(p -> p.source() + ":" + p.line())
                .containsExactly("a.log:1", "a.log:2", "b.log:1", "b.log:2");
        assertThat(r.problems().count(Kind.MALFORMED_JSON)).isEqualTo(4);
    }

    @Test
    void theWordAtATimeNewlineSearchFindsTheFirstNewlineAtEveryOffset() {
        java.util.Random random = new java.util.Random(1);
        for (int round = 0; round < 2_000; round++) {
            byte[] bytes = new byte[random.nextInt(40)];
            for (int i = 0; i < bytes.length; i++) {
                // Bytes next to '\n' (0x0A) in value, and high bytes, are where a word trick would slip.
                byte[] tricky = {0x0B, 0x09, (byte) 0x8A, (byte) 0xFF, 0x00, 'a', 0x0A};
                bytes[i] = random.nextInt(12) == 0 ? 0x0A : tricky[random.nextInt(tricky.length - 1)];
            }
            int from = bytes.length == 0 ? 0 : random.nextInt(bytes.length);
            int expected = -1;
            for (int i = from; i < bytes.length; i++) {
                if (bytes[i] == '\n') {
                    expected = i;
                    break;
                }
            }
            assertThat(AuditLogReader.ChunkTask.indexOf(bytes, from, bytes.length)).isEqualTo(expected);
        }
    }
}
