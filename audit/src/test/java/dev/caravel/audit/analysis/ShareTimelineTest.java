package dev.caravel.audit.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ShareTimelineTest {

    @Test
    void aRequestSpanningBucketsAddsToEachThePartThatFallsThere() {
        double[] buckets = new double[4];
        // Buckets of 1 s from 0: [0.5 s, 2.25 s) gives 0.5, 1, 0.25.
        ShareTimeline.spread(500_000, 2_250_000, 0, 1_000_000, buckets);
        assertThat(buckets).containsExactly(new double[] {0.5, 1.0, 0.25, 0}, within(1e-9));
    }

    @Test
    void theBucketWidthIsTheSmallestRoundDurationThatFits() {
        assertThat(ShareTimeline.chooseBucketMicros(20 * 60 * 1_000_000L, 120)).isEqualTo(10_000_000L);
        assertThat(ShareTimeline.chooseBucketMicros(7 * 86_400 * 1_000_000L, 120)).isEqualTo(2 * 3600 * 1_000_000L);
        assertThat(ShareTimeline.chooseBucketMicros(0, 120)).isEqualTo(1_000L);
    }

    @Test
    void sharesOfTheListedGroupsAndTheRestSumToOneWhereAnythingRan() {
        ShareTimeline timeline = new ShareTimeline(0, 1_000_000,
                Map.of("a", new double[] {3, 0, 1}, "b", new double[] {1, 0, 1}, "c", new double[] {0, 0, 2}),
                new double[] {4, 0, 4});
        double[][] rows = timeline.sharesOf(List.of("a", "b"));
        assertThat(rows[0]).containsExactly(new double[] {0.75, 0, 0.25}, within(1e-9));
        assertThat(rows[1]).containsExactly(new double[] {0.25, 0, 0.25}, within(1e-9));
        assertThat(rows[2]).containsExactly(new double[] {0, 0, 0.5}, within(1e-9));
    }
}
