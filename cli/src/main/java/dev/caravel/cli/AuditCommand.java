package dev.caravel.cli;

import dev.caravel.audit.analysis.AnalysisOptions;
import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.EventFilter;
import dev.caravel.audit.analysis.GroupBy;
import dev.caravel.audit.analysis.QueryTimeAnalyser;
import dev.caravel.audit.analysis.ShareTimeline;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.event.MicroTimestamp;
import dev.caravel.audit.event.ReaderOptions;
import dev.caravel.audit.report.JsonReport;
import dev.caravel.audit.report.ShareChartHtml;
import dev.caravel.audit.report.ShareChartPng;
import dev.caravel.audit.report.TableReport;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code caravel audit}: who is loading the API server, from its audit logs. Works on any
 * Kubernetes cluster's logs (audit.k8s.io/v1 or v1beta1, one event a line, plain or gzip).
 */
@Command(name = "audit",
        description = "Sums API server query time per user (or user agent, verb, resource, namespace) from "
                + "audit logs, with each one's request count, share of query time, and mean and peak concurrency. "
                + "Watches and other long-running requests are reported apart. Lines that cannot be read are "
                + "counted and listed with their line numbers; they never stop the analysis.",
        footer = {"", "Examples:",
            "  caravel audit /var/log/kubernetes/audit/audit.log*",
            "  caravel audit --since 2026-11-02T09:00:00Z --png share.png audit.log",
            "  zcat audit-*.gz | caravel audit --by userAgent --format json -"},
        exitCodeListHeading = "Exit codes:%n",
        exitCodeList = {"0:analysed (even if some lines could not be read)", "1:an input could not be opened or read",
            "2:invalid command line"})
public final class AuditCommand implements Callable<Integer> {

    enum Format { table, json }

    @Spec
    CommandSpec spec;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help and exit.")
    boolean help;

    @Parameters(arity = "1..*", paramLabel = "FILE", description = "Audit log files, plain or gzip; - for standard input.")
    List<String> files = new ArrayList<>();

    @Option(names = "--by", paramLabel = "GROUPING", defaultValue = "user",
            description = "Group by user, userAgent, verb, resource or namespace (default: ${DEFAULT-VALUE}).")
    String by;

    @Option(names = "--top", paramLabel = "N", defaultValue = "10",
            description = "Rows to show; 0 for all (default: ${DEFAULT-VALUE}). The chart shows at most 10 bands.")
    int top;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
            description = "table or json (default: ${DEFAULT-VALUE}).")
    Format format;

    @Option(names = "--png", paramLabel = "FILE", description = "Also draw each group's share of query time over time as a PNG.")
    Path png;

    @Option(names = "--html", paramLabel = "FILE", description = "Also write a self-contained HTML page with the chart and the figures.")
    Path html;

    @Option(names = "--since", paramLabel = "TIME", description = "Start of the window, RFC 3339 (2026-11-02T09:00:00Z); UTC if no offset.")
    String since;

    @Option(names = "--until", paramLabel = "TIME", description = "End of the window (exclusive), RFC 3339.")
    String until;

    @Option(names = "--user", split = ",", paramLabel = "USER", description = "Only these users (repeat or comma-separate).")
    List<String> users = new ArrayList<>();

    @Option(names = "--verb", split = ",", paramLabel = "VERB", description = "Only these verbs (get, list, watch...).")
    List<String> verbs = new ArrayList<>();

    @Option(names = "--resource", split = ",", paramLabel = "RESOURCE", description = "Only these resources (pods, or pods/log for a subresource).")
    List<String> resources = new ArrayList<>();

    @Option(names = "--buckets", paramLabel = "N", defaultValue = "120", description = "Most time buckets in the chart (default: ${DEFAULT-VALUE}).")
    int buckets;

    @Option(names = "--list-problems", paramLabel = "N", defaultValue = "20",
            description = "Unreadable lines listed with their numbers; all are counted (default: ${DEFAULT-VALUE}).")
    int listProblems;

    @Option(names = "--threads", paramLabel = "N", description = "Parser threads (default: the number of processors).")
    Integer threads;

    @Override
    public Integer call() {
        AnalysisOptions options = options();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        List<AuditSource> sources = new ArrayList<>();
        long stdinCount = files.stream().filter("-"::equals).count();
        if (stdinCount > 1) {
            throw new ParameterException(spec.commandLine(), "standard input (-) can be given only once");
        }
        for (String file : files) {
            sources.add(file.equals("-") ? AuditSource.stdin() : AuditSource.file(Path.of(file)));
        }
        ReaderOptions reader = threads == null ? ReaderOptions.defaults()
                : new ReaderOptions(threads, ReaderOptions.DEFAULT_CHUNK_BYTES);
        AnalysisReport report;
        try {
            report = new QueryTimeAnalyser(options, reader, listProblems).analyse(sources);
        } catch (NoSuchFileException e) {
            err.println("caravel audit: no such file: " + e.getFile());
            return 1;
        } catch (IOException e) {
            err.println("caravel audit: cannot read the audit log: " + e);
            return 1;
        }
        try {
            if (format == Format.json) {
                JsonReport.write(report, top, out);
                out.println();
            } else {
                TableReport.write(report, top, out);
            }
            if (png != null) {
                try (OutputStream file = Files.newOutputStream(png)) {
                    ShareChartPng.write(report, top, file);
                }
                if (format == Format.table) {
                    out.println("Chart written to " + png);
                }
            }
            if (html != null) {
                try (Writer file = Files.newBufferedWriter(html, StandardCharsets.UTF_8)) {
                    ShareChartHtml.write(report, top, file);
                }
                if (format == Format.table) {
                    out.println("Page written to " + html);
                }
            }
        } catch (IOException e) {
            err.println("caravel audit: cannot write the report: " + e);
            return 1;
        }
        out.flush();
        return 0;
    }

    private AnalysisOptions options() {
        GroupBy groupBy;
        try {
            groupBy = GroupBy.fromOptionName(by);
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), "--by: " + e.getMessage());
        }
        if (top < 0) {
            throw new ParameterException(spec.commandLine(), "--top must be 0 (all) or more, got " + top);
        }
        if (buckets < 1 || listProblems < 0 || (threads != null && threads < 1)) {
            throw new ParameterException(spec.commandLine(), "--buckets and --threads must be >= 1, --list-problems >= 0");
        }
        long sinceMicros = since == null ? Long.MIN_VALUE : time("--since", since);
        long untilMicros = until == null ? Long.MAX_VALUE : time("--until", until);
        if (sinceMicros >= untilMicros) {
            throw new ParameterException(spec.commandLine(), "--since must be before --until");
        }
        EventFilter filter = EventFilter.none().withWindow(sinceMicros, untilMicros)
                .withUsers(new HashSet<>(users)).withVerbs(new HashSet<>(verbs)).withResources(new HashSet<>(resources));
        return new AnalysisOptions(groupBy, filter, buckets > 0 ? buckets : ShareTimeline.DEFAULT_MAX_BUCKETS);
    }

    private long time(String option, String text) {
        String withZone = text.matches(".*([Zz]|[+-]\\d\\d:\\d\\d)$") ? text : text + "Z";
        long micros = MicroTimestamp.parse(withZone);
        if (micros == MicroTimestamp.INVALID) {
            throw new ParameterException(spec.commandLine(),
                    option + ": '" + text + "' is not an RFC 3339 time such as 2026-11-02T09:00:00Z");
        }
        return micros;
    }
}
