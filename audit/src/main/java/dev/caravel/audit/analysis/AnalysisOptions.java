package dev.caravel.audit.analysis;

import java.util.Objects;

/**
 * @param timelineBuckets most buckets in the share timeline; the width is rounded up to a round duration
 */
public record AnalysisOptions(GroupBy groupBy, EventFilter filter, int timelineBuckets) {

    public AnalysisOptions {
        Objects.requireNonNull(groupBy, "groupBy");
        Objects.requireNonNull(filter, "filter");
        if (timelineBuckets < 1) {
            throw new IllegalArgumentException("timelineBuckets must be >= 1, got " + timelineBuckets);
        }
    }

    public static AnalysisOptions byUser() {
        return new AnalysisOptions(GroupBy.USER, EventFilter.none(), ShareTimeline.DEFAULT_MAX_BUCKETS);
    }

    public AnalysisOptions withGroupBy(GroupBy newGroupBy) {
        return new AnalysisOptions(newGroupBy, filter, timelineBuckets);
    }

    public AnalysisOptions withFilter(EventFilter newFilter) {
        return new AnalysisOptions(groupBy, newFilter, timelineBuckets);
    }
}
