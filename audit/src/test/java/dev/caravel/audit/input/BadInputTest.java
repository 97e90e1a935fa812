package dev.caravel.audit.input;

import static dev.caravel.audit.event.AuditLines.at;
import static dev.caravel.audit.event.AuditLines.event;
import static dev.caravel.audit.event.AuditLines.line;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.audit.event.AuditEvent;
import dev.caravel.audit.event.AuditLines;
import dev.caravel.audit.event.AuditLogReader;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.event.ReaderOptions;
import dev.caravel.audit.input.InputProblem.Kind;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class BadInputTest {

    private static ObjectNode good(String user) {
        return event("audit.k8s.io/v1", "ResponseComplete", user, "get", "pods", "default", at(0), at(100));
    }

    private record Outcome(List<AuditEvent> events, InputProblems problems) {
    }

    private static Outcome read(byte[] log, int listed) throws IOException {
        List<AuditEvent> events = new ArrayList<>();
        InputProblems problems = new InputProblems(listed);
        // Single-threaded: one chunk at a time, so every partial can add to the same list.
        new AuditLogReader(ReaderOptions.singleThreaded()).read(
                List.of(AuditSource.of("audit.log", () -> new ByteArrayInputStream(log))),
                () -> (Consumer<AuditEvent>) events::add, c -> { }, problems);
        return new Outcome(events, problems);
    }

    @Test
    void eachKindOfBadLineIsReportedWithItsLineNumberAndTheGoodLinesStillCount() throws IOException {
        ObjectNode noReceived = good("carol");
        noReceived.remove("requestReceivedTimestamp");
        ObjectNode nullStage = good("dave");
        nullStage.putNull("stageTimestamp");
        ObjectNode badTime = good("erin");
        badTime.put("stageTimestamp", "last tuesday");
        ObjectNode alpha = good("frank");
        alpha.put("apiVersion", "audit.k8s.io/v1alpha1");
        ObjectNode noStage = good("grace");
        noStage.remove("stage");
        ObjectNode backwards = event("audit.k8s.io/v1", "ResponseComplete", "heidi", "get", "pods", "default",
                at(500), at(100));
        ObjectNode wrongKind = good("ivan");
        wrongKind.put("kind", "Policy");
        String truncated = line(good("judy"));
        byte[] log = (String.join("\n",
                line(good("alice")),                 // 1
                "this is not json",                   // 2
                line(noReceived),                     // 3
                line(nullStage),                      // 4
                line(badTime),                        // 5
                line(alpha),                          // 6
                "",                                   // 7 blank: not a problem
                line(noStage),                        // 8
                line(backwards),                      // 9
                line(wrongKind),                      // 10
                line(good("bob")) + " {}",            // 11 two values on one line
                "[1, 2]",                             // 12
                line(good("mallory")),                // 13
                truncated.substring(0, truncated.length() / 2)) // 14, no newline
        ).getBytes(StandardCharsets.UTF_8);

        Outcome outcome = read(log, 100);

        assertThat(outcome.events()).extracting(AuditEvent::username).containsExactly("alice", "mallory");
        assertThat(outcome.problems().listed()).extracting(p -> p.line() + " " + p.kind()).containsExactly(
                "2 MALFORMED_JSON",
                "3 MISSING_TIMESTAMP",
                "4 MISSING_TIMESTAMP",
                "5 INVALID_TIMESTAMP",
                "6 UNKNOWN_API_VERSION",
                "8 MISSING_STAGE",
                "9 STAGE_BEFORE_RECEIVED",
                "10 UNKNOWN_KIND",
                "11 MALFORMED_JSON",
                "12 MALFORMED_JSON",
                "14 TRUNCATED_LAST_LINE");
        assertThat(outcome.problems().listed()).allSatisfy(p -> assertThat(p.source()).isEqualTo("audit.log"));
        assertThat(outcome.problems().listed().get(3).detail()).contains("last tuesday");
        assertThat(outcome.problems().listed().get(4).detail()).contains("audit.k8s.io/v1alpha1");
    }

    @Test
    void aCompleteLastLineWithoutNewlineIsAnEventNotAProblem() throws IOException {
        byte[] log = line(good("alice")).getBytes(StandardCharsets.UTF_8);

        Outcome outcome = read(log, 10);

        assertThat(outcome.events()).hasSize(1);
        assertThat(outcome.problems().total()).isZero();
    }

    @Test
    void everyProblemIsCountedButOnlyTheFirstOnesAreListed() throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 1_000; i++) {
            log.append("garbage ").append(i).append('\n');
        }
        Outcome outcome = read(log.toString().getBytes(StandardCharsets.UTF_8), 5);

        assertThat(outcome.problems().total()).isEqualTo(1_000);
        assertThat(outcome.problems().count(Kind.MALFORMED_JSON)).isEqualTo(1_000);
        assertThat(outcome.problems().listed()).extracting(InputProblem::line).containsExactly(1L, 2L, 3L, 4L, 5L);
    }

    @Test
    void anEventListOfAnUnknownVersionIsOneProblemAndItsBadItemsAreEach() throws IOException {
        ObjectNode noTime = good("bob");
        noTime.remove("stageTimestamp");
        byte[] log = AuditLines.lines(
                AuditLines.eventList("audit.k8s.io/v2", good("alice")),
                AuditLines.eventList("audit.k8s.io/v1", good("alice"), noTime));

        Outcome outcome = read(log, 10);

        assertThat(outcome.events()).extracting(AuditEvent::username).containsExactly("alice");
        assertThat(outcome.problems().listed()).extracting(p -> p.line() + " " + p.kind())
                .containsExactly("1 UNKNOWN_API_VERSION", "2 MISSING_TIMESTAMP");
    }

    @Test
    void aGzipFileCutShortKeepsTheEventsBeforeTheCutAndSaysWhere() throws IOException {
        StringBuilder log = new StringBuilder();
        for (int i = 0; i < 2_000; i++) {
            log.append(line(good("user-" + i))).append('\n');
        }
        byte[] gzip = AuditLines.gzip(log.toString().getBytes(StandardCharsets.UTF_8));
        byte[] cut = java.util.Arrays.copyOf(gzip, gzip.length / 2);

        Outcome outcome = read(cut, 10);

        assertThat(outcome.events()).hasSizeBetween(100, 1_999);
        assertThat(outcome.problems().count(Kind.CORRUPT_COMPRESSION)).isEqualTo(1);
        InputProblem last = outcome.problems().listed().get(outcome.problems().listed().size() - 1);
        assertThat(last.kind()).isEqualTo(Kind.CORRUPT_COMPRESSION);
        assertThat(last.line()).isGreaterThanOrEqualTo(outcome.events().size());
    }
}
