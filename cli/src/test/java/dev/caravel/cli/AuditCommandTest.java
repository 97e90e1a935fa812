package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.audit.synthetic.SyntheticAuditLog;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.zip.GZIPOutputStream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class AuditCommandTest {

    @TempDir
    static Path dir;

    static Path stormLog;

    /** Incident 3, shortened: 6 minutes of a 300-node cluster with a 2-minute storm of ~100 lists in flight. */
    @BeforeAll
    static void writeNodeGroupStormLog() throws IOException {
        SyntheticAuditLog.Settings settings = new SyntheticAuditLog.Settings(Instant.parse("2026-11-02T09:00:00Z"),
                Duration.ofMinutes(6), 12, 100, Duration.ofMinutes(2), Duration.ofMinutes(2), 300, 3, "audit.k8s.io/v1");
        stormLog = dir.resolve("audit.log.gz");
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(stormLog))) {
            new SyntheticAuditLog(settings).write(out, Long.MAX_VALUE);
        }
    }

    record Run(int exitCode, String out, String err) {
    }

    private static Run run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CaravelCommand());
        cli.setOut(new PrintWriter(out));
        cli.setErr(new PrintWriter(err));
        int code = cli.execute(args);
        return new Run(code, out.toString(), err.toString());
    }

    @Test
    void oneCommandNamesTheNodeGroupControllerAsTheUserLoadingTheServer() {
        Run run = run("audit", stormLog.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        String firstRow = run.out().lines().filter(l -> l.matches("^\\s*1\\s.*")).findFirst().orElseThrow();
        assertThat(firstRow).contains(SyntheticAuditLog.STORM_USER);
        assertThat(run.out()).contains("Long-running requests").contains("Unreadable lines: none");
    }

    @Test
    void jsonOutputGivesTheCulpritsConcurrencyForScripts() throws IOException {
        Run run = run("audit", "--format", "json", "--top", "3", stormLog.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        JsonNode report = new ObjectMapper().readTree(run.out());
        assertThat(report.get("schemaVersion").asInt()).isEqualTo(1);
        assertThat(report.get("groupBy").asText()).isEqualTo("user");
        JsonNode first = report.get("groups").get(0);
        assertThat(first.get("key").asText()).isEqualTo(SyntheticAuditLog.STORM_USER);
        // ~100 in flight for 2 of the 6 minutes: a mean of about 33 over the window, peaks above 100.
        assertThat(first.get("meanConcurrency").asDouble()).isBetween(25.0, 40.0);
        assertThat(first.get("peakConcurrency").asInt()).isGreaterThan(100);
        assertThat(first.get("share").asDouble()).isGreaterThan(0.5);
        assertThat(report.get("groups")).hasSize(3);
        assertThat(report.get("longRunning").size()).isPositive();
        assertThat(report.at("/input/problems/total").asLong()).isZero();
        assertThat(report.at("/timeline/series").size()).isEqualTo(4);
    }

    @Test
    void duringTheStormTheControllerHoldsAboutAHundredListsInFlight() throws IOException {
        Run run = run("audit", "--format", "json", "--since", "2026-11-02T09:02:30Z", "--until", "2026-11-02T09:03:30",
                "--verb", "list", stormLog.toString());

        JsonNode first = new ObjectMapper().readTree(run.out()).get("groups").get(0);
        assertThat(first.get("key").asText()).isEqualTo(SyntheticAuditLog.STORM_USER);
        assertThat(first.get("meanConcurrency").asDouble()).isBetween(85.0, 115.0);
    }

    @Test
    void theWindowAndUserFiltersNarrowTheAnalysis() throws IOException {
        Run before = run("audit", "--format", "json", "--until", "2026-11-02T09:02:00Z", stormLog.toString());
        JsonNode report = new ObjectMapper().readTree(before.out());
        assertThat(report.get("groups").findValuesAsText("key")).doesNotContain(SyntheticAuditLog.STORM_USER);
        assertThat(report.at("/window/seconds").asDouble()).isLessThanOrEqualTo(120.0);

        Run onlyKubeletLeases = run("audit", "--format", "json", "--verb", "update", "--resource", "leases",
                "--by", "verb", stormLog.toString());
        JsonNode byVerb = new ObjectMapper().readTree(onlyKubeletLeases.out());
        assertThat(byVerb.get("groups").findValuesAsText("key")).containsExactly("update");
    }

    @Test
    void theChartAndThePageAreWrittenAndThePageFetchesNothing() throws IOException {
        Path png = dir.resolve("share.png");
        Path html = dir.resolve("share.html");
        Run run = run("audit", "--png", png.toString(), "--html", html.toString(), stormLog.toString());

        assertThat(run.exitCode()).as(run.err()).isZero();
        var image = ImageIO.read(png.toFile());
        assertThat(image.getWidth()).isGreaterThan(800);
        String page = Files.readString(html);
        assertThat(page).startsWith("<!DOCTYPE html>").contains("<svg").contains(SyntheticAuditLog.STORM_USER);
        assertThat(page).doesNotContain("src=").doesNotContain("href=").doesNotContain("@import");
    }

    @Test
    void standardInputIsReadWhenTheFileIsADash() {
        String line = "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"stage\":\"ResponseComplete\","
                + "\"verb\":\"list\",\"user\":{\"username\":\"piped\"},\"requestReceivedTimestamp\":\"2026-11-02T09:00:00.000000Z\","
                + "\"stageTimestamp\":\"2026-11-02T09:00:01.500000Z\"}\nnot json\n";
        InputStream stdin = System.in;
        try {
            System.setIn(new ByteArrayInputStream(line.getBytes(StandardCharsets.UTF_8)));
            Run run = run("audit", "-");
            assertThat(run.exitCode()).isZero();
            assertThat(run.out()).contains("piped").contains("1.5 s").contains("-:2: not a JSON object");
        } finally {
            System.setIn(stdin);
        }
    }

    @Test
    void aMissingFileIsAnErrorAndABadOptionIsAUsageError() {
        Run missing = run("audit", dir.resolve("nope.log").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("no such file");

        Run badBy = run("audit", "--by", "colour", stormLog.toString());
        assertThat(badBy.exitCode()).isEqualTo(2);
        assertThat(badBy.err()).contains("unknown grouping 'colour'");
    }
}
