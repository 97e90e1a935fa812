package dev.caravel.audit.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.audit.analysis.AnalysisOptions;
import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.QueryTimeAnalyser;
import dev.caravel.audit.event.AuditEvent;
import dev.caravel.audit.event.AuditStage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class ReportsTest {

    private static final long S = 1_000_000;
    private static final long T0 = 1_793_610_000L * S; // 2026-11-02T09:00:00Z, a round minute

    /** "storm" holds 4 requests in flight for the middle 10 minutes of 30; 12 others do a little each. */
    private static AnalysisReport report() {
        List<AuditEvent> events = new ArrayList<>();
        for (long t = 10 * 60; t < 20 * 60; t += 1) {
            events.add(event("storm", T0 + t * S, T0 + (t + 4) * S));
        }
        for (int u = 0; u < 12; u++) {
            for (long t = 0; t < 30 * 60; t += 30) {
                events.add(event("user-" + u + "<&>", T0 + (t + u) * S, T0 + (t + u) * S + 500_000));
            }
        }
        events.add(new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, "watch", "kubelet", null, "pods",
                null, null, "/api/v1/pods?watch=true", T0, T0 + 600 * S));
        return new QueryTimeAnalyser(AnalysisOptions.byUser()).analyseEvents(events);
    }

    private static AuditEvent event(String user, long start, long end) {
        return new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, "list", user, "agent", "pods", null,
                "default", "/api/v1/pods", start, end);
    }

    @Test
    void theTableRanksTheTopGroupsInAlignedColumnsAndSummarisesTheRest() {
        StringWriter out = new StringWriter();
        TableReport.write(report(), 5, new PrintWriter(out));
        List<String> lines = out.toString().lines().toList();

        int header = lines.indexOf(lines.stream().filter(l -> l.startsWith("#  USER")).findFirst().orElseThrow());
        List<String> rows = lines.subList(header, header + 6);
        int requestsEnd = rows.get(0).indexOf("REQUESTS") + "REQUESTS".length();
        for (String row : rows) {
            assertThat(row.charAt(requestsEnd - 1)).as(row).isNotEqualTo(' ');
            assertThat(row.length() > requestsEnd ? row.charAt(requestsEnd) : ' ').as(row).isEqualTo(' ');
        }
        assertThat(rows.get(1)).contains("storm");
        assertThat(lines.get(header + 6)).contains("8 more");
        assertThat(out.toString()).contains("Long-running requests").contains("kubelet").contains("Unreadable lines: none");
    }

    @Test
    void theJsonReportHasItsDocumentedFieldNames() throws IOException {
        StringWriter out = new StringWriter();
        JsonReport.write(report(), 3, out);
        JsonNode json = new ObjectMapper().readTree(out.toString());

        assertThat(names(json)).containsExactlyInAnyOrder("schemaVersion", "groupBy", "window", "totals", "groupCount",
                "groups", "longRunning", "timeline", "input");
        assertThat(names(json.get("groups").get(0))).containsExactlyInAnyOrder("key", "requests", "querySeconds",
                "share", "meanConcurrency", "peakConcurrency", "peakAt", "panics", "longRunningRequests",
                "longRunningSeconds");
        assertThat(json.get("groups").get(0).get("key").asText()).isEqualTo("storm");
        assertThat(json.get("groups").get(0).get("peakConcurrency").asInt()).isEqualTo(4);
        assertThat(json.get("groupCount").asInt()).isEqualTo(13);
        assertThat(names(json.get("timeline"))).containsExactlyInAnyOrder("start", "bucketSeconds", "totalSeconds", "series");
        assertThat(json.at("/timeline/series").size()).isEqualTo(4);
        assertThat(json.at("/longRunning/0/key").asText()).isEqualTo("kubelet");
        assertThat(names(json.at("/input/problems"))).containsExactlyInAnyOrder("total", "byKind", "listed");
        assertThat(json.at("/window/start").asText()).isEqualTo("2026-11-02T09:00:00.000000Z");
    }

    @Test
    void thePngShowsTheTopGroupsBandWhereItDominates() throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ShareChartPng.write(report(), 10, png);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));

        assertThat(image.getWidth()).isEqualTo(ShareChartPng.WIDTH);
        assertThat(image.getHeight()).isEqualTo(ShareChartPng.HEIGHT);
        // Half-way along the time axis the storm has nearly all query time: its colour, the first, fills the plot.
        int plotMiddleX = 70 + (ShareChartPng.WIDTH - 70 - 540 - 30) / 2;
        assertThat(image.getRGB(plotMiddleX, ShareChartPng.HEIGHT / 2) & 0xFFFFFF).isEqualTo(ShareChart.PALETTE[0]);
    }

    @Test
    void theHtmlPageIsSelfContainedEscapesNamesAndEmbedsTheJsonReport() throws IOException {
        StringWriter out = new StringWriter();
        ShareChartHtml.write(report(), 10, out);
        String page = out.toString();

        // Outside the script element, names are escaped; inside it, JSON needs only "</" escaped.
        String markup = page.substring(0, page.indexOf("<script"));
        assertThat(markup).contains("<svg").contains("user-0&lt;&amp;&gt;").doesNotContain("user-0<&>");
        assertThat(page).doesNotContain(" src=").doesNotContain(" href=").doesNotContain("<link");
        String json = page.substring(page.indexOf("id=\"report\">") + "id=\"report\">".length(), page.indexOf("</script>"));
        assertThat(new ObjectMapper().readTree(json).get("groups").get(0).get("key").asText()).isEqualTo("storm");
    }

    private static Set<String> names(JsonNode node) {
        Set<String> names = new TreeSet<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }
}
