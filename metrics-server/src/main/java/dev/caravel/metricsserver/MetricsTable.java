package dev.caravel.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.printer.IncludeObject;
import dev.caravel.apiserver.printer.PartialObjectMetadata;
import java.util.List;

/**
 * NodeMetrics and PodMetrics as the meta.k8s.io Table {@code kubectl get nodemetrics} asks for,
 * with metrics-server's columns: Name, cpu, memory, Window (a pod's usage summed over its
 * containers). An empty list has no columns, as metrics-server's, which takes them from the first row.
 */
final class MetricsTable {

    private MetricsTable() {
    }

    /** The Table form the Accept header asks for ({@code v1} or {@code v1beta1}), or null for plain JSON. */
    static String versionAsked(String accept) {
        for (String range : accept.replace(" ", "").split(",")) {
            if (range.contains("as=Table") && range.contains("g=meta.k8s.io")) {
                if (range.contains("v=v1beta1")) {
                    return "v1beta1";
                }
                if (range.contains("v=v1")) {
                    return "v1";
                }
            } else if (range.startsWith("application/json") || range.startsWith("*/*")) {
                return null;
            }
        }
        return null;
    }

    /** @param items NodeMetrics or PodMetrics objects, in order */
    static ObjectNode of(String version, List<JsonNode> items, IncludeObject include) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode table = f.objectNode().put("kind", "Table").put("apiVersion", "meta.k8s.io/" + version);
        table.putObject("metadata").put("resourceVersion", "");
        ArrayNode columns = table.putArray("columnDefinitions");
        ArrayNode rows = table.putArray("rows");
        if (!items.isEmpty()) {
            column(columns, "Name", "name", "Name of the resource");
            column(columns, "cpu", "quantity", "");
            column(columns, "memory", "quantity", "");
            column(columns, "Window", "duration", "");
        }
        for (JsonNode item : items) {
            long cpu = 0;
            long memory = 0;
            List<JsonNode> usages = item.has("usage") ? List.of(item.path("usage")) : item.path("containers").findValues("usage");
            for (JsonNode usage : usages) {
                cpu += Quantity.parse(usage.path("cpu").asText("0")).nanos();
                memory += Quantity.parse(usage.path("memory").asText("0")).whole();
            }
            ObjectNode row = rows.addObject();
            row.putArray("cells").add(item.path("metadata").path("name").asText()).add(Quantity.cpu(cpu))
                    .add(Quantity.memory(memory)).add(item.path("window").asText());
            switch (include) {
                case NONE -> row.putNull("object");
                case METADATA -> row.set("object", PartialObjectMetadata.of(item));
                case OBJECT -> row.set("object", item);
            }
        }
        return table;
    }

    private static void column(ArrayNode columns, String name, String format, String description) {
        columns.addObject().put("name", name).put("type", "string").put("format", format)
                .put("description", description).put("priority", 0);
    }
}
