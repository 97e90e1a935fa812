package dev.caravel.audit.analysis;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Query time per group per time bucket: the data behind the "share of query time over time"
 * chart. A request spanning several buckets adds to each the part of it that falls there, so a
 * bucket's total divided by its width is the mean concurrency in that bucket.
 *
 * @param startMicros  start of the first bucket, a multiple of the bucket width since the epoch
 *                     so that charts of two logs line up
 * @param bucketMicros bucket width
 * @param seconds      query seconds per bucket for each group (every group analysed)
 * @param totalSeconds query seconds per bucket, all groups together
 */
public record ShareTimeline(long startMicros, long bucketMicros, Map<String, double[]> seconds, double[] totalSeconds) {

    /** Enough points for a chart a screen wide, few enough that the JSON stays small. */
    public static final int DEFAULT_MAX_BUCKETS = 120;

    private static final long MS = 1_000;
    private static final long S = 1_000_000;
    private static final long[] NICE_WIDTHS = {
        MS, 2 * MS, 5 * MS, 10 * MS, 20 * MS, 50 * MS, 100 * MS, 200 * MS, 500 * MS,
        S, 2 * S, 5 * S, 10 * S, 15 * S, 30 * S,
        60 * S, 120 * S, 300 * S, 600 * S, 900 * S, 1800 * S,
        3600 * S, 7200 * S, 3 * 3600 * S, 6 * 3600 * S, 12 * 3600 * S,
        86_400 * S, 2 * 86_400 * S, 7 * 86_400 * S,
    };

    public ShareTimeline {
        if (bucketMicros <= 0) {
            throw new IllegalArgumentException("bucket width must be positive");
        }
        seconds = Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }

    public int bucketCount() {
        return totalSeconds.length;
    }

    public long bucketStart(int bucket) {
        return startMicros + bucket * bucketMicros;
    }

    /** The group's share of the bucket's query time, 0 to 1; 0 when nothing ran in the bucket. */
    public double share(String key, int bucket) {
        double[] s = seconds.get(key);
        if (s == null || totalSeconds[bucket] <= 0) {
            return 0;
        }
        return s[bucket] / totalSeconds[bucket];
    }

    /**
     * Shares per bucket for the groups given, in that order, plus one last row for all other
     * groups together: the rows of a stacked area chart that sums to 1 wherever anything ran.
     */
    public double[][] sharesOf(List<String> keys) {
        double[][] rows = new double[keys.size() + 1][bucketCount()];
        for (int b = 0; b < bucketCount(); b++) {
            if (totalSeconds[b] <= 0) {
                continue;
            }
            double listed = 0;
            for (int k = 0; k < keys.size(); k++) {
                rows[k][b] = share(keys.get(k), b);
                listed += rows[k][b];
            }
            rows[keys.size()][b] = Math.max(0, 1 - listed);
        }
        return rows;
    }

    /** The smallest round width (1 ms, 2 ms, 5 ms ... 1 s, 5 s, 1 min, 1 h ... 1 week) giving at most maxBuckets buckets. */
    public static long chooseBucketMicros(long windowMicros, int maxBuckets) {
        for (long width : NICE_WIDTHS) {
            if (Math.ceilDiv(Math.max(windowMicros, 1), width) <= maxBuckets) {
                return width;
            }
        }
        return Math.ceilDiv(windowMicros, maxBuckets);
    }

    /** Adds the interval [start, end) to the buckets it overlaps; {@code into} is indexed by bucket. */
    static void spread(long start, long end, long timelineStart, long width, double[] into) {
        if (end <= start) {
            return;
        }
        int first = (int) Math.max(0, (start - timelineStart) / width);
        int last = (int) Math.min(into.length - 1, (end - 1 - timelineStart) / width);
        for (int b = first; b <= last; b++) {
            long bucketStart = timelineStart + b * width;
            long overlap = Math.min(end, bucketStart + width) - Math.max(start, bucketStart);
            if (overlap > 0) {
                into[b] += overlap / 1e6;
            }
        }
    }
}
