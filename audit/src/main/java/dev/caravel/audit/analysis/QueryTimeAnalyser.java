package dev.caravel.audit.analysis;

import dev.caravel.audit.event.AuditEvent;
import dev.caravel.audit.event.AuditLogReader;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.event.ReadStatistics;
import dev.caravel.audit.event.ReaderOptions;
import dev.caravel.audit.input.InputProblems;
import dev.caravel.audit.input.ProblemSummary;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Sums query time per user (or other grouping) over audit logs: the analysis that found the
 * node-group controller in incident 3.
 *
 * <p>A request is measured by the event that ends it, ResponseComplete or Panic, from
 * {@code requestReceivedTimestamp} to {@code stageTimestamp}. Panic counts: the server worked on
 * the request until it failed, and a storm of failing requests loads the server as much as a
 * storm of succeeding ones; kube-apiserver writes Panic instead of ResponseComplete, so nothing is
 * counted twice. RequestReceived and ResponseStarted events are read and counted but add no time
 * (their request's ending event does), so a log written with {@code omitStages: [RequestReceived]}
 * gives the same figures. Long-running requests ({@link LongRunningRequests}) are summed apart.
 *
 * <p>The window for mean concurrency is [--since, --until) when given; otherwise, on each open
 * side, from the earliest request or stage instant in the log to the latest stage instant (long
 * requests' start times are left out: a watch opened a day before the log starts would stretch
 * the window over a day of which the log knows nothing).
 *
 * <p>Memory: 16 bytes per counted request (for the peak sweep and the timeline) plus one entry
 * per group; the log itself is streamed.
 */
public final class QueryTimeAnalyser {

    private final AnalysisOptions options;
    private final ReaderOptions readerOptions;
    private final int listedProblems;

    public QueryTimeAnalyser(AnalysisOptions options, ReaderOptions readerOptions, int listedProblems) {
        this.options = options;
        this.readerOptions = readerOptions;
        this.listedProblems = listedProblems;
    }

    public QueryTimeAnalyser(AnalysisOptions options) {
        this(options, ReaderOptions.defaults(), InputProblems.DEFAULT_LISTED);
    }

    public AnalysisReport analyse(List<AuditSource> sources) throws IOException {
        Accumulation total = new Accumulation(options);
        InputProblems problems = new InputProblems(listedProblems);
        ReadStatistics statistics = new AuditLogReader(readerOptions)
                .read(sources, () -> new Accumulation(options), total::mergeFrom, problems);
        return total.finish(statistics, ProblemSummary.of(problems));
    }

    /** Builds a report from events already in memory (tests, and callers with their own source). */
    public AnalysisReport analyseEvents(Iterable<AuditEvent> events) {
        Accumulation total = new Accumulation(options);
        long count = 0;
        for (AuditEvent event : events) {
            total.accept(event);
            count++;
        }
        ReadStatistics statistics = new ReadStatistics(List.of(), 0, 0, 0, count, Map.of());
        return total.finish(statistics, ProblemSummary.of(new InputProblems(0)));
    }

    /** One group's running totals. */
    private static final class GroupTotals {
        final IntervalList intervals = new IntervalList();
        long requests;
        long panics;
        long queryMicros;
        long longRunningRequests;
        long longRunningMicros;

        void mergeFrom(GroupTotals other) {
            intervals.addAll(other.intervals);
            requests += other.requests;
            panics += other.panics;
            queryMicros += other.queryMicros;
            longRunningRequests += other.longRunningRequests;
            longRunningMicros += other.longRunningMicros;
        }
    }

    /**
     * Totals for one chunk of the log (on a parser thread) or for all of it (merged on the reader
     * thread). Owned by one thread at a time: the reader hands a chunk's instance over only once
     * the chunk is parsed.
     */
    private static final class Accumulation implements Consumer<AuditEvent> {
        private final AnalysisOptions options;
        private final EventFilter filter;
        private final Map<String, GroupTotals> groups = new HashMap<>();
        private long firstInstant = Long.MAX_VALUE;
        private long lastInstant = Long.MIN_VALUE;
        private long filteredOut;

        Accumulation(AnalysisOptions options) {
            this.options = options;
            this.filter = options.filter();
        }

        @Override
        public void accept(AuditEvent event) {
            long stageAt = event.stageMicros();
            if (filter.overlaps(stageAt, stageAt)) {
                firstInstant = Math.min(firstInstant, stageAt);
                lastInstant = Math.max(lastInstant, stageAt);
            }
            if (!event.stage().endsRequest()) {
                return;
            }
            long start = event.requestReceivedMicros();
            if (!filter.matchesAttributes(event) || !filter.overlaps(start, stageAt)) {
                filteredOut++;
                return;
            }
            long clippedStart = Math.max(start, filter.sinceMicros());
            long clippedEnd = Math.min(stageAt, filter.untilMicros());
            GroupTotals group = groups.computeIfAbsent(options.groupBy().keyOf(event), k -> new GroupTotals());
            if (LongRunningRequests.isLongRunning(event)) {
                group.longRunningRequests++;
                group.longRunningMicros += clippedEnd - clippedStart;
                return;
            }
            firstInstant = Math.min(firstInstant, clippedStart);
            group.requests++;
            if (event.stage() == dev.caravel.audit.event.AuditStage.PANIC) {
                group.panics++;
            }
            group.queryMicros += clippedEnd - clippedStart;
            group.intervals.add(clippedStart, clippedEnd);
        }

        void mergeFrom(Accumulation other) {
            for (Map.Entry<String, GroupTotals> e : other.groups.entrySet()) {
                GroupTotals mine = groups.get(e.getKey());
                if (mine == null) {
                    groups.put(e.getKey(), e.getValue());
                } else {
                    mine.mergeFrom(e.getValue());
                }
            }
            firstInstant = Math.min(firstInstant, other.firstInstant);
            lastInstant = Math.max(lastInstant, other.lastInstant);
            filteredOut += other.filteredOut;
        }

        AnalysisReport finish(ReadStatistics statistics, ProblemSummary problems) {
            long windowStart = filter.hasSince() ? filter.sinceMicros() : firstInstant;
            long windowEnd = filter.hasUntil() ? filter.untilMicros() : lastInstant;
            if (windowStart == Long.MAX_VALUE || windowEnd == Long.MIN_VALUE || windowEnd < windowStart) {
                // Nothing in the log fell in the window: an empty report, not an exception.
                windowStart = filter.hasSince() ? filter.sinceMicros() : 0;
                windowEnd = filter.hasUntil() ? filter.untilMicros() : windowStart;
            }
            long windowMicros = windowEnd - windowStart;

            long totalQueryMicros = 0;
            long totalRequests = 0;
            long totalPanics = 0;
            long totalLongRunning = 0;
            long totalLongRunningMicros = 0;
            IntervalList all = new IntervalList();
            for (GroupTotals g : groups.values()) {
                totalQueryMicros += g.queryMicros;
                totalRequests += g.requests;
                totalPanics += g.panics;
                totalLongRunning += g.longRunningRequests;
                totalLongRunningMicros += g.longRunningMicros;
                all.addAll(g.intervals);
            }

            long bucketMicros = ShareTimeline.chooseBucketMicros(windowMicros, options.timelineBuckets());
            long timelineStart = Math.floorDiv(windowStart, bucketMicros) * bucketMicros;
            int bucketCount = (int) Math.max(1, Math.ceilDiv(windowEnd - timelineStart, bucketMicros));
            double[] bucketTotals = new double[bucketCount];
            Map<String, double[]> bucketSeconds = new LinkedHashMap<>();

            List<GroupSummary> summaries = new ArrayList<>();
            for (Map.Entry<String, GroupTotals> e : groups.entrySet()) {
                GroupTotals g = e.getValue();
                Concurrency.Peak peak = Concurrency.peak(g.intervals);
                summaries.add(summary(e.getKey(), g.requests, g.queryMicros, totalQueryMicros, windowMicros, peak,
                        g.panics, g.longRunningRequests, g.longRunningMicros));
                double[] series = new double[bucketCount];
                for (int i = 0; i < g.intervals.size(); i++) {
                    ShareTimeline.spread(g.intervals.start(i), g.intervals.end(i), timelineStart, bucketMicros, series);
                }
                for (int b = 0; b < bucketCount; b++) {
                    bucketTotals[b] += series[b];
                }
                bucketSeconds.put(e.getKey(), series);
            }
            summaries.sort(Comparator.comparingDouble(GroupSummary::querySeconds).reversed()
                    .thenComparing(Comparator.comparingLong(GroupSummary::requests).reversed())
                    .thenComparing(GroupSummary::key));
            List<GroupSummary> longRunning = summaries.stream()
                    .filter(s -> s.longRunningRequests() > 0)
                    .sorted(Comparator.comparingDouble(GroupSummary::longRunningSeconds).reversed()
                            .thenComparing(Comparator.comparingLong(GroupSummary::longRunningRequests).reversed())
                            .thenComparing(GroupSummary::key))
                    .toList();
            GroupSummary totals = summary("total", totalRequests, totalQueryMicros, totalQueryMicros, windowMicros,
                    Concurrency.peak(all), totalPanics, totalLongRunning, totalLongRunningMicros);
            ShareTimeline timeline = new ShareTimeline(timelineStart, bucketMicros, bucketSeconds, bucketTotals);
            return new AnalysisReport(options.groupBy(), filter, windowStart, windowEnd, totals, summaries,
                    longRunning, timeline, statistics, problems, filteredOut);
        }

        private static GroupSummary summary(String key, long requests, long queryMicros, long totalQueryMicros,
                                            long windowMicros, Concurrency.Peak peak, long panics,
                                            long longRunningRequests, long longRunningMicros) {
            double share = totalQueryMicros == 0 ? 0 : (double) queryMicros / totalQueryMicros;
            double mean = windowMicros == 0 ? 0 : (double) queryMicros / windowMicros;
            return new GroupSummary(key, requests, queryMicros / 1e6, share, mean, peak.concurrency(),
                    peak.atMicros(), panics, longRunningRequests, longRunningMicros / 1e6);
        }
    }
}
