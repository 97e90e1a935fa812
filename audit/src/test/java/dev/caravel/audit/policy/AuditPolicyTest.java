package dev.caravel.audit.policy;

import dev.caravel.audit.event.AuditStage;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditPolicyTest {

    // A policy in the shape of the Kubernetes documentation's example, written for these tests.
    private static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived]
            omitManagedFields: true
            rules:
              - level: None
                users: ["system:kube-proxy"]
                verbs: ["watch"]
              - level: None
                userGroups: ["system:nodes"]
                resources:
                  - group: ""
                    resources: ["events"]
              - level: None
                nonResourceURLs: ["/healthz*", "/version"]
              - level: RequestResponse
                resources:
                  - group: ""
                    resources: ["pods/log", "pods/status"]
                omitManagedFields: false
              - level: Request
                resources:
                  - group: ""
                    resources: ["configmaps"]
                    resourceNames: ["controller-leader"]
                omitStages: [ResponseStarted]
              - level: Metadata
                resources:
                  - group: "apps"
                    resources: ["*/scale"]
              - level: Request
                namespaces: [""]
              - level: Metadata
                resources:
                  - group: ""
                    resources: ["secrets"]
              - level: Request
                namespaces: ["kube-system"]
            """;

    private final AuditPolicy policy = AuditPolicyFile.parse(POLICY.getBytes(StandardCharsets.UTF_8), "policy.yaml");

    private static RequestAttributes pods(String user, List<String> groups, String verb, String namespace,
                                          String resource, String subresource, String name) {
        return RequestAttributes.resource(user, groups, verb, namespace, "", resource, subresource, name);
    }

    @Test
    void firstMatchingRuleWinsEvenWhenALaterRuleIsMoreSpecific() {
        // kube-proxy's watch on secrets in kube-system matches rules 1, 8 and 9: rule 1 decides.
        RequestAttributes watch = pods("system:kube-proxy", List.of(), "watch", "kube-system", "secrets", "", "");
        assertThat(policy.evaluate(watch).level()).isEqualTo(AuditLevel.NONE);
        RequestAttributes get = pods("system:kube-proxy", List.of(), "get", "kube-system", "secrets", "", "");
        assertThat(policy.evaluate(get).level()).isEqualTo(AuditLevel.METADATA);
    }

    @Test
    void aRequestNoRuleMatchesIsNotAudited() {
        RequestAttributes get = pods("alice", List.of(), "get", "default", "pods", "", "web");
        RequestAuditConfig config = policy.evaluate(get);
        assertThat(config.level()).isEqualTo(AuditLevel.NONE);
        assertThat(config.omitStages()).containsExactly(AuditStage.REQUEST_RECEIVED);
        assertThat(config.writes(AuditStage.RESPONSE_COMPLETE)).isFalse();
    }

    @Test
    void userGroupsMatchAnyOfTheUsersGroups() {
        RequestAttributes node = pods("system:node:n1", List.of("system:authenticated", "system:nodes"),
                "create", "default", "events", "", "");
        assertThat(policy.evaluate(node).level()).isEqualTo(AuditLevel.NONE);
        RequestAttributes other = pods("bob", List.of("system:authenticated"), "create", "kube-system", "events",
                "", "");
        assertThat(policy.evaluate(other).level()).isEqualTo(AuditLevel.REQUEST);
    }

    @Test
    void nonResourceUrlsMatchExactlyOrByTrailingWildcardPrefix() {
        assertThat(policy.evaluate(RequestAttributes.nonResource("a", List.of(), "get", "/healthz")).level())
                .isEqualTo(AuditLevel.NONE);
        assertThat(policy.evaluate(RequestAttributes.nonResource("a", List.of(), "get", "/healthz/etcd")).level())
                .isEqualTo(AuditLevel.NONE);
        // "/version" has no wildcard: /version/x is not matched by it and falls to no rule at all...
        // except that rule 7 (namespaces) only matches resource requests, so: None by default.
        assertThat(policy.evaluate(RequestAttributes.nonResource("a", List.of(), "get", "/versionx")).level())
                .isEqualTo(AuditLevel.NONE);
        AuditPolicy urls = AuditPolicyFile.parse("""
                {"apiVersion":"audit.k8s.io/v1","kind":"Policy","rules":[
                  {"level":"None","nonResourceURLs":["/version"]},
                  {"level":"Metadata","nonResourceURLs":["/api*"]},
                  {"level":"Request"}]}""".getBytes(StandardCharsets.UTF_8), "policy.json");
        assertThat(urls.evaluate(RequestAttributes.nonResource("a", List.of(), "get", "/version")).level())
                .isEqualTo(AuditLevel.NONE);
        assertThat(urls.evaluate(RequestAttributes.nonResource("a", List.of(), "get", "/versionx")).level())
                .isEqualTo(AuditLevel.REQUEST);
        assertThat(urls.evaluate(RequestAttributes.nonResource("a", List.of(), "get", "/apis")).level())
                .isEqualTo(AuditLevel.METADATA);
        // A nonResourceURLs rule never matches a resource request, whatever its path.
        assertThat(urls.evaluate(pods("a", List.of(), "get", "default", "pods", "", "")).level())
                .isEqualTo(AuditLevel.REQUEST);
    }

    @Test
    void subresourcesMatchOnlyTheirCombinedNameOrAWildcard() {
        assertThat(policy.evaluate(pods("a", List.of(), "get", "default", "pods", "log", "web")).level())
                .isEqualTo(AuditLevel.REQUEST_RESPONSE);
        assertThat(policy.evaluate(pods("a", List.of(), "get", "default", "pods", "exec", "web")).level())
                .isEqualTo(AuditLevel.NONE);
        RequestAttributes scale = RequestAttributes.resource("a", List.of(), "update", "default", "apps",
                "deployments", "scale", "web");
        assertThat(policy.evaluate(scale).level()).isEqualTo(AuditLevel.METADATA);
        RequestAttributes deployment = RequestAttributes.resource("a", List.of(), "update", "default", "apps",
                "deployments", "", "web");
        assertThat(policy.evaluate(deployment).level()).isEqualTo(AuditLevel.NONE);
        AuditPolicy podsStar = new AuditPolicy(List.of(new PolicyRule(AuditLevel.METADATA, null, null, null,
                List.of(new GroupResources("", List.of("pods/*"), null)), null, null, null, null)), Set.of(), false);
        assertThat(podsStar.evaluate(pods("a", List.of(), "get", "default", "pods", "log", "")).level())
                .isEqualTo(AuditLevel.METADATA);
        // As in kube-apiserver's checker, "pods/*" also selects pods itself, not only its subresources.
        assertThat(podsStar.evaluate(pods("a", List.of(), "get", "default", "pods", "", "")).level())
                .isEqualTo(AuditLevel.METADATA);
        assertThat(podsStar.evaluate(pods("a", List.of(), "get", "default", "services", "proxy", "")).level())
                .isEqualTo(AuditLevel.NONE);
    }

    @Test
    void resourceNamesRestrictTheRuleToThoseObjects() {
        assertThat(policy.evaluate(pods("a", List.of(), "update", "default", "configmaps", "",
                "controller-leader")).level()).isEqualTo(AuditLevel.REQUEST);
        assertThat(policy.evaluate(pods("a", List.of(), "update", "default", "configmaps", "", "other")).level())
                .isEqualTo(AuditLevel.NONE);
    }

    @Test
    void emptyNamespaceSelectsClusterScopedResources() {
        RequestAttributes nodes = pods("a", List.of(), "list", "", "nodes", "", "");
        assertThat(policy.evaluate(nodes).level()).isEqualTo(AuditLevel.REQUEST);
        RequestAttributes namespaced = pods("a", List.of(), "list", "default", "nodes", "", "");
        assertThat(policy.evaluate(namespaced).level()).isEqualTo(AuditLevel.NONE);
    }

    @Test
    void omitStagesOfThePolicyAreMergedIntoEachRule() {
        RequestAuditConfig leader = policy.evaluate(pods("a", List.of(), "update", "default", "configmaps", "",
                "controller-leader"));
        assertThat(leader.omitStages()).containsExactlyInAnyOrder(AuditStage.REQUEST_RECEIVED,
                AuditStage.RESPONSE_STARTED);
        assertThat(leader.writes(AuditStage.RESPONSE_COMPLETE)).isTrue();
        assertThat(leader.writes(AuditStage.RESPONSE_STARTED)).isFalse();
    }

    @Test
    void omitManagedFieldsDefaultsToThePolicyAndARuleOverridesIt() {
        assertThat(policy.evaluate(pods("a", List.of(), "get", "default", "secrets", "", "")).omitManagedFields())
                .isTrue();
        assertThat(policy.evaluate(pods("a", List.of(), "get", "default", "pods", "log", "")).omitManagedFields())
                .isFalse();
    }

    @Test
    void anUnknownFieldIsRejectedNamingTheFieldAndTheFile() {
        String misspelt = POLICY.replace("verbs: [\"watch\"]", "verb: [\"watch\"]");
        assertThatThrownBy(() -> AuditPolicyFile.parse(misspelt.getBytes(StandardCharsets.UTF_8),
                "/etc/caravel/audit-policy.yaml"))
                .isInstanceOf(InvalidAuditPolicyException.class)
                .hasMessageContaining("unknown field \"rules[0].verb\"")
                .hasMessageContaining("/etc/caravel/audit-policy.yaml");
    }

    @Test
    void anotherApiVersionOrKindIsRejected() {
        assertThatThrownBy(() -> AuditPolicyFile.parse(POLICY.replace("audit.k8s.io/v1", "audit.k8s.io/v1beta1")
                .getBytes(StandardCharsets.UTF_8), "p.yaml"))
                .hasMessageContaining("apiVersion").hasMessageContaining("audit.k8s.io/v1beta1");
        assertThatThrownBy(() -> AuditPolicyFile.parse(POLICY.replace("kind: Policy", "kind: Pod")
                .getBytes(StandardCharsets.UTF_8), "p.yaml"))
                .hasMessageContaining("kind");
    }

    @Test
    void aPolicyWithoutRulesOrWithABadLevelOrStageIsRejected() {
        assertThatThrownBy(() -> AuditPolicyFile.parse("apiVersion: audit.k8s.io/v1\nkind: Policy\n"
                .getBytes(StandardCharsets.UTF_8), "p.yaml")).hasMessageContaining("no rules");
        assertThatThrownBy(() -> AuditPolicyFile.parse(POLICY.replace("level: Metadata", "level: metadata")
                .getBytes(StandardCharsets.UTF_8), "p.yaml")).hasMessageContaining("rules[5].level");
        assertThatThrownBy(() -> AuditPolicyFile.parse(POLICY.replace("[ResponseStarted]", "[Started]")
                .getBytes(StandardCharsets.UTF_8), "p.yaml")).hasMessageContaining("rules[4].omitStages[0]");
        assertThatThrownBy(() -> AuditPolicyFile.parse(POLICY.replace("\"/version\"", "\"/v*x\"")
                .getBytes(StandardCharsets.UTF_8), "p.yaml")).hasMessageContaining("final character");
    }
}
