package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.TestObjects.NOW;
import static dev.caravel.apiserver.printer.TestObjects.json;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CorePrintersTest {

    @Test
    void aLoadBalancerServiceWithSeveralPortsShowsNodePortsAndItsIngressAddresses() {
        List<Object> cells = CorePrinters.services().cellsOf(json("""
            {"metadata":{"name":"gateway","creationTimestamp":"2024-05-01T09:00:00Z"},
             "spec":{"type":"LoadBalancer","clusterIP":"10.96.12.4","clusterIPs":["10.96.12.4"],
               "selector":{"app":"gateway","tier":"edge"},
               "ports":[{"name":"http","port":80,"nodePort":30080,"protocol":"TCP"},
                        {"name":"https","port":443,"nodePort":30443,"protocol":"TCP"},
                        {"name":"dns","port":53,"nodePort":30053,"protocol":"UDP"}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"203.0.113.10"},{"hostname":"lb.example.com"},{"ip":"203.0.113.10"}]}}}
            """), NOW);
        assertThat(cells).containsExactly("gateway", "LoadBalancer", "10.96.12.4", "203.0.113.10,lb.example.com",
                "80:30080/TCP,443:30443/TCP,53:30053/UDP", "3h", "app=gateway,tier=edge");
    }

    @Test
    void aLoadBalancerWithoutAddressIsPendingAndAClusterIpServiceHasNoExternalIp() {
        assertThat(CorePrinters.services().cellsOf(json("""
            {"metadata":{"name":"lb"},"spec":{"type":"LoadBalancer","clusterIPs":["10.96.0.9"],"ports":[{"port":80,"protocol":"TCP","nodePort":31000}]}}
            """), NOW).get(3)).isEqualTo("<pending>");
        assertThat(CorePrinters.services().cellsOf(json("""
            {"metadata":{"name":"headless"},"spec":{"type":"ClusterIP","clusterIP":"None","clusterIPs":["None"]}}
            """), NOW)).containsExactly("headless", "ClusterIP", "None", "<none>", "<none>", "<unknown>", "<none>");
        assertThat(CorePrinters.services().cellsOf(json("""
            {"metadata":{"name":"ext"},"spec":{"type":"ExternalName","externalName":"db.example.com"}}
            """), NOW).subList(2, 4)).containsExactly("<none>", "db.example.com");
    }

    @Test
    void endpointsListThreeAddressesThenCountTheRest() {
        List<Object> cells = CorePrinters.endpoints().cellsOf(json("""
            {"metadata":{"name":"web"},
             "subsets":[{"addresses":[{"ip":"10.0.0.1"},{"ip":"10.0.0.2"},{"ip":"fd00::3"},{"ip":"10.0.0.4"}],
                         "ports":[{"port":8080,"protocol":"TCP"}]}]}
            """), NOW);
        assertThat(cells.get(1)).isEqualTo("10.0.0.1:8080,10.0.0.2:8080,[fd00::3]:8080 + 1 more...");
        assertThat(CorePrinters.endpoints().cellsOf(json("{\"metadata\":{\"name\":\"e\"}}"), NOW).get(1))
                .isEqualTo("<none>");
    }

    @Test
    void aControlPlaneNodeShowsReadyItsRolesAndVersions() {
        List<Object> cells = CorePrinters.nodes().cellsOf(json("""
            {"metadata":{"name":"cp-1","creationTimestamp":"2024-03-01T12:00:00Z",
               "labels":{"node-role.kubernetes.io/control-plane":"","kubernetes.io/hostname":"cp-1"}},
             "spec":{"unschedulable":true},
             "status":{"conditions":[{"type":"MemoryPressure","status":"False"},{"type":"Ready","status":"True"}],
               "addresses":[{"type":"Hostname","address":"cp-1"},{"type":"InternalIP","address":"172.18.0.2"}],
               "nodeInfo":{"kubeletVersion":"v1.32.2","osImage":"Debian GNU/Linux 12 (bookworm)",
                           "kernelVersion":"6.8.0","containerRuntimeVersion":"containerd://1.7.24"}}}
            """), NOW);
        assertThat(cells).containsExactly("cp-1", "Ready,SchedulingDisabled", "control-plane", "61d", "v1.32.2",
                "172.18.0.2", "<none>", "Debian GNU/Linux 12 (bookworm)", "6.8.0", "containerd://1.7.24");
    }

    @Test
    void aNodeWithoutReadyConditionIsUnknown() {
        assertThat(CorePrinters.nodes().cellsOf(json("{\"metadata\":{\"name\":\"n\"}}"), NOW))
                .containsExactly("n", "Unknown", "<none>", "<unknown>", "", "<none>", "<none>", "<unknown>",
                        "<unknown>", "<unknown>");
    }

    @Test
    void aCoreEventShowsLastSeenTargetAndSource() {
        List<Object> cells = CorePrinters.events(CorePrinters.EventFields.CORE).cellsOf(json("""
            {"metadata":{"name":"web-1.17c8"},
             "involvedObject":{"kind":"Pod","name":"web-1","fieldPath":"spec.containers{app}"},
             "reason":"BackOff","message":"Back-off restarting failed container\\n","type":"Warning",
             "source":{"component":"kubelet","host":"node-a"},
             "firstTimestamp":"2024-05-01T11:00:00Z","lastTimestamp":"2024-05-01T11:58:00Z","count":14}
            """), NOW);
        assertThat(cells).containsExactly("2m", "Warning", "BackOff", "pod/web-1", "spec.containers{app}",
                "kubelet, node-a", "Back-off restarting failed container", "60m", 14L, "web-1.17c8");
    }

    @Test
    void anEventsApiEventPrintsLikeACoreEvent() {
        List<Object> cells = CorePrinters.events(CorePrinters.EventFields.EVENTS_API).cellsOf(json("""
            {"metadata":{"name":"e1"},"eventTime":"2024-05-01T11:59:00.123456Z",
             "regarding":{"kind":"Deployment","name":"web"},"reason":"ScalingReplicaSet","note":"Scaled up",
             "type":"Normal","reportingController":"deployment-controller","reportingInstance":""}
            """), NOW);
        assertThat(cells).containsExactly("59s", "Normal", "ScalingReplicaSet", "deployment/web", "",
                "deployment-controller", "Scaled up", "59s", 1L, "e1"); // 59.88s truncates
    }

    @Test
    void anEventSeriesShowsItsLastObservationAndCount() {
        List<Object> cells = CorePrinters.events(CorePrinters.EventFields.CORE).cellsOf(json("""
            {"metadata":{"name":"e"},"eventTime":"2024-05-01T10:00:00.000000Z","involvedObject":{"kind":"Node"},
             "series":{"count":7,"lastObservedTime":"2024-05-01T11:59:50.000000Z"},"reportingComponent":"kubelet",
             "reportingInstance":"node-a"}
            """), NOW);
        assertThat(cells).containsExactly("10s", "", "", "node", "", "kubelet, node-a", "", "120m", 7L, "e");
    }

    @Test
    void aBoundClaimShowsItsVolumeCapacityAndModes() {
        List<Object> cells = CorePrinters.persistentVolumeClaims().cellsOf(json("""
            {"metadata":{"name":"data"},
             "spec":{"volumeName":"pv-1","storageClassName":"standard","resources":{"requests":{"storage":"1Gi"}}},
             "status":{"phase":"Bound","capacity":{"storage":"10Gi"},"accessModes":["ReadWriteMany","ReadWriteOnce"]}}
            """), NOW);
        assertThat(cells).containsExactly("data", "Bound", "pv-1", "10Gi", "RWO,RWX", "standard", "<unset>",
                "<unknown>", "<unset>");
        List<Object> pending = CorePrinters.persistentVolumeClaims().cellsOf(json("""
            {"metadata":{"name":"wait","deletionTimestamp":"2024-05-01T11:00:00Z"},"spec":{"volumeMode":"Filesystem"},
             "status":{"phase":"Pending"}}
            """), NOW);
        assertThat(pending).containsExactly("wait", "Terminating", "", "", "", "", "<unset>", "<unknown>", "Filesystem");
    }

    @Test
    void aVolumeShowsItsClaimAndPolicy() {
        List<Object> cells = CorePrinters.persistentVolumes().cellsOf(json("""
            {"metadata":{"name":"pv-1"},
             "spec":{"capacity":{"storage":"10Gi"},"accessModes":["ReadWriteOnce"],"persistentVolumeReclaimPolicy":"Retain",
               "claimRef":{"namespace":"default","name":"data"},"storageClassName":"standard","volumeMode":"Filesystem"},
             "status":{"phase":"Bound"}}
            """), NOW);
        assertThat(cells).containsExactly("pv-1", "10Gi", "RWO", "Retain", "Bound", "default/data", "standard",
                "<unset>", "", "<unknown>", "Filesystem");
    }

    @Test
    void aQuotaSplitsRequestsFromLimits() {
        List<Object> cells = CorePrinters.resourceQuotas().cellsOf(json("""
            {"metadata":{"name":"team"},
             "status":{"hard":{"requests.cpu":"2","limits.memory":"4Gi","pods":"10","limits.cpu":"4"},
                       "used":{"requests.cpu":"500m","pods":"3","limits.cpu":"1"}}}
            """), NOW);
        assertThat(cells).containsExactly("team", "pods: 3/10, requests.cpu: 500m/2", "limits.cpu: 1/4, limits.memory: 0/4Gi",
                "<unknown>");
    }

    @Test
    void secretsConfigMapsAccountsAndNamespacesCountOrStateTheirContent() {
        assertThat(CorePrinters.secrets().cellsOf(json("""
            {"metadata":{"name":"tls"},"type":"kubernetes.io/tls","data":{"tls.crt":"","tls.key":""}}
            """), NOW)).containsExactly("tls", "kubernetes.io/tls", 2L, "<unknown>");
        assertThat(CorePrinters.serviceAccounts().cellsOf(json("{\"metadata\":{\"name\":\"default\"}}"), NOW))
                .containsExactly("default", 0L, "<unknown>");
        assertThat(CorePrinters.namespaces().cellsOf(json("""
            {"metadata":{"name":"team","creationTimestamp":"2024-05-01T11:59:59Z"},"status":{"phase":"Terminating"}}
            """), NOW)).containsExactly("team", "Terminating", "1s");
    }
}
