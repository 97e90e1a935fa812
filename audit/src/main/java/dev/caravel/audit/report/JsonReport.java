package dev.caravel.audit.report;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.GroupSummary;
import dev.caravel.audit.analysis.ShareTimeline;
import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.event.MicroTimestamp;
import dev.caravel.audit.input.InputProblem;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

/**
 * The report as JSON for scripts. Field names are part of the interface and only ever added to:
 * {@code schemaVersion} says which set a script is reading. Durations are in seconds, instants
 * in RFC 3339 with microseconds (like the audit log's own), shares from 0 to 1.
 */
public final class JsonReport {

    public static final int SCHEMA_VERSION = 1;

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private JsonReport() {
    }

    public static void write(AnalysisReport report, int top, Writer out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.useDefaultPrettyPrinter();
            json.writeStartObject();
            json.writeNumberField("schemaVersion", SCHEMA_VERSION);
            json.writeStringField("groupBy", report.groupBy().optionName());

            json.writeObjectFieldStart("window");
            json.writeStringField("start", MicroTimestamp.format(report.windowStartMicros()));
            json.writeStringField("end", MicroTimestamp.format(report.windowEndMicros()));
            json.writeNumberField("seconds", report.windowSeconds());
            json.writeEndObject();

            json.writeFieldName("totals");
            group(json, report.totals(), false);

            List<GroupSummary> withRequests = report.groups().stream().filter(g -> g.requests() > 0).toList();
            List<GroupSummary> groups = limit(withRequests, top);
            json.writeNumberField("groupCount", withRequests.size());
            json.writeArrayFieldStart("groups");
            for (GroupSummary g : groups) {
                group(json, g, true);
            }
            json.writeEndArray();

            json.writeArrayFieldStart("longRunning");
            for (GroupSummary g : limit(report.longRunning(), top)) {
                json.writeStartObject();
                json.writeStringField("key", g.key());
                json.writeNumberField("requests", g.longRunningRequests());
                json.writeNumberField("heldSeconds", g.longRunningSeconds());
                json.writeEndObject();
            }
            json.writeEndArray();

            timeline(json, report.timeline(), groups.stream().map(GroupSummary::key).toList());
            input(json, report);
            json.writeEndObject();
        }
    }

    private static void group(JsonGenerator json, GroupSummary g, boolean withKey) throws IOException {
        json.writeStartObject();
        if (withKey) {
            json.writeStringField("key", g.key());
        }
        json.writeNumberField("requests", g.requests());
        json.writeNumberField("querySeconds", g.querySeconds());
        json.writeNumberField("share", g.share());
        json.writeNumberField("meanConcurrency", g.meanConcurrency());
        json.writeNumberField("peakConcurrency", g.peakConcurrency());
        if (g.peakConcurrency() > 0) {
            json.writeStringField("peakAt", MicroTimestamp.format(g.peakAtMicros()));
        } else {
            json.writeNullField("peakAt");
        }
        json.writeNumberField("panics", g.panics());
        json.writeNumberField("longRunningRequests", g.longRunningRequests());
        json.writeNumberField("longRunningSeconds", g.longRunningSeconds());
        json.writeEndObject();
    }

    private static void timeline(JsonGenerator json, ShareTimeline t, List<String> keys) throws IOException {
        json.writeObjectFieldStart("timeline");
        json.writeStringField("start", MicroTimestamp.format(t.startMicros()));
        json.writeNumberField("bucketSeconds", t.bucketMicros() / 1e6);
        json.writeArrayFieldStart("totalSeconds");
        for (double s : t.totalSeconds()) {
            json.writeNumber(round(s));
        }
        json.writeEndArray();
        double[][] shares = t.sharesOf(keys);
        json.writeArrayFieldStart("series");
        for (int k = 0; k <= keys.size(); k++) {
            json.writeStartObject();
            json.writeStringField("key", k < keys.size() ? keys.get(k) : null);
            json.writeBooleanField("others", k == keys.size());
            json.writeArrayFieldStart("share");
            for (double v : shares[k]) {
                json.writeNumber(round(v));
            }
            json.writeEndArray();
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
    }

    private static void input(JsonGenerator json, AnalysisReport report) throws IOException {
        var in = report.input();
        json.writeObjectFieldStart("input");
        json.writeArrayFieldStart("sources");
        for (String s : in.sources()) {
            json.writeString(s);
        }
        json.writeEndArray();
        json.writeNumberField("bytes", in.bytes());
        json.writeNumberField("lines", in.lines());
        json.writeNumberField("blankLines", in.blankLines());
        json.writeNumberField("events", in.events());
        json.writeObjectFieldStart("eventsByStage");
        for (AuditStage stage : AuditStage.values()) {
            json.writeNumberField(stage.wireName(), in.eventsByStage().getOrDefault(stage, 0L));
        }
        json.writeEndObject();
        json.writeNumberField("filteredOut", report.filteredOut());
        var problems = report.problems();
        json.writeObjectFieldStart("problems");
        json.writeNumberField("total", problems.total());
        json.writeObjectFieldStart("byKind");
        for (Map.Entry<InputProblem.Kind, Long> e : problems.counts().entrySet()) {
            json.writeNumberField(e.getKey().jsonName(), e.getValue());
        }
        json.writeEndObject();
        json.writeArrayFieldStart("listed");
        for (InputProblem p : problems.listed()) {
            json.writeStartObject();
            json.writeStringField("source", p.source());
            json.writeNumberField("line", p.line());
            json.writeStringField("kind", p.kind().jsonName());
            json.writeStringField("detail", p.detail());
            json.writeEndObject();
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeEndObject();
    }

    private static double round(double v) {
        return Math.round(v * 1e6) / 1e6;
    }

    private static <T> List<T> limit(List<T> list, int top) {
        return top <= 0 || list.size() <= top ? list : list.subList(0, top);
    }
}
