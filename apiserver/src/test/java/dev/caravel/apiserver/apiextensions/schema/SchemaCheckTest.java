package dev.caravel.apiserver.apiextensions.schema;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** A CRD version's openAPIV3Schema refused as kube-apiserver refuses it, message for message. */
class SchemaCheckTest {

    private static final FieldPath AT = FieldPath.of("spec", "versions").index(0).child("schema", "openAPIV3Schema");
    private static final String P = "spec.versions[0].schema.openAPIV3Schema";

    private static List<String> errorsOf(String schema) {
        return StructuralSchema.check(Json.parse(schema), AT).stream().map(FieldError::toString).toList();
    }

    @Test
    void aTypicalStructuralSchemaIsAccepted() {
        assertThat(errorsOf("""
                {type: 'object', properties: {
                  apiVersion: {type: 'string'}, kind: {type: 'string'}, metadata: {type: 'object'},
                  spec: {type: 'object', required: ['replicas'], properties: {
                    replicas: {type: 'integer', minimum: 1, default: 1},
                    port: {x-kubernetes-int-or-string: true, anyOf: [{type: 'integer'}, {type: 'string'}]},
                    tags: {type: 'array', x-kubernetes-list-type: 'set', items: {type: 'string'}},
                    ports: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['port'],
                            items: {type: 'object', required: ['port'], properties: {port: {type: 'integer'}}}},
                    labels: {type: 'object', additionalProperties: {type: 'string'}},
                    raw: {type: 'object', x-kubernetes-preserve-unknown-fields: true},
                    template: {type: 'object', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true},
                    name: {type: 'string', pattern: '^[a-z]+$', x-kubernetes-validations: [{rule: 'self.size() > 0'}]}
                  }},
                  status: {type: 'object', properties: {ready: {type: 'boolean'}}}
                }}""")).isEmpty();
    }

    @Test
    void everyFieldNeedsAType() {
        assertThat(errorsOf("{type: 'object', properties: {spec: {properties: {a: {type: 'string'}}}, list: {type: 'array', items: {}}}}"))
                .containsExactly(
                        P + ".properties[list].items.type: Required value: must not be empty for specified array items",
                        P + ".properties[spec].type: Required value: must not be empty for specified object fields");
        assertThat(errorsOf("{properties: {spec: {type: 'object'}}}"))
                .containsExactly(P + ".type: Required value: must not be empty at the root");
    }

    @Test
    void theRootMustBeAnObjectWithoutAdditionalProperties() {
        assertThat(errorsOf("{type: 'string'}")).containsExactly(P + ".type: Invalid value: \"string\": must be object at the root");
        assertThat(errorsOf("{type: 'object', additionalProperties: {type: 'string'}}"))
                .containsExactly(P + ".additionalProperties: Forbidden: must not be used at the root");
        assertThat(errorsOf("{type: 'object', nullable: true}")).containsExactly(P + ".nullable: Forbidden: nullable cannot be true at the root");
    }

    @Test
    void anArrayNeedsItems() {
        assertThat(errorsOf("{type: 'object', properties: {list: {type: 'array'}}}"))
                .containsExactly(P + ".properties[list].items: Required value: must be specified");
    }

    @Test
    void rootMetadataMayOnlyRestrictNameAndGenerateName() {
        assertThat(errorsOf("{type: 'object', properties: {metadata: {type: 'object', properties: {name: {type: 'string', maxLength: 10}}}}}"))
                .isEmpty();
        assertThat(errorsOf("{type: 'object', properties: {metadata: {type: 'object', properties: {labels: {type: 'object'}}}}}"))
                .containsExactly(P + ".properties[metadata]: Forbidden: must not specify anything other than name and generateName, "
                        + "but metadata is implicitly specified");
        assertThat(errorsOf("{type: 'object', properties: {metadata: {type: 'string'}}}"))
                .containsExactly(P + ".properties[metadata].type: Invalid value: \"string\": must be object");
        assertThat(errorsOf("{type: 'object', properties: {kind: {type: 'integer'}}}"))
                .containsExactly(P + ".properties[kind].type: Invalid value: \"integer\": must be string");
    }

    @Test
    void valueValidationsMayNotDeclareStructureAndStructuralErrorsComeSortedFirst() {
        assertThat(errorsOf("""
                {type: 'object', properties: {a: {type: 'string', anyOf: [{type: 'string', nullable: true}],
                 allOf: [{description: 'x', x-kubernetes-list-type: 'set'}], not: {properties: {metadata: {}}}}}}"""))
                .containsExactly(
                        P + ".properties[a].allOf[0].description: Forbidden: must be empty to be structural",
                        P + ".properties[a].allOf[0].x-kubernetes-list-type: Forbidden: must be undefined to be structural",
                        P + ".properties[a].anyOf[0].nullable: Forbidden: must be false to be structural",
                        P + ".properties[a].anyOf[0].type: Forbidden: must be empty to be structural",
                        P + ".properties[a].not.properties[metadata]: Forbidden: must not be specified in a nested context",
                        // the per-node rules, after the sorted structural errors, look into allOf too
                        P + ".properties[a].allOf[0].type: Required value: must be array if x-kubernetes-list-type is specified");
    }

    @Test
    void aFieldNamedOnlyInAValueValidationAtTheRootMustAlsoBeDeclared() {
        assertThat(errorsOf("{type: 'object', properties: {a: {type: 'string'}}, anyOf: [{properties: {b: {}}}]}"))
                .containsExactly(P + ".properties[b]: Required value: because it is defined in " + P + ".anyOf[0].properties[b]");
    }

    @Test
    void intOrStringMayUseTheTwoTypedAnyOfAndNothingMoreStructural() {
        assertThat(errorsOf("{type: 'object', properties: {p: {x-kubernetes-int-or-string: true, x-kubernetes-preserve-unknown-fields: true}}}"))
                .containsExactly(P + ".properties[p].x-kubernetes-preserve-unknown-fields: Invalid value: true: "
                        + "must be false if x-kubernetes-int-or-string is true");
        assertThat(errorsOf("{type: 'object', properties: {p: {x-kubernetes-int-or-string: true, allOf: [{anyOf: [{type: 'integer'}, {type: 'string'}]}]}}}"))
                .isEmpty();
    }

    @Test
    void embeddedResourcesMustBeObjectsWithPropertiesOrPreservedFields() {
        assertThat(errorsOf("{type: 'object', properties: {t: {type: 'object', x-kubernetes-embedded-resource: true}}}"))
                .containsExactly(P + ".properties[t].properties: Required value: must not be empty if x-kubernetes-embedded-resource "
                        + "is true without x-kubernetes-preserve-unknown-fields");
        assertThat(errorsOf("{type: 'object', properties: {t: {type: 'string', x-kubernetes-embedded-resource: true, x-kubernetes-preserve-unknown-fields: true}}}"))
                .containsExactly(P + ".properties[t].type: Invalid value: \"string\": must be object if x-kubernetes-embedded-resource is true");
    }

    @Test
    void anInvalidPatternIsReported() {
        assertThat(errorsOf("{type: 'object', properties: {a: {type: 'string', pattern: '('}}}"))
                .singleElement().asString()
                .startsWith(P + ".properties[a].pattern: Invalid value: \"(\": must be a valid regular expression, but isn't: error parsing regexp: ");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{type: 'object', properties: {a: {type: 'array', uniqueItems: true, items: {type: 'string'}}}}"
                    + "|.properties[a].uniqueItems: Forbidden: uniqueItems cannot be set to true since the runtime complexity becomes quadratic",
            "{type: 'object', properties: {a: {type: 'object', properties: {b: {type: 'string'}}, additionalProperties: {type: 'string'}}}}"
                    + "|.properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive",
            "{type: 'object', properties: {a: {type: 'object', properties: {b: {type: 'string'}}, additionalProperties: false}}}"
                    + "|.properties[a].additionalProperties: Forbidden: additionalProperties and properties are mutual exclusive",
            "{type: 'object', properties: {a: {type: 'file'}}}"
                    + "|.properties[a].type: Unsupported value: \"file\": supported values: \"array\", \"boolean\", \"integer\", \"number\", \"object\", \"string\"",
            "{type: 'object', properties: {a: {type: 'string', $ref: '#/x'}}}|.properties[a].$ref: Forbidden: $ref is not supported",
            "{type: 'object', properties: {a: {type: 'object', x-kubernetes-preserve-unknown-fields: false}}}"
                    + "|.properties[a].x-kubernetes-preserve-unknown-fields: Invalid value: false: must be true or undefined",
            "{type: 'object', properties: {a: {type: 'array', x-kubernetes-list-type: 'bag', items: {type: 'string'}}}}"
                    + "|.properties[a].x-kubernetes-list-type: Unsupported value: \"bag\": supported values: \"atomic\", \"set\", \"map\"",
            "{type: 'object', properties: {a: {type: 'string', x-kubernetes-list-type: 'set'}}}"
                    + "|.properties[a].type: Invalid value: \"string\": must be array if x-kubernetes-list-type is specified",
            "{type: 'object', properties: {a: {type: 'object', x-kubernetes-map-type: 'loose'}}}"
                    + "|.properties[a].x-kubernetes-map-type: Unsupported value: \"loose\": supported values: \"atomic\", \"granular\"",
            "{type: 'object', properties: {a: {type: 'array', x-kubernetes-list-type: 'map', items: {type: 'object', properties: {k: {type: 'string'}}, required: ['k']}}}}"
                    + "|.properties[a].x-kubernetes-list-map-keys: Required value: must not be empty if x-kubernetes-list-type is map",
            "{type: 'object', properties: {a: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['k'], items: {type: 'object', properties: {k: {type: 'string'}}}}}}"
                    + "|.properties[a].items.properties[k].default: Required value: this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property",
            "{type: 'object', properties: {a: {type: 'array', x-kubernetes-list-type: 'map', x-kubernetes-list-map-keys: ['z'], items: {type: 'object', properties: {k: {type: 'string'}}}}}}"
                    + "|.properties[a].x-kubernetes-list-map-keys: Invalid value: []string{\"z\"}: entries must all be names of item properties",
            "{type: 'object', properties: {a: {type: 'array', x-kubernetes-list-type: 'set', items: {type: 'object', properties: {k: {type: 'string'}}}}}}"
                    + "|.properties[a].items.x-kubernetes-map-type: Invalid value: (*string)(nil): must be atomic as item of a list with x-kubernetes-list-type=set",
            "{type: 'object', properties: {a: {type: 'string', x-kubernetes-validations: [{rule: ' '}]}}}"
                    + "|.properties[a].x-kubernetes-validations[0].rule: Required value: rule is not specified",
            "{type: 'object', properties: {a: {type: 'string', x-kubernetes-validations: [{rule: 'self != \"\"', reason: 'Bad'}]}}}"
                    + "|.properties[a].x-kubernetes-validations[0].reason: Unsupported value: \"Bad\": supported values: \"FieldValueDuplicate\", \"FieldValueForbidden\", \"FieldValueInvalid\", \"FieldValueRequired\"",
            "{type: 'object', properties: {metadata: {type: 'object', default: {}}}}"
                    + "|.properties[metadata].default: Forbidden: must not be set in top-level metadata",
    })
    void openApiRulesAreWordedAsTheReferenceWordsThem(String schema, String error) {
        assertThat(errorsOf(schema)).containsExactly(P + error);
    }

    @Test
    void aDefaultMustValidateAgainstItsOwnSchema() {
        assertThat(errorsOf("{type: 'object', properties: {r: {type: 'integer', minimum: 1, default: 0}}}"))
                .containsExactly(P + ".properties[r].default: Invalid value: 0:  in body should be greater than or equal to 1");
        assertThat(errorsOf("{type: 'object', properties: {s: {type: 'object', properties: {n: {type: 'string'}}, default: {n: 5}}}}"))
                .containsExactly(P + ".properties[s].default.n: Invalid value: \"integer\": n in body must be of type string: \"integer\"");
        assertThat(errorsOf("{type: 'object', properties: {m: {type: 'string', enum: ['a'], default: 'b'}}}"))
                .containsExactly(P + ".properties[m].default: Unsupported value: \"b\": supported values: \"a\"");
    }

    @Test
    void aDefaultMustAlreadyBePruned() {
        assertThat(errorsOf("{type: 'object', properties: {s: {type: 'object', properties: {n: {type: 'string'}}, default: {n: 'x', extra: 1}}}}"))
                .containsExactly(P + ".properties[s].default: Invalid value: map[string]interface {}{\"extra\":1, \"n\":\"x\"}: must not have unknown fields");
    }

    @Test
    void defaultsAreNotCheckedWhileTheSchemaIsNotStructural() {
        assertThat(errorsOf("{type: 'object', properties: {r: {minimum: 1, default: 0}}}"))
                .containsExactly(P + ".properties[r].type: Required value: must not be empty for specified object fields");
    }

    @Test
    void withTheStatusSubresourceTheRootMayOnlyHoldFieldsThatKeepStatusSeparate() {
        assertThat(StructuralSchema.checkRootWithStatusSubresource(Json.parse(
                "{type: 'object', description: 'd', required: ['spec'], properties: {spec: {type: 'object'}}, x-kubernetes-preserve-unknown-fields: true}"), AT))
                .isEmpty();
        assertThat(StructuralSchema.checkRootWithStatusSubresource(Json.parse("{type: 'object', anyOf: [{required: ['spec']}]}"), AT))
                .extracting(FieldError::toString).singleElement().asString()
                .startsWith(P + ": Invalid value: ")
                .endsWith(": only [Description Type Format Title Maximum ExclusiveMaximum Minimum ExclusiveMinimum MaxLength MinLength "
                        + "Pattern MaxItems MinItems UniqueItems MultipleOf Required Items Properties ExternalDocs Example "
                        + "XPreserveUnknownFields XValidations] fields are allowed at the root of the schema if the status subresource is enabled");
        assertThat(StructuralSchema.checkRootWithStatusSubresource(Json.parse("{type: 'array', enum: [1]}"), AT))
                .extracting(FieldError::toString).containsExactly(P + ".type: Invalid value: \"array\": only \"object\" is allowed "
                        + "as the type at the root of the schema if the status subresource is enabled");
    }

    @Test
    void celRulesAreAcceptedWithoutBeingEvaluated() {
        assertThat(errorsOf("{type: 'object', x-kubernetes-validations: [{rule: 'self.spec.replicas <= 10', message: 'too many'}]}")).isEmpty();
    }
}
