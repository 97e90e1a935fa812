package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.TestObjects.NOW;
import static dev.caravel.apiserver.printer.TestObjects.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class PodPrinterTest {

    private static List<Object> cells(String pod) {
        return PodPrinter.printer().cellsOf(json(pod), NOW);
    }

    @Test
    void aRunningPodWithTwoContainersOneRestartedShowsWhenItLastRestarted() {
        List<Object> cells = cells("""
            {"metadata":{"name":"web-7d9c","creationTimestamp":"2024-05-01T10:00:00Z"},
             "spec":{"nodeName":"node-a","containers":[{"name":"app","image":"nginx"},{"name":"sidecar","image":"envoy"}]},
             "status":{"phase":"Running","podIP":"10.0.0.7","podIPs":[{"ip":"10.0.0.7"}],
               "conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}],
               "containerStatuses":[
                 {"name":"app","ready":true,"restartCount":2,"state":{"running":{"startedAt":"2024-05-01T11:55:00Z"}},
                  "lastState":{"terminated":{"exitCode":1,"reason":"Error","finishedAt":"2024-05-01T11:55:00Z"}}},
                 {"name":"sidecar","ready":true,"restartCount":0,"state":{"running":{"startedAt":"2024-05-01T10:00:05Z"}}}]}}
            """);
        assertThat(cells).containsExactly("web-7d9c", "2/2", "Running", "2 (5m ago)", "120m",
                "10.0.0.7", "node-a", "<none>", "<none>");
    }

    @Test
    void aPendingPodWhoseImageCannotBePulledShowsImagePullBackOff() {
        List<Object> cells = cells("""
            {"metadata":{"name":"broken","creationTimestamp":"2024-05-01T11:59:30Z"},
             "spec":{"nodeName":"node-b","containers":[{"name":"app","image":"nginx:nope"}]},
             "status":{"phase":"Pending",
               "containerStatuses":[{"name":"app","ready":false,"restartCount":0,
                 "state":{"waiting":{"reason":"ImagePullBackOff","message":"Back-off pulling image"}}}]}}
            """);
        assertThat(cells.subList(0, 5)).containsExactly("broken", "0/1", "ImagePullBackOff", "0", "30s");
        assertThat(cells.get(5)).isEqualTo("<none>");
    }

    @Test
    void aCompletedJobPodShowsCompletedAndItsRowIsMarkedCompleted() {
        String pod = """
            {"metadata":{"name":"pi-x7k2p","creationTimestamp":"2024-05-01T11:00:00Z"},
             "spec":{"containers":[{"name":"pi","image":"perl"}]},
             "status":{"phase":"Succeeded",
               "containerStatuses":[{"name":"pi","ready":false,"restartCount":0,
                 "state":{"terminated":{"exitCode":0,"reason":"Completed","finishedAt":"2024-05-01T11:00:20Z"}}}]}}
            """;
        assertThat(cells(pod).subList(0, 5)).containsExactly("pi-x7k2p", "0/1", "Completed", "0", "60m");
        assertThat(PodPrinter.rowConditions(json(pod)).toString()).isEqualTo(
                "[{\"type\":\"Completed\",\"status\":\"True\",\"reason\":\"Succeeded\","
                        + "\"message\":\"The pod has completed successfully.\"}]");
    }

    @Test
    void aPodBeingDeletedIsTerminatingUnlessItAlreadyFinished() {
        String running = """
            {"metadata":{"name":"old","creationTimestamp":"2024-04-29T09:00:00Z","deletionTimestamp":"2024-05-01T12:00:30Z"},
             "spec":{"containers":[{"name":"app","image":"nginx"}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"}],
               "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """;
        assertThat(cells(running).subList(0, 5)).containsExactly("old", "1/1", "Terminating", "0", "2d3h");
        String failed = running.replace("\"Running\"", "\"Failed\"");
        assertThat(cells(failed).get(2)).isEqualTo("Failed");
    }

    @Test
    void aPodOfALostNodeBeingDeletedIsUnknown() {
        List<Object> cells = cells("""
            {"metadata":{"name":"lost","deletionTimestamp":"2024-05-01T11:00:00Z"},
             "spec":{"containers":[{"name":"app","image":"nginx"}]},
             "status":{"phase":"Running","reason":"NodeLost"}}
            """);
        assertThat(cells.subList(0, 5)).containsExactly("lost", "0/1", "Unknown", "0", "<unknown>");
    }

    @Test
    void initContainersCountUpWhileThePodInitializes() {
        List<Object> cells = cells("""
            {"metadata":{"name":"init"},
             "spec":{"initContainers":[{"name":"a"},{"name":"b"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Pending",
               "initContainerStatuses":[
                 {"name":"a","restartCount":0,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}},
                 {"name":"b","restartCount":0,"state":{"running":{}}}],
               "containerStatuses":[{"name":"app","restartCount":0,"state":{"waiting":{"reason":"PodInitializing"}}}]}}
            """);
        assertThat(cells.get(2)).isEqualTo("Init:1/2");
    }

    @Test
    void aFailingInitContainerNamesItsReasonAndItsRestartsCount() {
        List<Object> cells = cells("""
            {"metadata":{"name":"init"},
             "spec":{"initContainers":[{"name":"migrate"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Pending",
               "initContainerStatuses":[{"name":"migrate","restartCount":3,
                 "state":{"waiting":{"reason":"CrashLoopBackOff"}},
                 "lastState":{"terminated":{"exitCode":1,"finishedAt":"2024-05-01T11:59:00Z"}}}]}}
            """);
        assertThat(cells.subList(1, 4)).containsExactly("0/1", "Init:CrashLoopBackOff", "3 (60s ago)");
    }

    @Test
    void anInitContainerKilledBySignalWithoutReasonShowsTheSignal() {
        List<Object> cells = cells("""
            {"metadata":{"name":"init"},
             "spec":{"initContainers":[{"name":"a"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Pending",
               "initContainerStatuses":[{"name":"a","state":{"terminated":{"exitCode":137,"signal":9}}}]}}
            """);
        assertThat(cells.get(2)).isEqualTo("Init:Signal:9");
    }

    @Test
    void aRunningSidecarInitContainerCountsAsAReadyContainer() {
        List<Object> cells = cells("""
            {"metadata":{"name":"mesh"},
             "spec":{"initContainers":[{"name":"proxy","restartPolicy":"Always"}],"containers":[{"name":"app"}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"True"},{"type":"Initialized","status":"True"}],
               "initContainerStatuses":[{"name":"proxy","ready":true,"started":true,"restartCount":1,"state":{"running":{}}}],
               "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """);
        assertThat(cells.subList(1, 4)).containsExactly("2/2", "Running", "1");
    }

    @Test
    void aCompletedContainerBesideARunningOneIsNotReadyWithoutTheReadyCondition() {
        String pod = """
            {"metadata":{"name":"half"},
             "spec":{"containers":[{"name":"app"},{"name":"job"}]},
             "status":{"phase":"Running","conditions":[{"type":"Ready","status":"False"}],
               "containerStatuses":[
                 {"name":"app","ready":true,"state":{"running":{}}},
                 {"name":"job","ready":false,"state":{"terminated":{"exitCode":0,"reason":"Completed"}}}]}}
            """;
        assertThat(cells(pod).get(2)).isEqualTo("NotReady");
        assertThat(cells(pod.replace("\"status\":\"False\"", "\"status\":\"True\"")).get(2)).isEqualTo("Running");
    }

    @Test
    void aContainerTerminatedWithoutReasonShowsItsExitCode() {
        List<Object> cells = cells("""
            {"metadata":{"name":"x"},"spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Running","containerStatuses":[{"name":"app","state":{"terminated":{"exitCode":2}}}]}}
            """);
        assertThat(cells.get(2)).isEqualTo("ExitCode:2");
    }

    @Test
    void anEvictedPodShowsItsReasonAndASchedulingGatedPodSaysSo() {
        assertThat(cells("""
            {"metadata":{"name":"x"},"spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Failed","reason":"Evicted"}}
            """).get(2)).isEqualTo("Evicted");
        assertThat(cells("""
            {"metadata":{"name":"x"},"spec":{"containers":[{"name":"app"}]},
             "status":{"phase":"Pending","conditions":[{"type":"PodScheduled","status":"False","reason":"SchedulingGated"}]}}
            """).get(2)).isEqualTo("SchedulingGated");
    }

    @Test
    void wideColumnsShowNominatedNodeAndReadinessGatesHeld() {
        List<Object> cells = cells("""
            {"metadata":{"name":"x"},
             "spec":{"containers":[{"name":"app"}],"readinessGates":[{"conditionType":"lb/ready"},{"conditionType":"other"}]},
             "status":{"phase":"Pending","nominatedNodeName":"node-c",
               "conditions":[{"type":"lb/ready","status":"True"},{"type":"other","status":"False"}]}}
            """);
        assertThat(cells.subList(5, 9)).containsExactly("<none>", "<none>", "node-c", "1/2");
    }
}
