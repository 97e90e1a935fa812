package dev.caravel.audit.report;

import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.GroupSummary;
import dev.caravel.audit.input.InputProblem;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The terminal table: the top groups by query time, long-running requests apart, then what the
 * input held and what could not be read. Columns are sized to their content, numbers right-aligned.
 */
public final class TableReport {

    /** Keys longer than this are cut in the middle so the table stays readable in a terminal. */
    static final int KEY_WIDTH = 64;

    private TableReport() {
    }

    public static void write(AnalysisReport report, int top, PrintWriter out) {
        String by = report.groupBy().optionName();
        out.printf("Query time by %s, %s to %s (%s)%n", by, Formats.instant(report.windowStartMicros()),
                Formats.instant(report.windowEndMicros()), Formats.duration(report.windowSeconds()));
        GroupSummary t = report.totals();
        out.printf("%s requests, %s of query time, mean concurrency %s, peak %d%s%n", Formats.count(t.requests()),
                Formats.seconds(t.querySeconds()), Formats.decimal(t.meanConcurrency()), t.peakConcurrency(),
                t.peakConcurrency() > 0 ? " at " + Formats.instant(t.peakAtMicros()) : "");
        out.println();

        List<GroupSummary> shown = limit(report.groups().stream().filter(g -> g.requests() > 0).toList(), top);
        if (shown.isEmpty()) {
            out.println("No requests in the window.");
        } else {
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"#", by.toUpperCase(java.util.Locale.ROOT), "REQUESTS", "QUERY TIME", "SHARE",
                "MEAN CONC", "PEAK", "PEAK AT", "PANICS"});
            int rank = 1;
            for (GroupSummary g : shown) {
                rows.add(new String[] {Integer.toString(rank++), Formats.shorten(g.key(), KEY_WIDTH),
                    Formats.count(g.requests()), Formats.seconds(g.querySeconds()), Formats.percent(g.share()),
                    Formats.decimal(g.meanConcurrency()), Integer.toString(g.peakConcurrency()),
                    g.peakConcurrency() > 0 ? Formats.instant(g.peakAtMicros()) : "-", Formats.count(g.panics())});
            }
            printAligned(rows, new boolean[] {true, false, true, true, true, true, true, false, true}, out);
            long withRequests = report.groups().stream().filter(g -> g.requests() > 0).count();
            if (withRequests > shown.size()) {
                double rest = report.groups().stream().skip(shown.size()).mapToDouble(GroupSummary::share).sum();
                out.printf("   ... %d more, %s of query time%n", withRequests - shown.size(), Formats.percent(rest));
            }
        }

        if (!report.longRunning().isEmpty()) {
            out.println();
            out.println("Long-running requests (watch, exec, attach, portforward, proxy, log -f), not in query time:");
            List<String[]> rows = new ArrayList<>();
            rows.add(new String[] {"#", by.toUpperCase(java.util.Locale.ROOT), "REQUESTS", "HELD OPEN"});
            int rank = 1;
            for (GroupSummary g : limit(report.longRunning(), top)) {
                rows.add(new String[] {Integer.toString(rank++), Formats.shorten(g.key(), KEY_WIDTH),
                    Formats.count(g.longRunningRequests()), Formats.seconds(g.longRunningSeconds())});
            }
            printAligned(rows, new boolean[] {true, false, true, true}, out);
            if (report.longRunning().size() > top && top > 0) {
                out.printf("   ... %d more%n", report.longRunning().size() - top);
            }
        }

        out.println();
        var input = report.input();
        out.printf("Input: %s lines, %s events (%s), %s blank lines, %s ending events filtered out%n",
                Formats.count(input.lines()), Formats.count(input.events()), stages(input.eventsByStage()),
                Formats.count(input.blankLines()), Formats.count(report.filteredOut()));
        var problems = report.problems();
        if (problems.total() == 0) {
            out.println("Unreadable lines: none");
        } else {
            StringBuilder kinds = new StringBuilder();
            for (Map.Entry<InputProblem.Kind, Long> e : problems.counts().entrySet()) {
                kinds.append(kinds.isEmpty() ? "" : ", ").append(e.getKey().description()).append(' ')
                        .append(Formats.count(e.getValue()));
            }
            out.printf("Unreadable lines: %s (%s)%n", Formats.count(problems.total()), kinds);
            for (InputProblem p : problems.listed()) {
                out.printf("  %s:%d: %s: %s%n", p.source(), p.line(), p.kind().description(), p.detail());
            }
            if (problems.total() > problems.listed().size()) {
                out.printf("  ... %s more not listed%n", Formats.count(problems.total() - problems.listed().size()));
            }
        }
        out.flush();
    }

    private static String stages(Map<dev.caravel.audit.event.AuditStage, Long> byStage) {
        StringBuilder s = new StringBuilder();
        for (var e : byStage.entrySet()) {
            s.append(s.isEmpty() ? "" : ", ").append(e.getKey().wireName()).append(' ').append(Formats.count(e.getValue()));
        }
        return s.isEmpty() ? "none" : s.toString();
    }

    private static <T> List<T> limit(List<T> list, int top) {
        return top <= 0 || list.size() <= top ? list : list.subList(0, top);
    }

    static void printAligned(List<String[]> rows, boolean[] rightAligned, PrintWriter out) {
        int[] widths = new int[rows.get(0).length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) {
                widths[i] = Math.max(widths[i], row[i].codePointCount(0, row[i].length()));
            }
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                int pad = widths[i] - row[i].codePointCount(0, row[i].length());
                if (i > 0) {
                    line.append("  ");
                }
                if (rightAligned[i]) {
                    line.append(" ".repeat(pad)).append(row[i]);
                } else {
                    line.append(row[i]);
                    if (i < row.length - 1) {
                        line.append(" ".repeat(pad));
                    }
                }
            }
            out.println(line);
        }
    }
}
