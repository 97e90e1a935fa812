package dev.caravel.apiserver.api;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class FieldErrorTest {

    private static final FieldPath NAME = FieldPath.of("metadata", "name");

    @Test
    void pathsUseDotsForFieldsAndBracketsForIndexesAndKeys() {
        assertThat(FieldPath.of("spec", "containers").index(0).child("image")).hasToString("spec.containers[0].image");
        assertThat(FieldPath.of("metadata").child("labels").key("app.kubernetes.io/name"))
                .hasToString("metadata.labels[app.kubernetes.io/name]");
        assertThat(FieldPath.ofIndex(2).child("name")).hasToString("[2].name");
        assertThat(FieldPath.of("spec", "template", "spec").root()).hasToString("spec");
    }

    @Test
    void valuesAreShownTheWayGoPrintsThem() {
        assertThat(FieldError.invalid(NAME, "Foo", "bad").errorBody()).isEqualTo("Invalid value: \"Foo\": bad");
        assertThat(FieldError.invalid(NAME, 3, "").errorBody()).isEqualTo("Invalid value: 3");
        assertThat(FieldError.invalid(NAME, -1L, "must be non-negative").errorBody())
                .isEqualTo("Invalid value: -1: must be non-negative");
        assertThat(FieldError.invalid(NAME, true, "").errorBody()).isEqualTo("Invalid value: true");
        assertThat(FieldError.invalid(NAME, 0.5, "").errorBody()).isEqualTo("Invalid value: 0.5");
        assertThat(FieldError.invalid(NAME, 1e21, "").errorBody()).isEqualTo("Invalid value: 1e+21");
        assertThat(FieldError.invalid(NAME, null, "").errorBody()).isEqualTo("Invalid value: \"null\"");
        assertThat(FieldError.invalid(NAME, List.of("a", "b"), "").errorBody())
                .isEqualTo("Invalid value: []string{\"a\", \"b\"}");
        assertThat(FieldError.invalid(NAME, new FieldError.GoLiteral("[]string(nil)"), "x").errorBody())
                .isEqualTo("Invalid value: []string(nil): x");
    }

    @Test
    void jsonValuesAreShownLikeGoShowsDecodedJson() throws Exception {
        var node = new ObjectMapper().readTree("{\"b\":[1,\"x\",null],\"a\":true}");

        assertThat(FieldError.invalid(NAME, node, "").errorBody())
                .isEqualTo("Invalid value: map[string]interface {}{\"a\":true, \"b\":[]interface {}{1, \"x\", interface {}(nil)}}");
        assertThat(FieldError.invalid(NAME, node.get("b").get(1), "").errorBody()).isEqualTo("Invalid value: \"x\"");
    }

    @Test
    void requiredForbiddenTooLongAndInternalNeverShowTheValue() {
        assertThat(FieldError.required(NAME, "").toString()).isEqualTo("metadata.name: Required value");
        assertThat(FieldError.required(NAME, "name or generateName is required").errorBody())
                .isEqualTo("Required value: name or generateName is required");
        assertThat(FieldError.forbidden(NAME, "may not be set").errorBody()).isEqualTo("Forbidden: may not be set");
        assertThat(FieldError.tooLong(NAME, 128).errorBody()).isEqualTo("Too long: may not be more than 128 bytes");
        assertThat(FieldError.tooLong(NAME, 1).errorBody()).isEqualTo("Too long: may not be more than 1 byte");
        assertThat(FieldError.internal(NAME, "oops").errorBody()).isEqualTo("Internal error: oops");
    }

    @Test
    void anImmutableFieldShowsTheNewValue() {
        assertThat(FieldError.immutable(FieldPath.of("spec", "selector"), java.util.Map.of("b", "2", "a", "1")).toString())
                .isEqualTo("spec.selector: Invalid value: map[string]string{\"a\":\"1\", \"b\":\"2\"}: field is immutable");
    }

    @Test
    void tooManyShowsTheCountWhenKnown() {
        assertThat(FieldError.tooMany(NAME, 5, 3).errorBody()).isEqualTo("Too many: 5: must have at most 3 items");
        assertThat(FieldError.tooMany(NAME, -1, -1).errorBody()).isEqualTo("Too many: has too many items");
    }

    @Test
    void eachErrorTypeIsItsOwnCauseType() {
        assertThat(FieldError.duplicate(NAME, "x").toCause())
                .isEqualTo(new StatusCause(CauseType.FIELD_VALUE_DUPLICATE, "Duplicate value: \"x\"", "metadata.name"));
        assertThat(FieldError.typeInvalid(NAME, "x", "must be an integer").toCause().type())
                .isEqualTo(CauseType.FIELD_VALUE_TYPE_INVALID);
        assertThat(FieldError.notFound(NAME, "x").errorBody()).isEqualTo("Not found: \"x\"");
    }

    @Test
    void aggregationDropsRepeatsAndBracketsOnlySeveralMessages() {
        FieldError a = FieldError.required(NAME, "");
        FieldError b = FieldError.forbidden(FieldPath.of("spec"), "no");

        assertThat(FieldError.aggregate(List.of())).isEmpty();
        assertThat(FieldError.aggregate(List.of(a, a))).isEqualTo("metadata.name: Required value");
        assertThat(FieldError.aggregate(List.of(a, b, a))).isEqualTo("[metadata.name: Required value, spec: Forbidden: no]");
    }

    @Test
    void goQuotingEscapesControlAndUnprintableCharacters() {
        assertThat(GoQuote.quote("tab\there")).isEqualTo("\"tab\\there\"");
        assertThat(GoQuote.quote("\u0001")).isEqualTo("\"\\x01\"");
        assertThat(GoQuote.quote("\u00e9t\u00e9")).isEqualTo("\"\u00e9t\u00e9\"");
        assertThat(GoQuote.quote("\u200b")).isEqualTo("\"\\u200b\"");
    }
}
