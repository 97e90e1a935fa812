package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.GroupKind;
import org.junit.jupiter.api.Test;

import java.util.Base64;
import java.util.List;

import static dev.caravel.apiserver.validation.Objects.deployment;
import static dev.caravel.apiserver.validation.Objects.json;
import static dev.caravel.apiserver.validation.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;

class TypeValidatorsTest {

    private static final String TEMPLATE = "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'web','image':'nginx'}]}}";

    private static TypeValidator rules(String group, String kind) {
        return TypeValidators.kubernetes().forKind(new GroupKind(group, kind)).orElseThrow();
    }

    private static List<String> create(String group, String kind, JsonNode object) {
        return rules(group, kind).validate(object).stream().map(FieldError::toString).toList();
    }

    private static List<String> update(String group, String kind, JsonNode object, JsonNode old) {
        return rules(group, kind).validateUpdate(object, old).stream().map(FieldError::toString).toList();
    }

    // ---- Pod ------------------------------------------------------------------------------------

    @Test
    void aPodNeedsContainers() {
        assertThat(create("", "Pod", pod("{}"))).containsExactly("spec.containers: Required value");
    }

    @Test
    void eachContainerNeedsAUniqueDnsLabelNameAndAnImage() {
        ObjectNode p = pod("{'containers':[{'name':'web','image':'nginx'},{'name':'web'},{'image':'x'},"
                + "{'name':'Side_car','image':'y'}]}");

        assertThat(create("", "Pod", p)).containsExactly(
                "spec.containers[1].name: Duplicate value: \"web\"",
                "spec.containers[1].image: Required value",
                "spec.containers[2].name: Required value",
                "spec.containers[3].name: Invalid value: \"Side_car\": a lowercase RFC 1123 label must consist of lower "
                        + "case alphanumeric characters or '-', and must start and end with an alphanumeric character "
                        + "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
    }

    @Test
    void portsAreInRangeWithValidNamesAndProtocols() {
        ObjectNode p = pod("{'containers':[{'name':'web','image':'nginx','ports':[{'containerPort':70000,"
                + "'name':'http--x','protocol':'tcp'},{'name':'a'}]}]}");

        assertThat(create("", "Pod", p)).containsExactly(
                "spec.containers[0].ports[0].name: Invalid value: \"http--x\": must not contain consecutive hyphens",
                "spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
                "spec.containers[0].ports[0].protocol: Unsupported value: \"tcp\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "spec.containers[0].ports[1].containerPort: Required value");
    }

    @Test
    void restartPolicyMustBeAKnownValue() {
        assertThat(create("", "Pod", pod("{'restartPolicy':'Sometimes','containers':[{'name':'a','image':'b'}]}")))
                .containsExactly("spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: "
                        + "\"Always\", \"OnFailure\", \"Never\"");
    }

    @Test
    void aRequestMayNotExceedItsLimit() {
        ObjectNode p = pod("{'containers':[{'name':'a','image':'b','resources':{'requests':{'cpu':'2','memory':'1Gi'},"
                + "'limits':{'cpu':'1500m','memory':'1024Mi'}}}]}");

        assertThat(create("", "Pod", p)).containsExactly("spec.containers[0].resources.requests: Invalid value: \"2\": "
                + "must be less than or equal to cpu limit of 1500m");
    }

    @Test
    void volumeMountsNameAVolume() {
        ObjectNode p = pod("{'volumes':[{'name':'data','emptyDir':{}}],'containers':[{'name':'a','image':'b',"
                + "'volumeMounts':[{'name':'data','mountPath':'/d'},{'name':'cache','mountPath':'/c'}]}]}");

        assertThat(create("", "Pod", p)).containsExactly("spec.containers[0].volumeMounts[1].name: Not found: \"cache\"");
    }

    @Test
    void aPodUpdateMayChangeImages() {
        ObjectNode old = pod("{'containers':[{'name':'a','image':'nginx:1'}],'tolerations':[{'key':'k','operator':'Exists'}]}");
        ObjectNode changed = pod("{'containers':[{'name':'a','image':'nginx:2'}],'activeDeadlineSeconds':30,"
                + "'tolerations':[{'key':'k','operator':'Exists'},{'key':'new','operator':'Exists'}]}");

        assertThat(update("", "Pod", changed, old)).isEmpty();
    }

    @Test
    void aPodUpdateOfAnythingElseIsForbiddenWithKubernetesWords() {
        ObjectNode old = pod("{'containers':[{'name':'a','image':'nginx','ports':[{'containerPort':80}]}]}");
        ObjectNode changed = pod("{'containers':[{'name':'a','image':'nginx','ports':[{'containerPort':8080}]}]}");

        List<FieldError> errors = rules("", "Pod").validateUpdate(changed, old);

        assertThat(errors).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("spec");
            assertThat(e.toString()).startsWith("spec: Forbidden: pod updates may not change fields other than "
                    + "`spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,"
                    + "`spec.tolerations` (only additions to existing tolerations),"
                    + "`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n"
                    + "  core.PodSpec{\n");
        });
    }

    @Test
    void aPodUpdateMayNotRaiseActiveDeadlineSecondsOrDropATolerations() {
        ObjectNode old = pod("{'containers':[{'name':'a','image':'b'}],'activeDeadlineSeconds':30,"
                + "'tolerations':[{'key':'k','operator':'Exists'}]}");
        ObjectNode changed = pod("{'containers':[{'name':'a','image':'b'}],'activeDeadlineSeconds':60}");

        assertThat(update("", "Pod", changed, old)).containsExactly(
                "spec.activeDeadlineSeconds: Invalid value: 60: must be less than or equal to previous value");
        ObjectNode dropped = pod("{'containers':[{'name':'a','image':'b'}],'activeDeadlineSeconds':30}");
        assertThat(update("", "Pod", dropped, old)).first().asString().isEqualTo(
                "spec.tolerations: Forbidden: existing toleration can not be modified except its tolerationSeconds");
    }

    @Test
    void numbersOfAnotherJsonTypeAreNotAChange() {
        ObjectNode old = pod("{'containers':[{'name':'a','image':'b'}],'terminationGracePeriodSeconds':30}");
        ObjectNode changed = pod("{'containers':[{'name':'a','image':'b'}]}");
        changed.with("spec").put("terminationGracePeriodSeconds", 30L);

        assertThat(update("", "Pod", changed, old)).isEmpty();
    }

    // ---- Deployment and friends -------------------------------------------------------------

    @Test
    void aDeploymentNeedsASelector() {
        assertThat(create("apps", "Deployment", deployment("{" + TEMPLATE + "}")))
                .containsExactly("spec.selector: Required value");
    }

    @Test
    void theSelectorMustMatchTheTemplateLabels() {
        ObjectNode d = deployment("{'selector':{'matchLabels':{'app':'api'}}," + TEMPLATE + "}");

        assertThat(create("apps", "Deployment", d)).containsExactly("spec.template.metadata.labels: Invalid value: "
                + "map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`");
    }

    @Test
    void anEmptySelectorIsInvalidAndReplicasAreNotNegative() {
        ObjectNode d = deployment("{'replicas':-1,'selector':{}," + TEMPLATE + "}");

        assertThat(create("apps", "Deployment", d)).containsExactly(
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0",
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), "
                        + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment");
    }

    @Test
    void templatePodsOfADeploymentRestartAlwaysAndTheirErrorsCarryTheTemplatePath() {
        ObjectNode d = deployment("{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'restartPolicy':'Never','containers':[{'name':'web'}]}}}");

        assertThat(create("apps", "Deployment", d)).containsExactly(
                "spec.template.spec.containers[0].image: Required value",
                "spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"");
    }

    @Test
    void theSelectorOfADeploymentIsImmutable() {
        ObjectNode old = deployment("{'selector':{'matchLabels':{'app':'web'}}," + TEMPLATE + "}");
        ObjectNode changed = deployment("{'selector':{'matchLabels':{'app':'web2'}}," + TEMPLATE + "}");

        assertThat(update("apps", "Deployment", changed, old)).containsExactly("spec.selector: Invalid value: "
                + "v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, "
                + "MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable");
    }

    @Test
    void aStatefulSetUpdateMayOnlyTouchSomeFields() {
        ObjectNode old = json("{'spec':{'serviceName':'a','replicas':1}}");
        ObjectNode changed = json("{'spec':{'serviceName':'b','replicas':2}}");

        assertThat(update("apps", "StatefulSet", changed, old)).containsExactly("spec: Forbidden: updates to statefulset "
                + "spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', "
                + "'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden");
    }

    // ---- Service ----------------------------------------------------------------------------

    @Test
    void aServiceNeedsPortsUnlessHeadlessOrExternalName() {
        assertThat(create("", "Service", json("{'spec':{}}"))).containsExactly("spec.ports: Required value");
        assertThat(create("", "Service", json("{'spec':{'clusterIP':'None'}}"))).isEmpty();
        assertThat(create("", "Service", json("{'spec':{'type':'ExternalName'}}")))
                .containsExactly("spec.externalName: Required value");
    }

    @Test
    void servicePortsAreNamedWhenSeveralAndInRange() {
        ObjectNode s = json("{'spec':{'type':'Cluster','ports':[{'port':80},{'name':'b','port':0,'targetPort':'http_x'}]}}");

        assertThat(create("", "Service", s)).containsExactly(
                "spec.type: Unsupported value: \"Cluster\": supported values: \"ClusterIP\", \"ExternalName\", "
                        + "\"LoadBalancer\", \"NodePort\"",
                "spec.ports[0].name: Required value",
                "spec.ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "spec.ports[1].targetPort: Invalid value: \"http_x\": must contain only alpha-numeric characters "
                        + "(a-z, 0-9), and hyphens (-)");
    }

    @Test
    void theClusterIpOfAServiceMayNotChangeButMayBeLeftOut() {
        ObjectNode old = json("{'spec':{'clusterIP':'10.0.0.1','clusterIPs':['10.0.0.1'],'ports':[{'port':80}]}}");

        assertThat(update("", "Service", json("{'spec':{'ports':[{'port':80}]}}"), old)).isEmpty();
        assertThat(update("", "Service", json("{'spec':{'clusterIP':'10.0.0.2','clusterIPs':['10.0.0.2']}}"), old))
                .containsExactly("spec.clusterIPs[0]: Invalid value: []string{\"10.0.0.2\"}: may not change once set");
    }

    // ---- ConfigMap and Secret ---------------------------------------------------------------

    @Test
    void configMapKeysAreFileNames() {
        assertThat(create("", "ConfigMap", json("{'data':{'a b':'x','..x':'y'}}"))).containsExactly(
                "data[a b]: Invalid value: \"a b\": a valid config key must consist of alphanumeric characters, "
                        + "'-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for "
                        + "validation is '[-._a-zA-Z0-9]+')",
                "data[..x]: Invalid value: \"..x\": must not start with '..'");
    }

    @Test
    void configDataIsAtMostOneMebibyte() {
        ObjectNode c = json("{'data':{}}");
        c.with("data").put("big", "x".repeat(1024 * 1024 + 1));
        ObjectNode s = json("{'data':{}}");
        s.with("data").put("big", Base64.getEncoder().encodeToString(new byte[1024 * 1024 + 1]));

        assertThat(create("", "ConfigMap", c)).containsExactly(": Too long: may not be more than 1048576 bytes");
        assertThat(create("", "Secret", s)).containsExactly("data: Too long: may not be more than 1048576 bytes");
    }

    @Test
    void anImmutableConfigMapKeepsItsDataAndItsFlag() {
        ObjectNode old = json("{'immutable':true,'data':{'a':'1'}}");

        assertThat(update("", "ConfigMap", json("{'data':{'a':'2'}}"), old)).containsExactly(
                "immutable: Forbidden: field is immutable when `immutable` is set",
                "data: Forbidden: field is immutable when `immutable` is set");
        assertThat(update("", "ConfigMap", json("{'immutable':true,'data':{'a':'1'}}"), old)).isEmpty();
    }

    @Test
    void aSecretKeepsItsTypeAndTypedSecretsHaveTheirKeys() {
        assertThat(update("", "Secret", json("{'type':'kubernetes.io/tls'}"), json("{}")))
                .containsExactly("type: Invalid value: \"kubernetes.io/tls\": field is immutable");
        assertThat(create("", "Secret", json("{'type':'kubernetes.io/tls','data':{'tls.crt':''}}")))
                .containsExactly("data[tls.key]: Required value");
    }

    // ---- batch, RBAC, others ----------------------------------------------------------------

    @Test
    void jobPodsRestartOnFailureOrNeverAndTheDefaultAlwaysIsRefused() {
        ObjectNode job = json("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'b'}]}}}}");

        assertThat(create("batch", "Job", job)).containsExactly("spec.template.spec.restartPolicy: Unsupported value: "
                + "\"Always\": supported values: \"OnFailure\", \"Never\"");
    }

    @Test
    void aJobTemplateIsImmutable() {
        ObjectNode old = json("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'b'}]}}}}");
        ObjectNode changed = json("{'spec':{'template':{'spec':{'containers':[{'name':'a','image':'c'}]}}}}");

        assertThat(update("batch", "Job", changed, old)).singleElement().asString()
                .startsWith("spec.template: Invalid value: ").endsWith(": field is immutable");
    }

    @Test
    void aCronJobNeedsAValidSchedule() {
        String template = "'jobTemplate':{'spec':{'template':{'spec':{'restartPolicy':'Never',"
                + "'containers':[{'name':'a','image':'b'}]}}}}";

        assertThat(create("batch", "CronJob", json("{'spec':{" + template + "}}")))
                .containsExactly("spec.schedule: Required value");
        assertThat(create("batch", "CronJob", json("{'spec':{'schedule':'*/5 * * * *'," + template + "}}"))).isEmpty();
        assertThat(create("batch", "CronJob", json("{'spec':{'schedule':'* * *'," + template + "}}")))
                .containsExactly("spec.schedule: Invalid value: \"* * *\": expected exactly 5 fields, found 3: [* * *]");
    }

    @Test
    void rbacRulesNeedVerbsAndResources() {
        ObjectNode role = json("{'rules':[{'apiGroups':[''],'resources':['pods']},{'verbs':['get']},"
                + "{'verbs':['get'],'nonResourceURLs':['/healthz']}]}");

        assertThat(create("rbac.authorization.k8s.io", "Role", role)).containsExactly(
                "rules[0].verbs: Required value: verbs must contain at least one value",
                "rules[1].apiGroups: Required value: resource rules must supply at least one api group",
                "rules[1].resources: Required value: resource rules must supply at least one resource",
                "rules[2].nonResourceURLs: Invalid value: []string{\"/healthz\"}: namespaced rules cannot apply to "
                        + "non-resource URLs");
    }

    @Test
    void aBindingNamesARoleAndNeverChangesIt() {
        ObjectNode binding = json("{'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'r'},"
                + "'subjects':[{'kind':'ServiceAccount','name':'default','namespace':'n'}]}");
        ObjectNode other = json("{'roleRef':{'apiGroup':'rbac.authorization.k8s.io','kind':'Role','name':'s'}}");

        assertThat(create("rbac.authorization.k8s.io", "RoleBinding", binding)).isEmpty();
        assertThat(create("rbac.authorization.k8s.io", "ClusterRoleBinding", binding)).containsExactly(
                "roleRef.kind: Unsupported value: \"Role\": supported values: \"ClusterRole\"");
        assertThat(update("rbac.authorization.k8s.io", "RoleBinding", other, binding)).containsExactly(
                "roleRef: Invalid value: rbac.RoleRef{APIGroup:\"rbac.authorization.k8s.io\", Kind:\"Role\", "
                        + "Name:\"s\"}: cannot change roleRef");
    }

    @Test
    void namespaceFinalizersAreStandardOrQualified() {
        assertThat(create("", "Namespace", json("{'spec':{'finalizers':['kubernetes','custom']}}"))).containsExactly(
                "spec.finalizers: Invalid value: \"custom\": name is neither a standard finalizer name nor is it "
                        + "fully qualified");
    }

    @Test
    void leasesAndClaimsHaveTheirFewRules() {
        assertThat(create("coordination.k8s.io", "Lease", json("{'spec':{'leaseDurationSeconds':0}}")))
                .containsExactly("spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0");
        assertThat(create("", "PersistentVolumeClaim", json("{'spec':{}}"))).containsExactly(
                "spec.accessModes: Required value: at least 1 access mode is required",
                "spec.resources[storage]: Required value");
    }

    @Test
    void priorityClassesStayBelowTheSystemRangeAndKeepTheirValue() {
        assertThat(create("scheduling.k8s.io", "PriorityClass", json("{'metadata':{'name':'high'},'value':2000000000}")))
                .containsExactly("value: Forbidden: maximum allowed value of a user defined priority is 1000000000");
        assertThat(create("scheduling.k8s.io", "PriorityClass", json("{'metadata':{'name':'system-mine'},'value':1}")))
                .containsExactly("metadata.name: Forbidden: priority class names with 'system-' prefix are reserved "
                        + "for system use only. error: system-mine is not a known system priority class");
        assertThat(update("scheduling.k8s.io", "PriorityClass", json("{'value':2}"), json("{'value':1}")))
                .containsExactly("value: Forbidden: may not be changed in an update.");
    }
}
