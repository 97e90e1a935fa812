package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.schema.GroupVersionKind;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static dev.caravel.apiserver.validation.Objects.deployment;
import static dev.caravel.apiserver.validation.Objects.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaValidatorTest {

    private static final GroupVersionKind DEPLOYMENT = new GroupVersionKind("apps", "v1", "Deployment");
    private static final GroupVersionKind CONFIG_MAP = new GroupVersionKind("", "v1", "ConfigMap");
    private static final GroupVersionKind SECRET = new GroupVersionKind("", "v1", "Secret");
    private final SchemaValidator validator = SchemaValidator.kubernetes();

    private static final String TEMPLATE = "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'web','image':'nginx'}]}}";

    @Test
    void strictRefusesUnknownFieldsWithKubernetesMessage() {
        ObjectNode d = deployment("{'foo':1,'selector':{'matchLabels':{'app':'web'}}," + TEMPLATE + "}");
        d.put("bar", true);

        assertThatThrownBy(() -> validator.decode(DEPLOYMENT, d, List.of(), FieldValidation.STRICT))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status().message()).isEqualTo("Deployment in version \"v1\" cannot be handled as a "
                            + "Deployment: strict decoding error: unknown field \"spec.foo\", unknown field \"bar\"");
                });
    }

    @Test
    void warnReturnsOneWarningPerUnknownFieldAndDropsThem() {
        ObjectNode d = deployment("{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'web','image':'nginx','imagePullPolicyy':'Always'}]}}}");

        List<String> warnings = validator.decode(DEPLOYMENT, d, List.of(), FieldValidation.WARN);

        assertThat(warnings).containsExactly("unknown field \"spec.template.spec.containers[0].imagePullPolicyy\"");
        assertThat(d.at("/spec/template/spec/containers/0").has("imagePullPolicyy")).isFalse();
    }

    @Test
    void ignoreSaysNothingButStillDropsUnknownFields() {
        ObjectNode d = deployment("{'foo':1}");

        assertThat(validator.decode(DEPLOYMENT, d, List.of(), FieldValidation.IGNORE)).isEmpty();
        assertThat(d.get("spec").has("foo")).isFalse();
    }

    @Test
    void duplicateFieldsComeInDocumentOrderAmongUnknownOnes() throws IOException {
        String body = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web','name':'web'},"
                + "'spec':{'unknown1':1,'replicas':1,'replicas':2,'paused':true,'paused':false}}";
        StrictJson.ParsedObject parsed = StrictJson.parse(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));

        SchemaValidator.Decoding decoding = validator.inspect(DEPLOYMENT, parsed.object(), parsed.duplicateFields(), false);

        assertThat(decoding.strictErrors()).containsExactly("duplicate field \"metadata.name\"",
                "unknown field \"spec.unknown1\"", "duplicate field \"spec.replicas\"", "duplicate field \"spec.paused\"");
    }

    @Test
    void kubernetesFieldValidationExampleGivesItsWarningsInOrder() throws IOException {
        String body = "{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'d','name':'d','unknownMeta':'x',"
                + "'labels':{'app':'nginx'}},'spec':{'unknown1':'val1','unknownDupe':'a','unknownDupe':'b',"
                + "'paused':true,'paused':false,'selector':{'matchLabels':{'app':'nginx'}},'template':{'metadata':"
                + "{'labels':{'app':'nginx'}},'spec':{'containers':[{'name':'nginx','image':'nginx:latest',"
                + "'unknownNested':'val1','imagePullPolicy':'Always','imagePullPolicy':'Never'}]}}}}";
        StrictJson.ParsedObject parsed = StrictJson.parse(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));

        assertThatThrownBy(() -> validator.decode(DEPLOYMENT, parsed.object(), parsed.duplicateFields(), FieldValidation.STRICT))
                .hasMessageEndingWith("strict decoding error: duplicate field \"metadata.name\", unknown field "
                        + "\"metadata.unknownMeta\", unknown field \"spec.unknown1\", unknown field \"spec.unknownDupe\", "
                        + "duplicate field \"spec.paused\", unknown field \"spec.template.spec.containers[0].unknownNested\", "
                        + "duplicate field \"spec.template.spec.containers[0].imagePullPolicy\"");
    }

    @Test
    void duplicateMapKeysAreReportedButNotThoseInsideFreeFormValues() throws IOException {
        String body = "{'metadata':{'labels':{'a':'1','a':'2'},'managedFields':[{'fieldsV1':{'f:x':{},'f:x':{}}}]}}";
        StrictJson.ParsedObject parsed = StrictJson.parse(body.replace('\'', '"').getBytes(StandardCharsets.UTF_8));

        assertThat(validator.inspect(CONFIG_MAP, parsed.object(), parsed.duplicateFields(), false).strictErrors())
                .containsExactly("duplicate field \"metadata.labels.a\"");
    }

    @Test
    void aStringForAnIntegerIsGosUnmarshalError() {
        ObjectNode d = deployment("{'replicas':'3'}");

        assertThatThrownBy(() -> validator.decode(DEPLOYMENT, d, List.of(), FieldValidation.IGNORE))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.status().message()).isEqualTo("Deployment in version \"v1\" cannot be handled as a "
                            + "Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32");
                });
    }

    @Test
    void typeErrorsNameTheStructAndTheFieldPathWithoutIndexes() {
        ObjectNode d = deployment("{'template':{'spec':{'containers':[{'name':'a','image':5}]}}}");

        assertThat(validator.inspect(DEPLOYMENT, d, List.of(), false).typeError()).contains(
                "json: cannot unmarshal number into Go struct field Container.spec.template.spec.containers.image of type string");
    }

    @Test
    void typeErrorsNameGoTypesOfStructsListsAndMaps() {
        assertThat(validator.inspect(DEPLOYMENT, deployment("'x'"), List.of(), false).typeError()).contains(
                "json: cannot unmarshal string into Go struct field Deployment.spec of type v1.DeploymentSpec");
        assertThat(validator.inspect(DEPLOYMENT, deployment("{'template':{'spec':{'containers':{}}}}"), List.of(), false)
                .typeError()).contains("json: cannot unmarshal object into Go struct field PodSpec.spec.template.spec.containers"
                + " of type []v1.Container");
        ObjectNode labels = json("{'metadata':{'labels':{'a':1}}}");
        assertThat(validator.inspect(CONFIG_MAP, labels, List.of(), false).typeError()).contains(
                "json: cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string");
    }

    @Test
    void aFractionOrAnOverflowForAnInt32IsRefusedWithTheNumber() {
        assertThat(validator.inspect(DEPLOYMENT, deployment("{'replicas':1.5}"), List.of(), false).typeError()).contains(
                "json: cannot unmarshal number 1.5 into Go struct field DeploymentSpec.spec.replicas of type int32");
        assertThat(validator.inspect(DEPLOYMENT, deployment("{'replicas':3000000000}"), List.of(), false).typeError()).contains(
                "json: cannot unmarshal number 3000000000 into Go struct field DeploymentSpec.spec.replicas of type int32");
    }

    @Test
    void nullIsAcceptedAnywhereAsGoLeavesTheZeroValue() {
        assertThat(validator.inspect(DEPLOYMENT, deployment("{'replicas':null,'selector':null}"), List.of(), false))
                .isEqualTo(new SchemaValidator.Decoding(java.util.Optional.empty(), List.of()));
    }

    @Test
    void intOrStringQuantitiesAndFreeFormFieldsAcceptTheirForms() {
        ObjectNode d = deployment("{'strategy':{'rollingUpdate':{'maxSurge':'25%','maxUnavailable':1}},"
                + "'template':{'spec':{'containers':[{'name':'a','image':'x','resources':{'limits':{'cpu':1,'memory':'1Gi'}}}]}}}");
        d.with("metadata").set("managedFields", json("{'a':[{'manager':'kubectl','fieldsV1':{'f:spec':{'.':{}}}}]}").get("a"));

        SchemaValidator.Decoding decoding = validator.inspect(DEPLOYMENT, d, List.of(), false);

        assertThat(decoding.typeError()).isEmpty();
        assertThat(decoding.strictErrors()).isEmpty();
    }

    @Test
    void quantitiesAndIntOrStringsAreCheckedByTheirOwnDecoders() {
        GroupVersionKind pod = new GroupVersionKind("", "v1", "Pod");
        ObjectNode badQuantity = json("{'spec':{'containers':[{'name':'a','resources':{'limits':{'cpu':'one'}}}]}}");
        ObjectNode badSuffix = json("{'spec':{'containers':[{'name':'a','resources':{'limits':{'memory':'1ki'}}}]}}");
        ObjectNode badPort = json("{'spec':{'containers':[{'name':'a','livenessProbe':{'httpGet':{'port':1.5}}}]}}");

        assertThat(validator.inspect(pod, badQuantity, List.of(), false).typeError()).contains(
                "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        assertThat(validator.inspect(pod, badSuffix, List.of(), false).typeError()).contains(
                "unable to parse quantity's suffix");
        assertThat(validator.inspect(pod, badPort, List.of(), false).typeError()).contains(
                "json: cannot unmarshal number 1.5 into Go value of type int32");
        assertThat(SchemaValidator.quantityProblem("500m")).isNull();
        assertThat(SchemaValidator.quantityProblem("1.5Gi")).isNull();
        assertThat(SchemaValidator.quantityProblem("1e3")).isNull();
    }

    @Test
    void secretDataMustBeBase64() {
        ObjectNode s = json("{'data':{'a':'aGVsbG8=','b':'not base64!'}}");

        assertThat(validator.inspect(SECRET, s, List.of(), false).typeError()).contains("illegal base64 data at input byte 3");
    }

    @Test
    void requiredFieldsOfTheSchemaAreReportedAtTheirPaths() {
        ObjectNode d = deployment("{'template':{'spec':{'containers':[{'image':'x'}]}}}");

        assertThat(validator.requiredFields(DEPLOYMENT, d)).extracting(FieldError::toString).containsExactly(
                "spec.selector: Required value", "spec.template.spec.containers[0].name: Required value");
    }

    @Test
    void requiredFieldsWrittenAsNullOrInsideStatusAreNotMissing() {
        GroupVersionKind slice = new GroupVersionKind("discovery.k8s.io", "v1", "EndpointSlice");
        GroupVersionKind node = new GroupVersionKind("", "v1", "Node");

        assertThat(validator.requiredFields(slice, json("{'addressType':'IPv4','endpoints':null}"))).isEmpty();
        assertThat(validator.requiredFields(node, json("{'status':{'nodeInfo':{'machineID':'m'}}}"))).isEmpty();
    }
}
