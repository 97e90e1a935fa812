package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Custom resources validated against their schema, with kube-apiserver's messages word for word. */
class OpenApiValidationTest {

    private static final StructuralSchema WIDGET = StructuralSchema.of(Json.parse("""
            {type: 'object', properties: {
              apiVersion: {type: 'string'}, kind: {type: 'string'}, metadata: {type: 'object'},
              spec: {type: 'object', required: ['replicas'], properties: {
                replicas: {type: 'integer', format: 'int32', minimum: 1, maximum: 10},
                ratio: {type: 'number', exclusiveMinimum: true, minimum: 0.5, multipleOf: 0.25},
                step: {type: 'integer', multipleOf: 3},
                name: {type: 'string', minLength: 3, maxLength: 8, pattern: '^[a-z]+$'},
                mode: {type: 'string', enum: ['Fast', 'Slow']},
                level: {type: 'integer', enum: [1, 2]},
                email: {type: 'string', format: 'email'},
                when: {type: 'string', format: 'date-time'},
                id: {type: 'string', format: 'uuid'},
                address: {type: 'string', format: 'ipv4'},
                port: {x-kubernetes-int-or-string: true},
                note: {type: 'string', nullable: true},
                flag: {type: 'boolean'},
                tags: {type: 'array', minItems: 1, maxItems: 2, items: {type: 'string'}},
                labels: {type: 'object', additionalProperties: {type: 'string'}, maxProperties: 2},
                ports: {type: 'array', items: {type: 'object', required: ['port'], properties: {
                  port: {type: 'integer', minimum: 1}}}}
              }}
            }}"""));

    private static List<String> errorsOf(String spec) {
        return WIDGET.validate(Json.parse("{apiVersion: 'x.io/v1', kind: 'Widget', metadata: {name: 'w'}, spec: " + spec + "}"))
                .stream().map(FieldError::toString).toList();
    }

    @Test
    void aValidObjectHasNoErrors() {
        assertThat(errorsOf("""
                {replicas: 3, ratio: 0.75, step: 6, name: 'abc', mode: 'Fast', level: 2, email: 'a@b.io',
                 when: '2024-05-01T10:00:00Z', id: '123e4567-e89b-12d3-a456-426614174000', address: '10.0.0.1',
                 port: 'http', note: null, flag: true, tags: ['a'], labels: {a: 'b'}, ports: [{port: 80}]}""")).isEmpty();
    }

    @Test
    void aWrongTypeNamesTheTypeExpectedAndTheTypeGiven() {
        assertThat(errorsOf("{replicas: 'three'}")).containsExactly(
                "spec.replicas: Invalid value: \"string\": spec.replicas in body must be of type integer: \"string\"");
        assertThat(errorsOf("{replicas: 1, flag: 'yes'}")).containsExactly(
                "spec.flag: Invalid value: \"string\": spec.flag in body must be of type boolean: \"string\"");
        assertThat(errorsOf("{replicas: 1, tags: 'a'}")).containsExactly(
                "spec.tags: Invalid value: \"string\": spec.tags in body must be of type array: \"string\"");
        assertThat(errorsOf("{replicas: 1, labels: []}")).containsExactly(
                "spec.labels: Invalid value: \"array\": spec.labels in body must be of type object: \"array\"");
    }

    @Test
    void wrongTypesAreOfTheFieldValueTypeInvalidCause() {
        FieldError error = WIDGET.validate(Json.parse("{spec: {replicas: true}}")).get(0);
        assertThat(error.type()).isEqualTo(FieldError.Type.TYPE_INVALID);
        assertThat(error.field()).isEqualTo("spec.replicas");
    }

    @Test
    void aWholeNumberWrittenWithAFractionIsStillAnInteger() {
        assertThat(errorsOf("{replicas: 2.0}")).isEmpty();
        assertThat(errorsOf("{replicas: 2.5}")).containsExactly(
                "spec.replicas: Invalid value: \"number\": spec.replicas in body must be of type integer: \"number\"");
    }

    @Test
    void nullIsATypeErrorUnlessTheFieldIsNullable() {
        assertThat(errorsOf("{replicas: 1, flag: null}")).containsExactly(
                "spec.flag: Invalid value: \"null\": spec.flag in body must be of type boolean: \"null\"");
        assertThat(errorsOf("{replicas: 1, note: null}")).isEmpty();
    }

    @Test
    void aMissingRequiredFieldIsARequiredValue() {
        assertThat(errorsOf("{}")).containsExactly("spec.replicas: Required value");
        assertThat(errorsOf("{replicas: 1, ports: [{port: 1}, {}]}")).containsExactly("spec.ports.1.port: Required value");
    }

    @Test
    void aValueOutsideTheEnumListsTheSupportedValues() {
        assertThat(errorsOf("{replicas: 1, mode: 'Medium'}")).containsExactly(
                "spec.mode: Unsupported value: \"Medium\": supported values: \"Fast\", \"Slow\"");
        assertThat(errorsOf("{replicas: 1, level: 3}")).containsExactly(
                "spec.level: Unsupported value: 3: supported values: \"1\", \"2\"");
        assertThat(errorsOf("{replicas: 1, level: 2.0}")).isEmpty();
    }

    @ParameterizedTest(name = "{0} gives {1}")
    @CsvSource(delimiter = '|', value = {
            "{replicas: 0}|spec.replicas: Invalid value: 0: spec.replicas in body should be greater than or equal to 1",
            "{replicas: 11}|spec.replicas: Invalid value: 11: spec.replicas in body should be less than or equal to 10",
            "{replicas: 1, ratio: 0.5}|spec.ratio: Invalid value: 0.5: spec.ratio in body should be greater than 0.5",
            "{replicas: 1, ratio: 0.6}|spec.ratio: Invalid value: 0.6: spec.ratio in body should be a multiple of 0.25",
            "{replicas: 1, step: 4}|spec.step: Invalid value: 4: spec.step in body should be a multiple of 3",
            "{replicas: 1, name: 'ab'}|spec.name: Invalid value: \"ab\": spec.name in body should be at least 3 chars long",
            "{replicas: 1, name: 'abcdefghi'}|spec.name: Too long: value is too long",
            "{replicas: 1, name: 'ABC'}|spec.name: Invalid value: \"ABC\": spec.name in body should match '^[a-z]+$'",
            "{replicas: 1, tags: []}|spec.tags: Invalid value: []interface {}{}: spec.tags in body should have at least 1 items",
            "{replicas: 1, tags: ['a', 'b', 'c']}|spec.tags: Too many: has too many items",
            "{replicas: 1, tags: ['a', 1]}|spec.tags.1: Invalid value: \"integer\": spec.tags.1 in body must be of type string: \"integer\"",
            "{replicas: 1, labels: {a: 'x', b: 'y', c: 'z'}}|spec.labels: Too many: 2: has too many items",
            "{replicas: 1, labels: {a: 1}}|spec.labels.a: Invalid value: \"integer\": spec.labels.a in body must be of type string: \"integer\"",
            "{replicas: 1, ports: [{port: 0}]}|spec.ports.0.port: Invalid value: 0: spec.ports.0.port in body should be greater than or equal to 1",
    })
    void boundsAndLengthsAreWordedAsTheReferenceWordsThem(String spec, String message) {
        assertThat(errorsOf(spec)).containsExactly(message);
    }

    @ParameterizedTest(name = "{0} {1}")
    @CsvSource(delimiter = '|', value = {
            "email|not-an-email",
            "when|yesterday",
            "when|2024-13-01T10:00:00Z",
            "id|1234",
            "address|10.0.0.256",
    })
    void aStringNotInItsFormatIsATypeError(String field, String value) {
        assertThat(errorsOf("{replicas: 1, " + field + ": '" + value + "'}")).containsExactly(
                "spec." + field + ": Invalid value: \"" + value + "\": spec." + field + " in body must be of type "
                        + formatOf(field) + ": \"" + value + "\"");
    }

    private static String formatOf(String field) {
        return switch (field) {
            case "email" -> "email";
            case "when" -> "date-time";
            case "id" -> "uuid";
            default -> "ipv4";
        };
    }

    @Test
    void multiplesOfAFractionTolerateFloatingPointErrorAsTheReferenceDoes() {
        StructuralSchema schema = StructuralSchema.of(Json.parse("{type: 'object', properties: {x: {type: 'number', multipleOf: 0.1}}}"));
        assertThat(schema.validate(Json.parse("{x: 0.3}"))).isEmpty();
        assertThat(schema.validate(Json.parse("{x: 0.35}"))).extracting(FieldError::toString)
                .containsExactly("x: Invalid value: 0.35: x in body should be a multiple of 0.1");
    }

    @Test
    void aNullIsNeverInAnEnumEvenWhenNullable() {
        StructuralSchema schema = StructuralSchema.of(Json.parse("{type: 'object', properties: {m: {type: 'string', nullable: true, enum: ['a', null]}}}"));
        assertThat(schema.validate(Json.parse("{m: null}"))).extracting(FieldError::toString)
                .containsExactly("m: Unsupported value: \"null\": supported values: \"a\", \"null\"");
    }

    @Test
    void formatsKubernetesDoesNotCheckAreIgnored() {
        StructuralSchema schema = StructuralSchema.of(Json.parse(
                "{type: 'object', properties: {a: {type: 'string', format: 'k8s-short-name'}, b: {type: 'string', format: 'Email'}}}"));
        assertThat(schema.validate(Json.parse("{a: 'Not_A_Name', b: 'nope'}"))).isEmpty();
    }

    @Test
    void intOrStringTakesEitherAndNothingElse() {
        assertThat(errorsOf("{replicas: 1, port: 8080}")).isEmpty();
        assertThat(errorsOf("{replicas: 1, port: 'http'}")).isEmpty();
        assertThat(errorsOf("{replicas: 1, port: true}")).containsExactly(
                "spec.port: Invalid value: \"boolean\": spec.port in body must be of type integer,string: \"boolean\"");
    }

    @Test
    void combinatorFailuresAreCompositeErrorsAtTheRootFollowedByTheBestFailure() {
        StructuralSchema schema = StructuralSchema.of(Json.parse("""
                {type: 'object', properties: {spec: {type: 'object', properties: {
                  size: {type: 'integer', anyOf: [{minimum: 10}, {maximum: 2}]},
                  mode: {type: 'string', oneOf: [{pattern: '^a'}, {pattern: 'z$'}]},
                  name: {type: 'string', allOf: [{minLength: 2}, {maxLength: 3}]},
                  free: {type: 'string', not: {enum: ['forbidden']}}}}}}"""));

        assertThat(schema.validate(Json.parse("{spec: {size: 5}}"))).extracting(FieldError::toString).containsExactly(
                ": Invalid value: \"\": \"spec.size\" must validate at least one schema (anyOf)",
                "spec.size: Invalid value: 5: spec.size in body should be greater than or equal to 10");
        assertThat(schema.validate(Json.parse("{spec: {mode: 'abz'}}"))).extracting(FieldError::toString).containsExactly(
                ": Invalid value: \"\": \"spec.mode\" must validate one and only one schema (oneOf). Found 2 valid alternatives");
        assertThat(schema.validate(Json.parse("{spec: {mode: 'm'}}"))).extracting(FieldError::toString).containsExactly(
                ": Invalid value: \"\": \"spec.mode\" must validate one and only one schema (oneOf). Found none valid",
                "spec.mode: Invalid value: \"m\": spec.mode in body should match '^a'");
        assertThat(schema.validate(Json.parse("{spec: {name: 'abcd'}}"))).extracting(FieldError::toString).containsExactly(
                "spec.name: Too long: value is too long",
                ": Invalid value: \"\": \"spec.name\" must validate all the schemas (allOf)");
        assertThat(schema.validate(Json.parse("{spec: {free: 'forbidden'}}"))).extracting(FieldError::toString).containsExactly(
                ": Invalid value: \"\": \"spec.free\" must not validate the schema (not)");
        assertThat(schema.validate(Json.parse("{spec: {size: 1, mode: 'ab', name: 'abc', free: 'ok'}}"))).isEmpty();
    }

    @Test
    void anUpdateRatchetsValuesThatDidNotChange() {
        JsonNode old = Json.parse("{spec: {replicas: 50, name: 'UPPER', tags: ['a'], ports: [{port: 0}]}}");
        JsonNode unchanged = old.deepCopy();
        JsonNode touched = Json.parse("{spec: {replicas: 50, name: 'UPPER', tags: ['a', 'b', 'c'], ports: [{port: 0}]}}");
        JsonNode worsened = Json.parse("{spec: {replicas: 60, name: 'UPPER', tags: ['a'], ports: [{port: 0}]}}");

        assertThat(WIDGET.validateUpdate(unchanged, old)).isEmpty();
        assertThat(WIDGET.validateUpdate(touched, old)).extracting(FieldError::toString)
                .containsExactly("spec.tags: Too many: has too many items");
        assertThat(WIDGET.validateUpdate(worsened, old)).extracting(FieldError::toString)
                .containsExactly("spec.replicas: Invalid value: 60: spec.replicas in body should be less than or equal to 10");
        assertThat(WIDGET.validate(worsened)).hasSize(3);
    }

    @Test
    void aRootLevelRequiredFieldIsNamedWithoutALeadingDot() {
        StructuralSchema schema = StructuralSchema.of(Json.parse("{type: 'object', required: ['spec'], properties: {spec: {type: 'object'}}}"));
        assertThat(schema.validate(Json.parse("{kind: 'X'}"))).extracting(FieldError::toString)
                .containsExactly("spec: Required value");
    }
}
