package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.GroupKind;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Random;

import static dev.caravel.apiserver.validation.Objects.json;
import static org.assertj.core.api.Assertions.assertThat;

class ObjectMetaValidatorTest {

    private static final GroupKind CONFIG_MAP = GroupKind.core("ConfigMap");
    private static final GroupKind NAMESPACE = GroupKind.core("Namespace");

    private static List<String> errors(ObjectNode object, GroupKind kind, boolean namespaced) {
        return ObjectMetaValidator.validate(object, kind, namespaced).stream().map(FieldError::toString).toList();
    }

    @Test
    void aNameOrGenerateNameIsRequired() {
        assertThat(errors(json("{'metadata':{'namespace':'default'}}"), CONFIG_MAP, true))
                .containsExactly("metadata.name: Required value: name or generateName is required");
    }

    @Test
    void mostNamesAreDns1123Subdomains() {
        assertThat(errors(json("{'metadata':{'name':'Web_1','namespace':'default'}}"), CONFIG_MAP, true)).containsExactly(
                "metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case "
                        + "alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character "
                        + "(e.g. 'example.com', regex used for validation is "
                        + "'[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')");
        assertThat(errors(json("{'metadata':{'name':'a.b','namespace':'default'}}"), CONFIG_MAP, true)).isEmpty();
    }

    @Test
    void namespaceNamesAreDns1123LabelsAndServiceNamesDns1035Labels() {
        assertThat(errors(json("{'metadata':{'name':'a.b'}}"), NAMESPACE, false)).containsExactly(
                "metadata.name: Invalid value: \"a.b\": a lowercase RFC 1123 label must consist of lower case "
                        + "alphanumeric characters or '-', and must start and end with an alphanumeric character "
                        + "(e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        assertThat(errors(json("{'metadata':{'name':'1web','namespace':'default'}}"), GroupKind.core("Service"), true))
                .containsExactly("metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case "
                        + "alphanumeric characters or '-', start with an alphabetic character, and end with an "
                        + "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is "
                        + "'[a-z]([-a-z0-9]*[a-z0-9])?')");
    }

    @Test
    void rbacNamesArePathSegments() {
        GroupKind clusterRole = new GroupKind("rbac.authorization.k8s.io", "ClusterRole");

        assertThat(errors(json("{'metadata':{'name':'system:controller:Foo'}}"), clusterRole, false)).isEmpty();
        assertThat(errors(json("{'metadata':{'name':'a/b%'}}"), clusterRole, false)).containsExactly(
                "metadata.name: Invalid value: \"a/b%\": may not contain '/'",
                "metadata.name: Invalid value: \"a/b%\": may not contain '%'");
        assertThat(errors(json("{'metadata':{'name':'..'}}"), clusterRole, false))
                .containsExactly("metadata.name: Invalid value: \"..\": may not be '..'");
    }

    @Test
    void aGenerateNamePrefixMayEndWithADash() {
        assertThat(errors(json("{'metadata':{'generateName':'web-','name':'web-x7k2p','namespace':'n'}}"), CONFIG_MAP, true))
                .isEmpty();
        assertThat(errors(json("{'metadata':{'generateName':'Web-','name':'web-x7k2p','namespace':'n'}}"), CONFIG_MAP, true))
                .singleElement().asString().startsWith("metadata.generateName: Invalid value: \"Web-\": a lowercase RFC 1123 subdomain");
    }

    @Test
    void generatedNamesAreThePrefixCutTo58AndFiveCharactersOfKubernetesAlphabet() {
        String name = ObjectMetaValidator.generateName("x".repeat(70), new Random(1));

        assertThat(name).hasSize(63).startsWith("x".repeat(58));
        assertThat(name.substring(58)).matches("[bcdfghjklmnpqrstvwxz2456789]{5}");
        assertThat(ObjectMetaValidator.generateName("web-", new Random(2))).matches("web-[bcdfghjklmnpqrstvwxz2456789]{5}");
    }

    @Test
    void theNamespaceIsRequiredForNamespacedKindsAndForbiddenForOthers() {
        assertThat(errors(json("{'metadata':{'name':'a'}}"), CONFIG_MAP, true))
                .containsExactly("metadata.namespace: Required value");
        assertThat(errors(json("{'metadata':{'name':'a','namespace':'default'}}"), NAMESPACE, false))
                .containsExactly("metadata.namespace: Forbidden: not allowed on this type");
    }

    @Test
    void labelAndAnnotationErrorsAreAtTheMapPath() {
        ObjectNode object = json("{'metadata':{'name':'a','namespace':'n','labels':{'app':'-bad'},"
                + "'annotations':{'a/b/c':'x'}}}");

        assertThat(errors(object, CONFIG_MAP, true)).containsExactly(
                "metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of "
                        + "alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character "
                        + "(e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is "
                        + "'(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
                "metadata.annotations: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric "
                        + "characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. "
                        + "'MyName',  or 'my.name',  or '123-abc', regex used for validation is "
                        + "'([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' "
                        + "(e.g. 'example.com/MyName')");
    }

    @Test
    void annotationsMayHoldAtMost256KiB() {
        ObjectNode object = json("{'metadata':{'name':'a','namespace':'n'}}");
        object.with("metadata").with("annotations").put("big", "x".repeat(256 * 1024));

        assertThat(errors(object, CONFIG_MAP, true))
                .containsExactly("metadata.annotations: Too long: may not be more than 262144 bytes");
    }

    @Test
    void finalizersAreQualifiedNamesAndOrphanExcludesForeground() {
        ObjectNode object = json("{'metadata':{'name':'a','namespace':'n','finalizers':['example.com/x','kubernetes',"
                + "'orphan','foregroundDeletion']}}");

        assertThat(errors(object, CONFIG_MAP, true)).containsExactly("metadata.finalizers: Invalid value: "
                + "[]string{\"example.com/x\", \"kubernetes\", \"orphan\", \"foregroundDeletion\"}: "
                + "finalizer orphan and foregroundDeletion cannot be both set");
    }

    @Test
    void ownerReferencesNeedVersionKindNameAndUid() {
        ObjectNode object = json("{'metadata':{'name':'a','namespace':'n','ownerReferences':[{'apiVersion':'apps/',"
                + "'kind':'ReplicaSet','name':'rs'}]}}");

        assertThat(errors(object, CONFIG_MAP, true)).containsExactly(
                "metadata.ownerReferences.apiVersion: Invalid value: \"apps/\": version must not be empty",
                "metadata.ownerReferences.uid: Invalid value: \"\": uid must not be empty");
    }

    @Test
    void anUpdateKeepsNameNamespaceUidAndCreationTimestamp() {
        ObjectNode old = json("{'metadata':{'name':'a','namespace':'n','uid':'u1','resourceVersion':'3',"
                + "'creationTimestamp':'2024-05-01T10:00:00Z'}}");
        ObjectNode changed = json("{'metadata':{'name':'b','namespace':'n','uid':'u2','resourceVersion':'3',"
                + "'creationTimestamp':'2024-05-02T10:00:00Z'}}");

        assertThat(ObjectMetaValidator.validateUpdate(changed, old)).extracting(FieldError::toString).containsExactly(
                "metadata.name: Invalid value: \"b\": field is immutable",
                "metadata.uid: Invalid value: \"u2\": field is immutable",
                "metadata.creationTimestamp: Invalid value: 2024-05-02 10:00:00 +0000 UTC: field is immutable");
    }

    @Test
    void anUpdateNeedsAResourceVersionAndAddsNoFinalizersDuringDeletion() {
        ObjectNode old = json("{'metadata':{'name':'a','resourceVersion':'3','deletionTimestamp':'2024-05-01T10:00:00Z',"
                + "'finalizers':['a.io/x']}}");
        ObjectNode changed = json("{'metadata':{'name':'a','deletionTimestamp':'2024-05-01T10:00:00Z',"
                + "'finalizers':['a.io/x','a.io/y']}}");

        assertThat(ObjectMetaValidator.validateUpdate(changed, old)).extracting(FieldError::toString).containsExactly(
                "metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, "
                        + "found new finalizers []string{\"a.io/y\"}",
                "metadata.resourceVersion: Invalid value: \"\": must be specified for an update");
    }
}
