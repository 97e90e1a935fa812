package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CrdValidationTest {

    private static ObjectNode crd() {
        try {
            ObjectNode crd = (ObjectNode) new ObjectMapper().readTree("""
                    {"metadata":{"name":"widgets.shop.example.com"},
                     "spec":{"group":"shop.example.com","scope":"Namespaced",
                       "names":{"plural":"widgets","singular":"widget","kind":"Widget","listKind":"WidgetList"},
                       "versions":[{"name":"v1","served":true,"storage":true,
                         "schema":{"openAPIV3Schema":{"type":"object"}}}]}}
                    """);
            CrdStrategy.applyDefaults(crd);
            return crd;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static List<String> errors(ObjectNode crd) {
        return CrdValidation.validateCreate(crd).stream().map(FieldError::toString).toList();
    }

    @Test
    void aWellFormedCrdHasNoErrors() {
        assertThat(errors(crd())).isEmpty();
    }

    @Test
    void theNameMustBeThePluralDotTheGroup() {
        ObjectNode crd = crd();
        crd.with("metadata").put("name", "gadgets.shop.example.com");
        assertThat(errors(crd)).containsExactly(
                "metadata.name: Invalid value: \"gadgets.shop.example.com\": must be spec.names.plural+\".\"+spec.group");
    }

    @Test
    void theGroupNeedsADotAndTheScopeAKnownValue() {
        ObjectNode crd = crd();
        crd.with("spec").put("group", "shop").put("scope", "Global");
        crd.with("metadata").put("name", "widgets.shop");
        assertThat(errors(crd)).contains(
                "spec.group: Invalid value: \"shop\": should be a domain with at least one dot",
                "spec.scope: Unsupported value: \"Global\": supported values: \"Cluster\", \"Namespaced\"");
    }

    @Test
    void exactlyOneVersionIsStoredAndOneServed() {
        ObjectNode crd = crd();
        ((ObjectNode) crd.at("/spec/versions/0")).put("storage", false).put("served", false);
        assertThat(errors(crd)).anySatisfy(e -> assertThat(e).startsWith("spec.versions: Invalid value: ")
                .endsWith("must have exactly one version marked as storage version"));
        assertThat(errors(crd)).anySatisfy(e -> assertThat(e).endsWith("must have at least one version marked as served"));
    }

    @Test
    void namesAreDnsLabelsAndKindDiffersFromListKind() {
        ObjectNode crd = crd();
        ((ObjectNode) crd.at("/spec/names")).put("singular", "Widget_1").put("listKind", "Widget");
        assertThat(errors(crd)).contains("spec.names.listKind: Invalid value: \"Widget\": kind and listKind may not be the same");
        assertThat(errors(crd)).anySatisfy(e -> assertThat(e).startsWith("spec.names.singular: Invalid value: \"Widget_1\": "
                + "a DNS-1035 label must consist of lower case alphanumeric characters or '-'"));
    }

    @Test
    void webhookConversionIsRefusedWithWhy() {
        ObjectNode crd = crd();
        crd.with("spec").with("conversion").put("strategy", "Webhook");
        assertThat(errors(crd)).containsExactly("spec.conversion.strategy: Invalid value: \"Webhook\": "
                + "webhook conversion is not supported by Caravel; use the None strategy");
    }

    @Test
    void selectableFieldsAreSimplePathsOutsideMetadataAndNotRepeated() {
        ObjectNode crd = crd();
        var fields = ((ObjectNode) crd.at("/spec/versions/0")).putArray("selectableFields");
        fields.addObject().put("jsonPath", ".spec.colour");
        fields.addObject().put("jsonPath", ".spec.colour");
        fields.addObject().put("jsonPath", ".metadata.labels");
        fields.addObject();
        assertThat(errors(crd)).containsExactly(
                "spec.versions[0].selectableFields[1].jsonPath: Duplicate value: \".spec.colour\"",
                "spec.versions[0].selectableFields[2].jsonPath: Invalid value: \".metadata.labels\": must not select metadata: "
                        + "metadata.name and metadata.namespace are always selectable",
                "spec.versions[0].selectableFields[3].jsonPath: Required value");
    }

    @Test
    void aWebhookIsForbiddenWithTheNoneStrategy() {
        ObjectNode crd = crd();
        crd.with("spec").with("conversion").putObject("webhook").putArray("conversionReviewVersions").add("v1");
        assertThat(errors(crd)).containsExactly(
                "spec.conversion.webhook: Forbidden: should not be set when strategy is not set to Webhook");
    }

    @Test
    void printerColumnsAndScalePathsAreChecked() {
        ObjectNode crd = crd();
        ObjectNode version = (ObjectNode) crd.at("/spec/versions/0");
        version.putArray("additionalPrinterColumns").addObject().put("name", "Size").put("type", "float")
                .put("jsonPath", "..size");
        version.putObject("subresources").putObject("scale").put("specReplicasPath", ".status.size")
                .put("statusReplicasPath", ".status.size");
        assertThat(errors(crd)).contains(
                "spec.versions[0].additionalPrinterColumns[0].type: Unsupported value: \"float\": supported values: "
                        + "\"integer\", \"number\", \"string\", \"boolean\", \"date\"",
                "spec.versions[0].subresources.scale.specReplicasPath: Invalid value: \".status.size\": "
                        + "should be a json path under .spec");
        assertThat(errors(crd)).anySatisfy(e -> assertThat(e)
                .startsWith("spec.versions[0].additionalPrinterColumns[0].jsonPath: Invalid value: \"..size\""));
    }

    @Test
    void aVersionWithoutSchemaIsRefusedAndABadSchemaReportedUnderItsPath() {
        ObjectNode crd = crd();
        ((ObjectNode) crd.at("/spec/versions/0")).remove("schema");
        assertThat(errors(crd)).containsExactly("spec.versions[0].schema.openAPIV3Schema: Required value: schemas are required");
        ObjectNode bad = crd();
        ((ObjectNode) bad.at("/spec/versions/0/schema/openAPIV3Schema")).putObject("properties").putObject("untyped");
        assertThat(errors(bad)).isNotEmpty()
                .allSatisfy(e -> assertThat(e).startsWith("spec.versions[0].schema.openAPIV3Schema"));
    }

    @Test
    void theGroupAndPluralCannotChange() {
        ObjectNode old = crd();
        ObjectNode changed = crd();
        ((ObjectNode) changed.at("/spec/names")).put("plural", "gadgets");
        changed.with("metadata").put("name", "gadgets.shop.example.com");
        assertThat(CrdValidation.validateUpdate(changed, old).stream().map(FieldError::toString))
                .contains("spec.names.plural: Invalid value: \"gadgets\": field is immutable");
    }
}
