package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.CauseType;
import dev.caravel.apiserver.api.StatusCause;
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
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ObjectValidatorTest {

    private static final ObjectValidator.Target DEPLOYMENT =
            new ObjectValidator.Target(new GroupVersionKind("apps", "v1", "Deployment"), true);
    private static final ObjectValidator.Target STORAGE_CLASS =
            new ObjectValidator.Target(new GroupVersionKind("storage.k8s.io", "v1", "StorageClass"), false);
    private final ObjectValidator validator = ObjectValidator.kubernetes();

    private static final String TEMPLATE = "'template':{'metadata':{'labels':{'app':'web'}},"
            + "'spec':{'containers':[{'name':'web','image':'nginx'}]}}";

    @Test
    void aCreateWithoutSelectorIsInvalidWithKubernetesMessageAndCause() {
        assertThatThrownBy(() -> validator.validateCreate(DEPLOYMENT, deployment("{" + TEMPLATE + "}")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(422);
                    assertThat(e.status().message()).isEqualTo("Deployment.apps \"web\" is invalid: spec.selector: Required value");
                    assertThat(e.status().details().causes()).containsExactly(
                            new StatusCause(CauseType.FIELD_VALUE_REQUIRED, "Required value", "spec.selector"));
                });
    }

    @Test
    void severalErrorsAreAggregatedInBrackets() {
        ObjectNode d = deployment("{'selector':{'matchLabels':{'app':'web'}},'template':{'metadata':{'labels':{'app':'web'}},"
                + "'spec':{'containers':[{'name':'web'}]}}}");
        d.with("metadata").put("name", "Web");

        assertThatThrownBy(() -> validator.validateCreate(DEPLOYMENT, d))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.status().message())
                        .startsWith("Deployment.apps \"Web\" is invalid: [metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain")
                        .endsWith(", spec.template.spec.containers[0].image: Required value]"));
    }

    @Test
    void aValidDeploymentPasses() {
        assertThatCode(() -> validator.validateCreate(DEPLOYMENT,
                deployment("{'selector':{'matchLabels':{'app':'web'}}," + TEMPLATE + "}"))).doesNotThrowAnyException();
    }

    @Test
    void anUpdateChangingTheSelectorIsInvalid() {
        ObjectNode old = deployment("{'selector':{'matchLabels':{'app':'web'}}," + TEMPLATE + "}");
        ObjectNode changed = deployment("{'selector':{'matchLabels':{'app':'web','tier':'x'}},'template':{'metadata':"
                + "{'labels':{'app':'web','tier':'x'}},'spec':{'containers':[{'name':'web','image':'nginx'}]}}}");

        assertThatThrownBy(() -> validator.validateUpdate(DEPLOYMENT, changed, old))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.status().message()).isEqualTo(
                        "Deployment.apps \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:"
                                + "map[string]string{\"app\":\"web\", \"tier\":\"x\"}, MatchExpressions:"
                                + "[]v1.LabelSelectorRequirement(nil)}: field is immutable"));
    }

    @Test
    void aKindWithoutRulesGetsTheSchemasRequiredFields() {
        ObjectNode sc = json("{'apiVersion':'storage.k8s.io/v1','kind':'StorageClass','metadata':{'name':'fast'}}");

        assertThatThrownBy(() -> validator.validateCreate(STORAGE_CLASS, sc))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.status().message())
                        .isEqualTo("StorageClass.storage.k8s.io \"fast\" is invalid: provisioner: Required value"));
    }

    @Test
    void aBodyDecodedWithStrictFailsOnItsFirstDuplicate() throws IOException {
        byte[] body = ("{'apiVersion':'apps/v1','kind':'Deployment','metadata':{'name':'web'},"
                + "'spec':{'replicas':1,'replicas':2}}").replace('\'', '"').getBytes(StandardCharsets.UTF_8);
        StrictJson.ParsedObject parsed = StrictJson.parse(body);

        assertThatThrownBy(() -> validator.decode(DEPLOYMENT, parsed.object(), parsed.duplicateFields(), FieldValidation.STRICT))
                .hasMessage("Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: "
                        + "duplicate field \"spec.replicas\"");
        assertThat(validator.decode(DEPLOYMENT, parsed.object(), parsed.duplicateFields(), FieldValidation.WARN))
                .containsExactly("duplicate field \"spec.replicas\"");
        assertThat(parsed.object().at("/spec/replicas").intValue()).isEqualTo(2);
    }
}
