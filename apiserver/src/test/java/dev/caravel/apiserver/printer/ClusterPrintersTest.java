package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.TestObjects.NOW;
import static dev.caravel.apiserver.printer.TestObjects.json;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClusterPrintersTest {

    @Test
    void aRoleBindingListsItsSubjectsByKind() {
        assertThat(ClusterPrinters.roleBindings("roleBinding").cellsOf(json("""
            {"metadata":{"name":"readers"},"roleRef":{"apiGroup":"rbac.authorization.k8s.io","kind":"ClusterRole","name":"view"},
             "subjects":[{"kind":"User","name":"alice"},{"kind":"User","name":"bob"},{"kind":"Group","name":"devs"},
                         {"kind":"ServiceAccount","namespace":"ci","name":"runner"}]}
            """), NOW)).containsExactly("readers", "ClusterRole/view", "<unknown>", "alice, bob", "devs", "ci/runner");
    }

    @Test
    void anApiServiceShowsItsServiceOrLocalAndItsAvailabilityWithTheReasonWhenFalse() {
        assertThat(ClusterPrinters.apiServices().cellsOf(json("""
            {"metadata":{"name":"v1.apps"},"spec":{"group":"apps","version":"v1"},
             "status":{"conditions":[{"type":"Available","status":"True","reason":"Local"}]}}
            """), NOW)).containsExactly("v1.apps", "Local", "True", "<unknown>");
        assertThat(ClusterPrinters.apiServices().cellsOf(json("""
            {"metadata":{"name":"v1beta1.metrics.k8s.io"},
             "spec":{"service":{"namespace":"kube-system","name":"metrics-server"}},
             "status":{"conditions":[{"type":"Available","status":"False","reason":"FailedDiscoveryCheck"}]}}
            """), NOW)).containsExactly("v1beta1.metrics.k8s.io", "kube-system/metrics-server", "False (FailedDiscoveryCheck)",
                "<unknown>");
        assertThat(ClusterPrinters.apiServices().cellsOf(json("{\"metadata\":{\"name\":\"v1.new.example.com\"},\"spec\":{}}"), NOW))
                .containsExactly("v1.new.example.com", "Local", "Unknown", "<unknown>");
    }

    @Test
    void anIngressShowsClassHostsAddressAndTlsPorts() {
        assertThat(ClusterPrinters.ingresses().cellsOf(json("""
            {"metadata":{"name":"site"},
             "spec":{"ingressClassName":"nginx","tls":[{"hosts":["a.example.com"]}],
               "rules":[{"host":"a.example.com"},{},{"host":"b.example.com"},{"host":"c.example.com"},{"host":"d.example.com"}]},
             "status":{"loadBalancer":{"ingress":[{"ip":"192.0.2.5"}]}}}
            """), NOW)).containsExactly("site", "nginx", "a.example.com,b.example.com,c.example.com + 2 more...", "192.0.2.5",
                "80, 443", "<unknown>");
        assertThat(ClusterPrinters.ingresses().cellsOf(json("{\"metadata\":{\"name\":\"any\"},\"spec\":{}}"), NOW))
                .containsExactly("any", "<none>", "*", "", "80", "<unknown>");
    }

    @Test
    void theDefaultStorageClassIsMarkedAndUnsetPoliciesShowTheirDefaults() {
        assertThat(ClusterPrinters.storageClasses().cellsOf(json("""
            {"metadata":{"name":"standard","annotations":{"storageclass.kubernetes.io/is-default-class":"true"}},
             "provisioner":"rancher.io/local-path"}
            """), NOW)).containsExactly("standard (default)", "rancher.io/local-path", "Delete", "Immediate", false,
                "<unknown>");
    }

    @Test
    void aDisruptionBudgetShowsWhichBoundIsSet() {
        assertThat(ClusterPrinters.podDisruptionBudgets().cellsOf(json("""
            {"metadata":{"name":"web"},"spec":{"maxUnavailable":"25%"},"status":{"disruptionsAllowed":1}}
            """), NOW)).containsExactly("web", "N/A", "25%", 1L, "<unknown>");
    }

    @Test
    void anEndpointSliceShowsPortsAndAddresses() {
        assertThat(ClusterPrinters.endpointSlices().cellsOf(json("""
            {"metadata":{"name":"web-abc"},"addressType":"IPv4",
             "ports":[{"name":"http","port":80},{"name":"named"},{}],
             "endpoints":[{"addresses":["10.0.0.1"]},{"addresses":["10.0.0.2","10.0.0.3","10.0.0.4"]}]}
            """), NOW)).containsExactly("web-abc", "IPv4", "80,named,*", "10.0.0.1,10.0.0.2,10.0.0.3 + 1 more...",
                "<unknown>");
        assertThat(ClusterPrinters.endpointSlices().cellsOf(json("{\"metadata\":{\"name\":\"e\"}}"), NOW).subList(2, 4))
                .containsExactly("<unset>", "<unset>");
    }

    @Test
    void leasesNetworkPoliciesAndPriorityClassesPrintTheirKeyFields() {
        assertThat(ClusterPrinters.leases().cellsOf(json("""
            {"metadata":{"name":"kube-scheduler"},"spec":{"holderIdentity":"cp-1_abc"}}
            """), NOW)).containsExactly("kube-scheduler", "cp-1_abc", "<unknown>");
        assertThat(ClusterPrinters.networkPolicies().cellsOf(json("""
            {"metadata":{"name":"deny-all"},"spec":{"podSelector":{}}}
            """), NOW)).containsExactly("deny-all", "<none>", "<unknown>");
        assertThat(ClusterPrinters.networkPolicies().cellsOf(json("""
            {"metadata":{"name":"db"},"spec":{"podSelector":{"matchExpressions":[{"key":"legacy","operator":"DoesNotExist"},
              {"key":"app","operator":"NotIn","values":["x"]}]}}}
            """), NOW).get(1)).isEqualTo("app notin (x),!legacy");
        assertThat(ClusterPrinters.priorityClasses().cellsOf(json("""
            {"metadata":{"name":"system-cluster-critical"},"value":2000000000,"globalDefault":false,
             "preemptionPolicy":"PreemptLowerPriority"}
            """), NOW)).containsExactly("system-cluster-critical", 2000000000L, false, "<unknown>",
                "PreemptLowerPriority");
    }
}
