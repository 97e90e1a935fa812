package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static dev.caravel.apiserver.Json.json;
import static org.assertj.core.api.Assertions.assertThat;

class TypedTreeTest {

    static FieldType kind(String group, String version, String kind) {
        Schema schema = SchemaCatalogue.kubernetes().forKind(new GroupVersionKind(group, version, kind)).orElseThrow();
        return FieldType.root(schema);
    }

    final FieldType service = kind("", "v1", "Service");
    final FieldType pod = kind("", "v1", "Pod");

    @Test
    void servicePortsAreKeyedByPortAndProtocol() {
        JsonNode svc = json("{\"apiVersion\":\"v1\",\"kind\":\"Service\",\"metadata\":{\"name\":\"s\"},"
                + "\"spec\":{\"ports\":[{\"port\":80,\"targetPort\":8080},{\"port\":53,\"protocol\":\"UDP\"}]}}");

        FieldSet set = TypedTree.fieldSet(svc, service, true, new ArrayList<>());

        assertThat(set.toFieldsV1Json()).contains(
                "\"f:ports\":{\"k:{\\\"port\\\":53,\\\"protocol\\\":\\\"UDP\\\"}\":{\".\":{},\"f:port\":{},\"f:protocol\":{}},"
                        + "\"k:{\\\"port\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},\"f:port\":{},\"f:targetPort\":{}}}");
    }

    @Test
    void mergedListsFollowTheAppliedOrderAndKeepOtherItemsInPlace() {
        FieldType containers = FieldType.of(SchemaCatalogue.kubernetes()
                .definition("io.k8s.api.core.v1.PodSpec").orElseThrow().properties().get("containers"));
        JsonNode live = json("[{\"name\":\"a\"},{\"name\":\"b\"},{\"name\":\"c\"}]");
        JsonNode applied = json("[{\"name\":\"c\",\"image\":\"x\"},{\"name\":\"a\"}]");

        JsonNode merged = TypedTree.merge(live, applied, containers);

        assertThat(merged.findValuesAsText("name")).containsExactly("b", "c", "a");
        assertThat(merged.get(1).path("image").asText()).isEqualTo("x");
    }

    @Test
    void aNullMapOrListInTheConfigurationKeepsTheLiveEntries() {
        JsonNode live = json("{\"metadata\":{\"labels\":{\"a\":\"b\"}},\"spec\":{\"containers\":[{\"name\":\"c\"}]}}");
        JsonNode applied = json("{\"metadata\":{\"labels\":null},\"spec\":{\"containers\":null}}");

        JsonNode merged = TypedTree.merge(live, applied, pod);

        assertThat(merged).isEqualTo(live);
    }

    @Test
    void aComparisonOwnsMapsAndItemsThatAppearButNotThoseThatWereThere() {
        JsonNode before = json("{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"1\"}]}}");
        JsonNode after = json("{\"metadata\":{\"name\":\"p\",\"labels\":{\"x\":\"y\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"2\"},{\"name\":\"b\",\"image\":\"1\"}]}}");

        TypedTree.Comparison c = TypedTree.compare(before, after, pod);

        assertThat(c.modified().toString()).isEqualTo(".spec.containers[name=\"a\"].image");
        assertThat(c.added().paths()).extracting(Object::toString).containsExactly(
                ".metadata.labels", ".metadata.labels.x", ".spec.containers[name=\"b\"]",
                ".spec.containers[name=\"b\"].image", ".spec.containers[name=\"b\"].name");
        assertThat(c.removed().isEmpty()).isTrue();
    }

    @Test
    void removingAnItemTakesAllItHoldsAndEmptiedMapsGo() {
        JsonNode object = json("{\"metadata\":{\"name\":\"p\",\"labels\":{\"x\":\"y\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"2\"},{\"name\":\"b\",\"image\":\"1\"}]}}");
        FieldSet remove = FieldSet.fromFieldsV1(json("{\"f:metadata\":{\"f:labels\":{\"f:x\":{}}},"
                + "\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"b\\\"}\":{}}}}"));

        JsonNode result = TypedTree.removeItems(object, remove, pod);

        assertThat(result.toString()).isEqualTo(
                "{\"metadata\":{\"name\":\"p\"},\"spec\":{\"containers\":[{\"name\":\"a\",\"image\":\"2\"}]}}");
    }

    @Test
    void aKeyAnItemLeavesOutWithoutDefaultIsAProblem() {
        List<TypedTree.Problem> problems = new ArrayList<>();
        JsonNode p = json("{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\"},"
                + "\"spec\":{\"containers\":[{\"image\":\"x\"}]}}");

        TypedTree.fieldSet(p, pod, true, problems);

        assertThat(problems).extracting(Object::toString).containsExactly(".spec.containers: element 0: associative list "
                + "with keys has an element that omits key field \"name\" (and doesn't have default value)");
    }

    @Test
    void theSelectorAndNodeSelectorAreAtomic() {
        JsonNode p = json("{\"spec\":{\"nodeSelector\":{\"a\":\"b\"}}}");

        FieldSet set = TypedTree.fieldSet(p, pod, true, new ArrayList<>());

        assertThat(set.toFieldsV1Json()).isEqualTo("{\"f:spec\":{\"f:nodeSelector\":{}}}");
    }
}
