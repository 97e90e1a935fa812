package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.TestObjects.CLOCK;
import static dev.caravel.apiserver.printer.TestObjects.json;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

class StreamedTableTest {

    private final TablePrinter printer = new TablePrinter(ResourcePrinters.builtin(), CLOCK);
    private static final GroupResource PODS = GroupResource.core("pods");

    private static final String LIST = """
        {"kind":"ConfigMapList","apiVersion":"v1",
         "metadata":{"resourceVersion":"42","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},
         "items":[
           {"metadata":{"name":"settings","namespace":"default","resourceVersion":"40","uid":"u-1",
                        "creationTimestamp":"2024-05-01T11:57:00Z","labels":{"app":"web"}},
            "data":{"a":"1","b":"\\u003cé\\u003e"},"binaryData":{"c":"AA=="}},
           {"metadata":{"name":"other","namespace":"default","resourceVersion":"41","uid":"u-2",
                        "creationTimestamp":"2024-05-01T10:00:00Z"}}]}
        """;

    @Test
    void aStreamedTableIsByteForByteTheTableTreeAndANewlineForEveryIncludeObject() {
        for (IncludeObject include : IncludeObject.values()) {
            byte[] tree = JsonListWriter.bytes(printer.listTable(GroupResource.core("configmaps"), json(LIST), include));
            byte[] streamed = collect(chunks -> printer.writeListTable(GroupResource.core("configmaps"), json(LIST),
                    items(json(LIST)), include, 64, chunks));
            assertThat(new String(streamed, StandardCharsets.UTF_8)).as(include.wireName())
                    .isEqualTo(new String(tree, StandardCharsets.UTF_8) + "\n");
        }
    }

    @Test
    void anEmptyStreamedTableHasItsColumnsAndNoRows() {
        ObjectNode empty = json("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}");
        byte[] streamed = collect(chunks -> printer.writeListTable(PODS, empty, List.of(), IncludeObject.METADATA, 1024, chunks));
        assertThat(new String(streamed, StandardCharsets.UTF_8))
                .isEqualTo(new String(JsonListWriter.bytes(printer.listTable(PODS, empty, IncludeObject.METADATA)),
                        StandardCharsets.UTF_8) + "\n");
    }

    @Test
    void aStreamedPartialObjectMetadataListIsByteForByteTheTree() {
        ObjectNode list = json(LIST);
        List<JsonNode> items = new ArrayList<>();
        list.path("items").forEach(items::add);
        byte[] tree = JsonListWriter.bytes(PartialObjectMetadata.listOf(items, list.path("metadata")));
        byte[] streamed = collect(chunks -> PartialObjectMetadata.writeList(items(list), list.path("metadata"), 64, chunks));
        assertThat(new String(streamed, StandardCharsets.UTF_8)).isEqualTo(new String(tree, StandardCharsets.UTF_8) + "\n");
    }

    /**
     * The memory bound: 20,000 pods are read one at a time as their rows are written, and no chunk
     * holds more than the budget and one row. Every chunk is sent when the items read so far are
     * exactly the rows written so far, so the writer never holds a tree beyond the current item.
     */
    @Test
    void twentyThousandPodsStreamOneItemAtATimeInChunksOfTheBudget() throws Exception {
        int count = 20_000;
        int budget = 16 * 1024;
        int[] read = {0};
        Iterable<ObjectNode> pods = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return read[0] < count;
            }

            @Override
            public ObjectNode next() {
                return pod(read[0]++);
            }
        };
        ObjectNode head = json("""
            {"kind":"PodList","apiVersion":"v1","metadata":{"resourceVersion":"900","continue":"abc","remainingItemCount":5}}
            """);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        List<Integer> chunkSizes = new ArrayList<>();
        int[] rowsSent = {0};
        boolean finished = printer.writeListTable(PODS, head, pods, IncludeObject.METADATA, budget, chunk -> {
            rowsSent[0] += occurrences(new String(chunk, StandardCharsets.UTF_8), "{\"cells\":[");
            assertThat(read[0]).as("items read when a chunk is sent").isEqualTo(rowsSent[0]);
            chunkSizes.add(chunk.length);
            all.write(chunk, 0, chunk.length);
            return true;
        });

        assertThat(finished).isTrue();
        int largestRow = JsonListWriter.bytes(pod(count - 1)).length * 2;
        assertThat(chunkSizes).hasSizeGreaterThan(count / 100).allSatisfy(size -> assertThat(size)
                .isLessThanOrEqualTo(budget + largestRow));
        JsonNode table = new ObjectMapper().readTree(all.toByteArray());
        assertThat(table.path("metadata").toString())
                .isEqualTo("{\"resourceVersion\":\"900\",\"continue\":\"abc\",\"remainingItemCount\":5}");
        assertThat(table.path("columnDefinitions").size()).isEqualTo(9);
        assertThat(table.path("rows").size()).isEqualTo(count);
        for (int i = 0; i < count; i += 997) {
            JsonNode row = table.path("rows").get(i);
            assertThat(row.at("/cells/0").asText()).isEqualTo(name(i));
            assertThat(row.at("/object/kind").asText()).isEqualTo("PartialObjectMetadata");
            assertThat(row.at("/object/metadata/uid").asText()).isEqualTo("uid-" + i);
            assertThat(row.at("/object").has("spec")).isFalse();
        }
    }

    @Test
    void aClientThatLeavesStopsTheWriterAtTheNextChunk() {
        int[] read = {0};
        Iterable<ObjectNode> pods = () -> new Iterator<>() {
            @Override
            public boolean hasNext() {
                return read[0] < 1_000;
            }

            @Override
            public ObjectNode next() {
                return pod(read[0]++);
            }
        };
        boolean finished = printer.writeListTable(PODS, json("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{}}"),
                pods, IncludeObject.NONE, 1024, chunk -> false);
        assertThat(finished).isFalse();
        assertThat(read[0]).isLessThan(10);
    }

    private static ObjectNode pod(int i) {
        return json("""
            {"metadata":{"name":"%s","namespace":"ns-%d","uid":"uid-%d","resourceVersion":"%d",
                         "creationTimestamp":"2024-05-01T11:00:00Z","labels":{"app":"web","shard":"%d"}},
             "spec":{"nodeName":"node-%d","containers":[{"name":"app","image":"registry.example/app:1.0"}]},
             "status":{"phase":"Running","podIP":"10.0.%d.%d",
                       "containerStatuses":[{"name":"app","ready":true,"restartCount":0,"state":{"running":{}}}]}}
            """.formatted(name(i), i % 50, i, 100 + i, i % 7, i % 30, i / 256 % 256, i % 256));
    }

    private static String name(int i) {
        return "pod-%05d".formatted(i);
    }

    private static Iterable<ObjectNode> items(JsonNode list) {
        List<ObjectNode> items = new ArrayList<>();
        list.path("items").forEach(item -> items.add((ObjectNode) item));
        return items;
    }

    private static int occurrences(String text, String part) {
        int count = 0;
        for (int at = text.indexOf(part); at >= 0; at = text.indexOf(part, at + 1)) {
            count++;
        }
        return count;
    }

    private static byte[] collect(java.util.function.Consumer<Predicate<byte[]>> writer) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writer.accept(chunk -> {
            out.write(chunk, 0, chunk.length);
            return true;
        });
        return out.toByteArray();
    }
}
