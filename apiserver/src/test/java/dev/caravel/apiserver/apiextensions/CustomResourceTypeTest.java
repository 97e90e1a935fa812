package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.printer.ResourcePrinter;
import dev.caravel.apiserver.printer.TableColumn;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class CustomResourceTypeTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Instant NOW = Instant.parse("2026-01-01T12:00:00Z");

    private static ObjectNode read(String json) {
        try {
            return (ObjectNode) JSON.readTree(json);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void withoutPrinterColumnsATableHasNameAndAge() {
        ResourcePrinter printer = CustomResourceType.printer(List.of());
        assertThat(printer.columns()).extracting(TableColumn::name, TableColumn::type)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("Name", "string"),
                        org.assertj.core.groups.Tuple.tuple("Age", "date"));
        ObjectNode object = read("{\"metadata\":{\"name\":\"a\",\"creationTimestamp\":\"2026-01-01T11:00:00Z\"}}");
        assertThat(printer.rows().cells(object, NOW)).containsExactly("a", "60m");
    }

    @Test
    void cellsAreTypedAsTheColumnSays() {
        JsonNode three = JSON.getNodeFactory().numberNode(3);
        assertThat(CustomResourceType.cell("integer", three, NOW)).isEqualTo(3L);
        assertThat(CustomResourceType.cell("integer", JSON.getNodeFactory().textNode("3"), NOW)).isNull();
        assertThat(CustomResourceType.cell("boolean", JSON.getNodeFactory().booleanNode(true), NOW)).isEqualTo(true);
        assertThat(CustomResourceType.cell("string", three, NOW)).isEqualTo("3");
        assertThat(CustomResourceType.cell("string", read("{\"a\":1}"), NOW)).isEqualTo("{\"a\":1}");
        assertThat(CustomResourceType.cell("date", JSON.getNodeFactory().textNode("2026-01-01T11:59:00Z"), NOW)).isEqualTo("60s");
        assertThat(CustomResourceType.cell("date", JSON.getNodeFactory().textNode("yesterday"), NOW)).isEqualTo("<invalid>");
        assertThat(CustomResourceType.cell("string", null, NOW)).isNull();
    }

    @Test
    void theScaleIsReadAndWrittenAtTheDeclaredPaths() {
        CustomResources.ScalePaths paths = new CustomResources.ScalePaths(".spec.size", ".status.size", ".status.selector");
        ObjectNode object = read("""
                {"metadata":{"name":"w","namespace":"shop","resourceVersion":"7"},
                 "spec":{"size":2},"status":{"size":1,"selector":"app=w"}}
                """);
        ObjectNode scale = CustomResourceType.scaleOf(object, paths);
        assertThat(scale.toString()).isEqualTo("{\"kind\":\"Scale\",\"apiVersion\":\"autoscaling/v1\","
                + "\"metadata\":{\"name\":\"w\",\"namespace\":\"shop\",\"resourceVersion\":\"7\"},"
                + "\"spec\":{\"replicas\":2},\"status\":{\"replicas\":1,\"selector\":\"app=w\"}}");
        scale.with("spec").put("replicas", 5);
        assertThat(CustomResourceType.withScale(object, scale, paths).at("/spec/size").asInt()).isEqualTo(5);
        scale.with("spec").put("replicas", -1);
        assertThatThrownBy(() -> CustomResourceType.withScale(object, scale, paths))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(422))
                .hasMessageContaining("spec.replicas: Invalid value: -1: must be greater than or equal to 0");
    }

    @Test
    void openApiDefinitionsAreNamedByTheReversedGroup() {
        assertThat(CustomResourceOpenApi.definitionName("stable.example.com", "v1", "CronTab"))
                .isEqualTo("com.example.stable.v1.CronTab");
    }
}
