package dev.caravel.audit.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.caravel.audit.event.AuditEvent;
import dev.caravel.audit.event.AuditStage;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class QueryTimeAnalyserTest {

    private static final long S = 1_000_000;

    private static AuditEvent request(String user, String verb, String resource, long startSeconds, long endSeconds) {
        return requestMicros(user, verb, resource, startSeconds * S, endSeconds * S);
    }

    private static AuditEvent requestMicros(String user, String verb, String resource, long start, long end) {
        return new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, verb, user, "agent-" + user, resource,
                null, "ns-" + user, "/api/v1/" + resource, start, end);
    }

    private static AuditEvent withStage(AuditEvent e, AuditStage stage) {
        return new AuditEvent(e.apiVersion(), stage, e.verb(), e.username(), e.userAgent(), e.objectResource(),
                e.objectSubresource(), e.objectNamespace(), e.requestUri(), e.requestReceivedMicros(), e.stageMicros());
    }

    private static AnalysisReport analyse(AnalysisOptions options, AuditEvent... events) {
        return new QueryTimeAnalyser(options).analyseEvents(List.of(events));
    }

    private static GroupSummary group(AnalysisReport report, String key) {
        return report.groups().stream().filter(g -> g.key().equals(key)).findFirst().orElseThrow();
    }

    @Test
    void queryTimeConcurrencyAndSharesMatchIntervalsComputedByHand() {
        // Window 0..100 s.  alice: [0,40) [10,30) [20,60)  = 40+20+40 = 100 s, peak 3 at 20.
        //                   bob:   [50,100) [60,70)       = 50+10    =  60 s, peak 2 at 60.
        AnalysisReport report = analyse(AnalysisOptions.byUser(),
                request("alice", "list", "pods", 0, 40),
                request("alice", "list", "pods", 10, 30),
                request("alice", "list", "pods", 20, 60),
                request("bob", "get", "nodes", 50, 100),
                request("bob", "get", "nodes", 60, 70));

        assertThat(report.windowSeconds()).isEqualTo(100);
        assertThat(report.groups()).extracting(GroupSummary::key).containsExactly("alice", "bob");
        GroupSummary alice = group(report, "alice");
        assertThat(alice.requests()).isEqualTo(3);
        assertThat(alice.querySeconds()).isEqualTo(100);
        assertThat(alice.meanConcurrency()).isCloseTo(1.0, within(1e-9));
        assertThat(alice.peakConcurrency()).isEqualTo(3);
        assertThat(alice.peakAtMicros()).isEqualTo(20 * S);
        assertThat(alice.share()).isCloseTo(100.0 / 160, within(1e-9));
        GroupSummary bob = group(report, "bob");
        assertThat(bob.querySeconds()).isEqualTo(60);
        assertThat(bob.meanConcurrency()).isCloseTo(0.6, within(1e-9));
        assertThat(bob.peakConcurrency()).isEqualTo(2);
        // Together: at 20..30 alice has 3 in flight; at 50..60 alice 1 + bob 1; at 60..70 bob 2 (alice's ended at 60).
        assertThat(report.totals().peakConcurrency()).isEqualTo(3);
        assertThat(report.totals().querySeconds()).isEqualTo(160);
        assertThat(report.totals().meanConcurrency()).isCloseTo(1.6, within(1e-9));
    }

    @Test
    void watchesExecAndFollowedLogsAreReportedApartAndAddNoQueryTime() {
        AuditEvent watch = request("kubelet", "watch", "pods", 0, 600);
        AuditEvent exec = new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, "create", "alice", "kubectl",
                "pods", "exec", "default", "/api/v1/namespaces/default/pods/web/exec?command=sh", 0, 300 * S);
        AuditEvent followedLog = new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, "get", "alice",
                "kubectl", "pods", "log", "default", "/api/v1/namespaces/default/pods/web/log?follow=true", 0, 200 * S);
        AuditEvent plainLog = new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, "get", "alice",
                "kubectl", "pods", "log", "default", "/api/v1/namespaces/default/pods/web/log", 0, 2 * S);

        AnalysisReport report = analyse(AnalysisOptions.byUser(), watch, exec, followedLog, plainLog,
                request("kubelet", "get", "pods", 10, 11));

        assertThat(group(report, "kubelet").querySeconds()).isEqualTo(1);
        assertThat(group(report, "kubelet").longRunningRequests()).isEqualTo(1);
        assertThat(group(report, "kubelet").longRunningSeconds()).isEqualTo(600);
        assertThat(group(report, "alice").requests()).isEqualTo(1);
        assertThat(group(report, "alice").querySeconds()).isEqualTo(2);
        assertThat(group(report, "alice").longRunningRequests()).isEqualTo(2);
        assertThat(report.longRunning()).extracting(GroupSummary::key).containsExactly("kubelet", "alice");
        assertThat(report.totals().querySeconds()).isEqualTo(3);
        assertThat(report.totals().peakConcurrency()).isEqualTo(1);
    }

    @Test
    void panicEndsARequestLikeResponseCompleteAndIsCountedAsSuch() {
        AnalysisReport report = analyse(AnalysisOptions.byUser(),
                withStage(request("alice", "list", "pods", 0, 4), AuditStage.PANIC),
                request("alice", "list", "pods", 0, 4),
                withStage(request("alice", "list", "pods", 0, 0), AuditStage.REQUEST_RECEIVED));

        GroupSummary alice = group(report, "alice");
        assertThat(alice.requests()).isEqualTo(2);
        assertThat(alice.panics()).isEqualTo(1);
        assertThat(alice.querySeconds()).isEqualTo(8);
    }

    @Test
    void theTimeWindowClipsRequestsToTheirPartInsideIt() {
        EventFilter window = EventFilter.none().withWindow(10 * S, 20 * S);
        AnalysisReport report = analyse(AnalysisOptions.byUser().withFilter(window),
                request("alice", "list", "pods", 5, 15),   // 5 s inside
                request("alice", "list", "pods", 12, 14),  // 2 s
                request("bob", "list", "pods", 0, 10),     // ends at the window's start: outside
                request("bob", "list", "pods", 20, 30),    // starts at its end: outside
                request("carol", "list", "pods", 0, 100)); // 10 s, the whole window

        assertThat(report.windowSeconds()).isEqualTo(10);
        assertThat(report.groups()).extracting(GroupSummary::key).containsExactly("carol", "alice");
        assertThat(group(report, "alice").querySeconds()).isEqualTo(7);
        assertThat(group(report, "alice").meanConcurrency()).isCloseTo(0.7, within(1e-9));
        assertThat(group(report, "carol").querySeconds()).isEqualTo(10);
        assertThat(report.filteredOut()).isEqualTo(2);
    }

    @Test
    void userVerbAndResourceFiltersKeepOnlyMatchingRequests() {
        EventFilter filter = EventFilter.none().withVerbs(Set.of("list")).withResources(Set.of("pods"));
        AnalysisReport report = analyse(AnalysisOptions.byUser().withFilter(filter),
                request("alice", "list", "pods", 0, 1),
                request("alice", "get", "pods", 0, 1),
                request("bob", "list", "nodes", 0, 1),
                request("bob", "list", "pods", 0, 3));

        assertThat(report.groups()).extracting(GroupSummary::key, GroupSummary::requests)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("bob", 1L),
                        org.assertj.core.groups.Tuple.tuple("alice", 1L));

        AnalysisReport onlyBob = analyse(AnalysisOptions.byUser().withFilter(EventFilter.none().withUsers(Set.of("bob"))),
                request("alice", "list", "pods", 0, 1), request("bob", "list", "pods", 0, 3));
        assertThat(onlyBob.groups()).extracting(GroupSummary::key).containsExactly("bob");
    }

    @Test
    void groupingByVerbResourceNamespaceAndUserAgentUsesThoseAttributes() {
        AuditEvent[] events = {
            request("alice", "list", "pods", 0, 4),
            request("bob", "list", "nodes", 0, 2),
            request("bob", "get", "nodes", 0, 1),
        };
        assertThat(analyse(AnalysisOptions.byUser().withGroupBy(GroupBy.VERB), events).groups())
                .extracting(GroupSummary::key).containsExactly("list", "get");
        assertThat(analyse(AnalysisOptions.byUser().withGroupBy(GroupBy.RESOURCE), events).groups())
                .extracting(GroupSummary::key).containsExactly("pods", "nodes");
        assertThat(analyse(AnalysisOptions.byUser().withGroupBy(GroupBy.NAMESPACE), events).groups())
                .extracting(GroupSummary::key).containsExactly("ns-alice", "ns-bob");
        assertThat(analyse(AnalysisOptions.byUser().withGroupBy(GroupBy.USER_AGENT), events).groups())
                .extracting(GroupSummary::key).containsExactly("agent-alice", "agent-bob");
    }

    @Test
    void theTimelineSumsToTheQueryTimeAndItsSharesToOne() {
        Random random = new Random(7);
        List<AuditEvent> events = new ArrayList<>();
        for (int i = 0; i < 2_000; i++) {
            long start = (long) (random.nextDouble() * 3_600 * S);
            long end = start + (long) (random.nextDouble() * 30 * S);
            events.add(requestMicros("user-" + random.nextInt(7), "list", "pods", start, end));
        }
        AnalysisReport report = new QueryTimeAnalyser(AnalysisOptions.byUser()).analyseEvents(events);

        ShareTimeline timeline = report.timeline();
        assertThat(timeline.bucketCount()).isLessThanOrEqualTo(ShareTimeline.DEFAULT_MAX_BUCKETS);
        assertThat(java.util.Arrays.stream(timeline.totalSeconds()).sum())
                .isCloseTo(report.totals().querySeconds(), within(1e-3));
        for (GroupSummary g : report.groups()) {
            assertThat(java.util.Arrays.stream(timeline.seconds().get(g.key())).sum())
                    .isCloseTo(g.querySeconds(), within(1e-3));
        }
        double[][] rows = timeline.sharesOf(report.groups().stream().map(GroupSummary::key).limit(3).toList());
        for (int b = 0; b < timeline.bucketCount(); b++) {
            double sum = 0;
            for (double[] row : rows) {
                sum += row[b];
            }
            assertThat(sum).isCloseTo(timeline.totalSeconds()[b] > 0 ? 1 : 0, within(1e-9));
        }
    }

    @Test
    void randomRequestsGiveTheBruteForceSumsAndPeaks() {
        Random random = new Random(42);
        for (int round = 0; round < 50; round++) {
            List<AuditEvent> events = new ArrayList<>();
            int n = 1 + random.nextInt(200);
            for (int i = 0; i < n; i++) {
                long start = random.nextInt(1_000);
                events.add(requestMicros("u" + random.nextInt(3), "list", "pods", start, start + random.nextInt(100)));
            }
            AnalysisReport report = new QueryTimeAnalyser(AnalysisOptions.byUser()).analyseEvents(events);
            for (GroupSummary g : report.groups()) {
                List<AuditEvent> mine = events.stream().filter(e -> e.username().equals(g.key())).toList();
                long sum = mine.stream().mapToLong(AuditEvent::durationMicros).sum();
                int peak = 0;
                for (long t = 0; t < 1_100; t++) {
                    long at = t;
                    peak = Math.max(peak, (int) mine.stream()
                            .filter(e -> e.requestReceivedMicros() <= at && at < e.stageMicros()).count());
                }
                assertThat(g.querySeconds()).isCloseTo(sum / 1e6, within(1e-9));
                assertThat(g.peakConcurrency()).as("peak of %s in round %d", g.key(), round).isEqualTo(peak);
                assertThat(g.requests()).isEqualTo(mine.size());
            }
        }
    }
}
