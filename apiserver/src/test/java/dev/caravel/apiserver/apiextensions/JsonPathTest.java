package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonPathTest {

    private static final JsonNode OBJECT = read("""
            {"metadata":{"name":"a","labels":{"app.kubernetes.io/name":"web"}},
             "spec":{"replicas":3,"ports":[{"name":"http","port":80},{"name":"https","port":443}]},
             "status":{"conditions":[{"type":"Synced","status":"False"},{"type":"Ready","status":"True"}]}}
            """);

    private static JsonNode read(String json) {
        try {
            return new ObjectMapper().readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void fieldStepsFindNestedValues() {
        assertThat(JsonPath.parse(".spec.replicas").first(OBJECT).asInt()).isEqualTo(3);
        assertThat(JsonPath.parse("{.metadata.name}").first(OBJECT).asText()).isEqualTo("a");
    }

    @Test
    void quotedFieldsMayHoldDots() {
        assertThat(JsonPath.parse(".metadata.labels['app.kubernetes.io/name']").first(OBJECT).asText()).isEqualTo("web");
    }

    @Test
    void indexesCountFromEitherEnd() {
        assertThat(JsonPath.parse(".spec.ports[0].port").first(OBJECT).asInt()).isEqualTo(80);
        assertThat(JsonPath.parse(".spec.ports[-1].name").first(OBJECT).asText()).isEqualTo("https");
    }

    @Test
    void everyElementAndFiltersSelectFromLists() {
        assertThat(JsonPath.parse(".spec.ports[*].port").find(OBJECT)).extracting(JsonNode::asInt).containsExactly(80, 443);
        assertThat(JsonPath.parse(".status.conditions[?(@.type==\"Ready\")].status").first(OBJECT).asText()).isEqualTo("True");
        assertThat(JsonPath.parse(".status.conditions[?(@.type!='Ready')].type").first(OBJECT).asText()).isEqualTo("Synced");
        assertThat(JsonPath.parse(".spec.ports[?(@.port==443)].name").first(OBJECT).asText()).isEqualTo("https");
    }

    @Test
    void aMissingFieldFindsNothing() {
        assertThat(JsonPath.parse(".spec.missing.deeper").find(OBJECT)).isEmpty();
        assertThat(JsonPath.parse(".spec.ports[7]").first(OBJECT)).isNull();
    }

    @Test
    void onlyPlainFieldPathsHaveFieldNames() {
        assertThat(JsonPath.parse(".spec.replicas").fieldNames()).containsExactly("spec", "replicas");
        assertThat(JsonPath.parse(".spec.ports[0]").fieldNames()).isEmpty();
    }

    @Test
    void recursiveDescentSlicesAndBarePathsAreRefused() {
        assertThatThrownBy(() -> JsonPath.parse("..name")).hasMessageContaining("recursive descent");
        assertThatThrownBy(() -> JsonPath.parse(".spec.ports[0:1]")).hasMessageContaining("slices");
        assertThatThrownBy(() -> JsonPath.parse("spec.replicas")).hasMessageContaining("starts with a dot");
        assertThatThrownBy(() -> JsonPath.parse(".spec.ports[0")).hasMessageContaining("unclosed");
    }
}
