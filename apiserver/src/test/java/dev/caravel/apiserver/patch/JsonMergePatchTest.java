package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

import static dev.caravel.apiserver.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonMergePatchTest {

    /** RFC 7386 appendix A, the cases whose target is an object. */
    @ParameterizedTest(name = "{0} + {1} = {2}")
    @CsvSource(delimiter = '|', textBlock = """
            {"a":"b"}            | {"a":"c"}              | {"a":"c"}
            {"a":"b"}            | {"b":"c"}              | {"a":"b","b":"c"}
            {"a":"b"}            | {"a":null}             | {}
            {"a":"b","b":"c"}    | {"a":null}             | {"b":"c"}
            {"a":["b"]}          | {"a":"c"}              | {"a":"c"}
            {"a":"c"}            | {"a":["b"]}            | {"a":["b"]}
            {"a":{"b":"c"}}      | {"a":{"b":"d","c":null}} | {"a":{"b":"d"}}
            {"a":[{"b":"c"}]}    | {"a":[1]}              | {"a":[1]}
            {"e":null}           | {"a":1}                | {"e":null,"a":1}
            {}                   | {"a":{"bb":{"ccc":null}}} | {"a":{"bb":{}}}
            """)
    void rfc7386ExamplesHold(String target, String patch, String result) {
        assertThat(JsonMergePatch.apply(json(target), json(patch))).isEqualTo(json(result));
    }

    @Test
    void kubectlLabelAndScalePatchesMerge() {
        JsonNode deployment = json("""
                {"metadata": {"name": "web", "labels": {"app": "web", "old": "x"}},
                 "spec": {"replicas": 1, "template": {"spec": {"containers": [{"name": "a"}]}}}}""");
        JsonNode out = JsonMergePatch.apply(deployment, json("""
                {"metadata": {"labels": {"tier": "front", "old": null}}, "spec": {"replicas": 3}}"""));
        assertThat(out.at("/metadata/labels")).isEqualTo(json("{\"app\": \"web\", \"tier\": \"front\"}"));
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(3);
        assertThat(out.at("/spec/template/spec/containers/0/name").asText()).isEqualTo("a");
    }

    @Test
    void listsAreReplacedWhole() {
        JsonNode out = JsonMergePatch.apply(json("{\"f\": [\"a\", \"b\"]}"), json("{\"f\": [\"c\"]}"));
        assertThat(out).isEqualTo(json("{\"f\": [\"c\"]}"));
    }

    @Test
    void inputsAreNeverChanged() {
        JsonNode target = json("{\"a\": {\"b\": 1}}");
        JsonNode patch = json("{\"a\": {\"c\": {\"d\": null}}}");
        JsonMergePatch.apply(target, patch);
        assertThat(target).isEqualTo(json("{\"a\": {\"b\": 1}}"));
        assertThat(patch).isEqualTo(json("{\"a\": {\"c\": {\"d\": null}}}"));
    }

    @Test
    void aPatchThatIsNotAnObjectIsABadRequest() {
        PatchException e = catchThrowableOfType(PatchException.class,
                () -> JsonMergePatch.apply(json("{}"), json("[1]")));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("Invalid JSON Patch");
    }
}
