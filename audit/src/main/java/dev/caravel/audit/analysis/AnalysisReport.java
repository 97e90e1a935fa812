package dev.caravel.audit.analysis;

import dev.caravel.audit.event.ReadStatistics;
import dev.caravel.audit.input.ProblemSummary;
import java.util.List;

/**
 * The result of one analysis.
 *
 * @param groups      every group with at least one request (short or long-running), by query time,
 *                    most first; ties by request count, then key, so the order is stable
 * @param longRunning the groups with long-running requests, by time held open, most first
 * @param totals      all groups together; its key is "total"
 * @param filteredOut ending events left out by the filters (user, verb, resource, time window)
 */
public record AnalysisReport(GroupBy groupBy, EventFilter filter, long windowStartMicros, long windowEndMicros,
                             GroupSummary totals, List<GroupSummary> groups, List<GroupSummary> longRunning,
                             ShareTimeline timeline, ReadStatistics input, ProblemSummary problems,
                             long filteredOut) {

    public AnalysisReport {
        groups = List.copyOf(groups);
        longRunning = List.copyOf(longRunning);
    }

    public double windowSeconds() {
        return Math.max(0, windowEndMicros - windowStartMicros) / 1e6;
    }

    /** True if no request counted: nothing to rank, and the window is empty. */
    public boolean isEmpty() {
        return totals.requests() == 0 && totals.longRunningRequests() == 0;
    }
}
