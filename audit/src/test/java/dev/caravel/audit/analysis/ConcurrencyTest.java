package dev.caravel.audit.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

class ConcurrencyTest {

    private static IntervalList intervals(long... startEndPairs) {
        IntervalList list = new IntervalList();
        for (int i = 0; i < startEndPairs.length; i += 2) {
            list.add(startEndPairs[i], startEndPairs[i + 1]);
        }
        return list;
    }

    @Test
    void theWorkedExampleOfTheJavadocPeaksAtThreeAtFive() {
        // [0,10) [2,5) [5,8) [5,6): at 5, [2,5) has ended and the two new ones have started.
        assertThat(Concurrency.peak(intervals(0, 10, 2, 5, 5, 8, 5, 6))).isEqualTo(new Concurrency.Peak(3, 5));
    }

    @Test
    void aRequestEndingWhenAnotherStartsDoesNotOverlapIt() {
        assertThat(Concurrency.peak(intervals(0, 5, 5, 10, 10, 15))).isEqualTo(new Concurrency.Peak(1, 0));
    }

    @Test
    void nestedRequestsAllCountAtTheInnermostStart() {
        assertThat(Concurrency.peak(intervals(0, 100, 10, 90, 20, 80, 30, 70, 85, 95)))
                .isEqualTo(new Concurrency.Peak(4, 30));
    }

    @Test
    void zeroLengthRequestsAreNeverInProgress() {
        assertThat(Concurrency.peak(intervals(5, 5, 5, 5))).isEqualTo(Concurrency.Peak.NONE);
        assertThat(Concurrency.peak(intervals(0, 10, 5, 5))).isEqualTo(new Concurrency.Peak(1, 0));
    }

    @Test
    void noRequestsMeansNoPeak() {
        assertThat(Concurrency.peak(new IntervalList())).isEqualTo(Concurrency.Peak.NONE);
    }

    @Test
    void randomIntervalsPeakAsCountedByBruteForceAtEveryStartInstant() {
        Random random = new Random(20261125);
        for (int round = 0; round < 500; round++) {
            int n = 1 + random.nextInt(60);
            int span = 1 + random.nextInt(200);
            IntervalList list = new IntervalList();
            long[] s = new long[n];
            long[] e = new long[n];
            for (int i = 0; i < n; i++) {
                s[i] = random.nextInt(span);
                e[i] = s[i] + random.nextInt(1 + span / 4);
                list.add(s[i], e[i]);
            }
            // Brute force: the count only rises at a start, so the peak is at some start instant.
            int best = 0;
            long bestAt = 0;
            for (long t = 0; t <= span * 2L; t++) {
                int count = 0;
                for (int i = 0; i < n; i++) {
                    if (s[i] <= t && t < e[i]) {
                        count++;
                    }
                }
                if (count > best) {
                    best = count;
                    bestAt = t;
                }
            }
            Concurrency.Peak expected = best == 0 ? Concurrency.Peak.NONE : new Concurrency.Peak(best, bestAt);
            assertThat(Concurrency.peak(list)).as("round %d", round).isEqualTo(expected);
        }
    }
}
