package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

import static dev.caravel.apiserver.Json.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class JsonPatchTest {

    private static final JsonNode POD = json("""
            {"metadata": {"name": "web", "labels": {"app": "web", "a/b": "slash", "t~x": "tilde"}},
             "spec": {"containers": [{"name": "a", "image": "nginx"}, {"name": "b", "image": "redis"}]}}""");

    @Test
    void addSetsAMemberAndReplacesAnExistingOne() {
        JsonNode out = JsonPatch.apply(POD, json("""
                [{"op": "add", "path": "/metadata/labels/tier", "value": "front"},
                 {"op": "add", "path": "/metadata/labels/app", "value": "api"}]"""));
        assertThat(out.at("/metadata/labels/tier").asText()).isEqualTo("front");
        assertThat(out.at("/metadata/labels/app").asText()).isEqualTo("api");
    }

    @Test
    void addInsertsIntoArraysAtAnIndexOrAtTheEndWithDash() {
        JsonNode out = JsonPatch.apply(POD, json("""
                [{"op": "add", "path": "/spec/containers/0", "value": {"name": "first"}},
                 {"op": "add", "path": "/spec/containers/-", "value": {"name": "last"}},
                 {"op": "add", "path": "/spec/containers/4", "value": {"name": "end"}}]"""));
        assertThat(out.at("/spec/containers").findValuesAsText("name"))
                .containsExactly("first", "a", "b", "last", "end");
    }

    @Test
    void pointerTokensUnescapeTildeOneAndTildeZero() {
        JsonNode out = JsonPatch.apply(POD, json("""
                [{"op": "replace", "path": "/metadata/labels/a~1b", "value": "x"},
                 {"op": "remove", "path": "/metadata/labels/t~0x"}]"""));
        assertThat(out.at("/metadata/labels").get("a/b").asText()).isEqualTo("x");
        assertThat(out.at("/metadata/labels").has("t~x")).isFalse();
    }

    @Test
    void removeAndReplaceWorkOnArrayElements() {
        JsonNode out = JsonPatch.apply(POD, json("""
                [{"op": "replace", "path": "/spec/containers/1/image", "value": "redis:7"},
                 {"op": "remove", "path": "/spec/containers/0"}]"""));
        assertThat(out.at("/spec/containers")).hasSize(1);
        assertThat(out.at("/spec/containers/0/image").asText()).isEqualTo("redis:7");
    }

    @Test
    void moveAndCopyCarryValuesBetweenPaths() {
        JsonNode out = JsonPatch.apply(POD, json("""
                [{"op": "copy", "from": "/metadata/labels", "path": "/metadata/annotations"},
                 {"op": "move", "from": "/metadata/labels/app", "path": "/metadata/labels/name"}]"""));
        assertThat(out.at("/metadata/annotations/app").asText()).isEqualTo("web");
        assertThat(out.at("/metadata/labels/name").asText()).isEqualTo("web");
        assertThat(out.at("/metadata/labels").has("app")).isFalse();
    }

    @Test
    void testPassesOnEqualValuesComparingNumbersByValue() {
        JsonNode doc = json("{\"spec\": {\"replicas\": 3}}");
        JsonNode out = JsonPatch.apply(doc, json("""
                [{"op": "test", "path": "/spec/replicas", "value": 3.0},
                 {"op": "replace", "path": "/spec/replicas", "value": 5}]"""));
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(5);
    }

    @Test
    void failedTestIsRejectedWithKubernetesGenericMessage() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "test", "path": "/metadata/name", "value": "other"}]""")));
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.reason()).isEqualTo("Invalid");
        assertThat(e.getMessage()).isEqualTo("the server rejected our request due to an error in our request");
        assertThat(e.detail()).isEqualTo("testing value /metadata/name failed: test failed");
        assertThat(e.field()).contains("/metadata/name");
    }

    @Test
    void replacingAMissingKeyIsRejected() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "replace", "path": "/metadata/namespace", "value": "x"}]""")));
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.detail()).isEqualTo(
                "replace operation does not apply: doc is missing key: /metadata/namespace: missing value");
    }

    @Test
    void removingAMissingKeyOrIndexIsRejected() {
        PatchException key = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "remove", "path": "/metadata/annotations/x"}]""")));
        assertThat(key.detail()).contains("doc is missing path");
        PatchException index = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "remove", "path": "/spec/containers/5"}]""")));
        assertThat(index.detail()).isEqualTo("Unable to access invalid index: 5: invalid index referenced");
    }

    @Test
    void addingBelowAMissingParentIsRejected() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "add", "path": "/status/phase", "value": "Running"}]""")));
        assertThat(e.detail()).isEqualTo("add operation does not apply: doc is missing path: \"/status/phase\": missing value");
    }

    @Test
    void anUnknownOperationIsRejected() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "frobnicate", "path": "/metadata"}]""")));
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.detail()).isEqualTo("Unexpected kind: frobnicate");
    }

    @Test
    void aPatchThatIsNotAListIsABadRequest() {
        PatchException e = catchThrowableOfType(PatchException.class,
                () -> JsonPatch.apply(POD, json("{\"op\": \"add\"}")));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("json: cannot unmarshal object into Go value of type jsonpatch.Patch");
    }

    @Test
    void moreThanTenThousandOperationsAreTooLarge() {
        StringBuilder ops = new StringBuilder("[");
        for (int i = 0; i <= JsonPatch.MAX_OPERATIONS; i++) {
            ops.append(i == 0 ? "" : ",").append("{\"op\":\"test\",\"path\":\"/metadata/name\",\"value\":\"web\"}");
        }
        PatchException e = catchThrowableOfType(PatchException.class,
                () -> JsonPatch.apply(POD, json(ops.append("]").toString())));
        assertThat(e.code()).isEqualTo(413);
        assertThat(e.getMessage()).isEqualTo("The allowed maximum operations in a JSON patch is 10000, got 10001");
    }

    @Test
    void operationsApplyInOrderAndAFailureLeavesTheInputUntouched() {
        JsonNode before = POD.deepCopy();
        catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "remove", "path": "/metadata/labels"},
                 {"op": "test", "path": "/metadata/labels/app", "value": "web"}]""")));
        assertThat(POD).isEqualTo(before);
    }

    @Test
    void negativeIndexesCountFromTheEndAsKubernetesLibraryDoes() {
        JsonNode out = JsonPatch.apply(POD, json("""
                [{"op": "remove", "path": "/spec/containers/-1"}]"""));
        assertThat(out.at("/spec/containers").findValuesAsText("name")).containsExactly("a");
    }

    @Test
    void theRootCannotBeTheTargetOfAnOperation() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> JsonPatch.apply(POD, json("""
                [{"op": "replace", "path": "", "value": {}}]""")));
        assertThat(e.code()).isEqualTo(422);
    }
}
