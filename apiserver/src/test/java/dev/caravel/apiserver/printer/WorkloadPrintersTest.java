package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.TestObjects.NOW;
import static dev.caravel.apiserver.printer.TestObjects.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class WorkloadPrintersTest {

    @Test
    void aDeploymentMidRolloutShowsReadyOutOfDesiredAndItsWideColumns() {
        List<Object> cells = WorkloadPrinters.deployments().cellsOf(json("""
            {"metadata":{"name":"web","creationTimestamp":"2024-04-28T12:00:00Z"},
             "spec":{"replicas":4,
               "selector":{"matchLabels":{"app":"web"},"matchExpressions":[{"key":"tier","operator":"In","values":["front","edge"]}]},
               "template":{"spec":{"containers":[{"name":"app","image":"nginx:1.27"},{"name":"log","image":"fluent-bit:3"}]}}},
             "status":{"replicas":5,"updatedReplicas":2,"readyReplicas":3,"availableReplicas":3,"unavailableReplicas":2}}
            """), NOW);
        assertThat(cells).containsExactly("web", "3/4", 2L, 3L, "3d", "app,log", "nginx:1.27,fluent-bit:3",
                "app=web,tier in (edge,front)");
    }

    @Test
    void aSelectorKubernetesCannotBuildIsInvalidForDeploymentsAndAnErrorElsewhere() {
        String broken = """
            {"metadata":{"name":"x"},"spec":{"selector":{"matchExpressions":[{"key":"a","operator":"In","values":[]}]},
             "template":{"spec":{"containers":[]}}}}
            """;
        assertThat(WorkloadPrinters.deployments().cellsOf(json(broken), NOW).get(7)).isEqualTo("<invalid>");
        assertThat(WorkloadPrinters.replicaSets().cellsOf(json(broken), NOW).get(7)).isEqualTo("<error>");
    }

    @Test
    void aDeploymentWithoutStatusYetShowsZeroReady() {
        List<Object> cells = WorkloadPrinters.deployments().cellsOf(json("""
            {"metadata":{"name":"new","creationTimestamp":"2024-05-01T11:59:58Z"},
             "spec":{"replicas":1,"selector":{"matchLabels":{"app":"new"}},"template":{"spec":{"containers":[{"name":"c","image":"i"}]}}}}
            """), NOW);
        assertThat(cells.subList(0, 5)).containsExactly("new", "0/1", 0L, 0L, "2s");
    }

    @Test
    void aCompletedJobShowsCompleteWithItsRunDuration() {
        List<Object> cells = WorkloadPrinters.jobs().cellsOf(json("""
            {"metadata":{"name":"pi","creationTimestamp":"2024-05-01T11:00:00Z"},
             "spec":{"completions":1,"parallelism":1,"selector":{"matchLabels":{"batch.kubernetes.io/controller-uid":"u-1"}},
               "template":{"spec":{"containers":[{"name":"pi","image":"perl:5.34"}]}}},
             "status":{"succeeded":1,"startTime":"2024-05-01T11:00:00Z","completionTime":"2024-05-01T11:00:42Z",
               "conditions":[{"type":"SuccessCriteriaMet","status":"True"},{"type":"Complete","status":"True"}]}}
            """), NOW);
        assertThat(cells).containsExactly("pi", "Complete", "1/1", "42s", "60m", "pi", "perl:5.34",
                "batch.kubernetes.io/controller-uid=u-1");
    }

    @Test
    void aRunningJobWithoutCompletionsShowsParallelismAndTimeSoFar() {
        List<Object> cells = WorkloadPrinters.jobs().cellsOf(json("""
            {"metadata":{"name":"queue","creationTimestamp":"2024-05-01T11:50:00Z"},
             "spec":{"parallelism":3,"template":{"spec":{"containers":[]}}},
             "status":{"active":3,"startTime":"2024-05-01T11:50:00Z"}}
            """), NOW);
        assertThat(cells.subList(0, 5)).containsExactly("queue", "Running", "0/1 of 3", "10m", "10m");
    }

    @Test
    void aSuspendedJobAndAJobNotStartedYet() {
        List<Object> cells = WorkloadPrinters.jobs().cellsOf(json("""
            {"metadata":{"name":"later"},"spec":{"completions":5,"suspend":true},
             "status":{"conditions":[{"type":"Suspended","status":"True"}]}}
            """), NOW);
        assertThat(cells.subList(0, 4)).containsExactly("later", "Suspended", "0/5", "");
    }

    @Test
    void aCronJobShowsScheduleSuspendAndLastSchedule() {
        List<Object> cells = WorkloadPrinters.cronJobs().cellsOf(json("""
            {"metadata":{"name":"nightly","creationTimestamp":"2024-04-01T00:00:00Z"},
             "spec":{"schedule":"0 3 * * *","suspend":false,
               "jobTemplate":{"spec":{"template":{"spec":{"containers":[{"name":"backup","image":"restic"}]}}}}},
             "status":{"active":[{"name":"nightly-1"}],"lastScheduleTime":"2024-05-01T03:00:00Z"}}
            """), NOW);
        assertThat(cells).containsExactly("nightly", "0 3 * * *", "<none>", "False", 1L, "9h", "30d", "backup",
                "restic", "<none>");
    }

    @Test
    void replicaSetsStatefulSetsAndDaemonSetsPrintTheirCounts() {
        assertThat(WorkloadPrinters.replicaSets().cellsOf(json("""
            {"metadata":{"name":"web-5d"},"spec":{"replicas":3,"selector":{"matchLabels":{"app":"web"}},
               "template":{"spec":{"containers":[{"name":"app","image":"nginx"}]}}},
             "status":{"replicas":3,"readyReplicas":2}}
            """), NOW)).containsExactly("web-5d", 3L, 3L, 2L, "<unknown>", "app", "nginx", "app=web");
        assertThat(WorkloadPrinters.statefulSets().cellsOf(json("""
            {"metadata":{"name":"db"},"spec":{"replicas":3,"template":{"spec":{"containers":[{"name":"pg","image":"postgres"}]}}},
             "status":{"readyReplicas":1}}
            """), NOW)).containsExactly("db", "1/3", "<unknown>", "pg", "postgres");
        assertThat(WorkloadPrinters.daemonSets().cellsOf(json("""
            {"metadata":{"name":"agent"},"spec":{"selector":{"matchLabels":{"app":"agent"}},
               "template":{"spec":{"nodeSelector":{"kubernetes.io/os":"linux"},"containers":[{"name":"a","image":"agent"}]}}},
             "status":{"desiredNumberScheduled":3,"currentNumberScheduled":3,"numberReady":2,"updatedNumberScheduled":3,"numberAvailable":2}}
            """), NOW)).containsExactly("agent", 3L, 3L, 2L, 3L, 2L, "kubernetes.io/os=linux", "<unknown>", "a",
                "agent", "app=agent");
    }
}
