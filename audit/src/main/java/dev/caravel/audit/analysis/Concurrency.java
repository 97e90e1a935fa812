package dev.caravel.audit.analysis;

/**
 * Peak concurrency of a set of request intervals: the largest number of requests in progress at
 * one instant, found by a sweep over the sorted start and end instants.
 *
 * <p>Intervals are half-open, [received, completed): a request that completes at the instant
 * another is received does not overlap it, and a zero-length request is never in progress.
 * Ends at an instant are taken before starts at the same instant, so the count after the last
 * start at instant t is exactly the number of requests in progress at t.
 *
 * <p>Worked example: [0,10) [2,5) [5,8) [5,6). At 0 one, at 2 two; at 5 [2,5) ends first (one),
 * then [5,8) and [5,6) start: three. Peak 3, first reached at 5.
 */
public final class Concurrency {

    /** The peak and the first instant it was reached; {@code atMicros} is meaningless when concurrency is 0. */
    public record Peak(int concurrency, long atMicros) {
        public static final Peak NONE = new Peak(0, 0);
    }

    private Concurrency() {
    }

    public static Peak peak(IntervalList intervals) {
        long[][] endpoints = intervals.sortedEndpoints();
        long[] starts = endpoints[0];
        long[] ends = endpoints[1];
        int current = 0;
        int best = 0;
        long bestAt = 0;
        int e = 0;
        for (long start : starts) {
            while (ends[e] <= start) {
                current--;
                e++;
            }
            current++;
            if (current > best) {
                best = current;
                bestAt = start;
            }
        }
        return best == 0 ? Peak.NONE : new Peak(best, bestAt);
    }
}
