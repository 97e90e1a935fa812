package dev.caravel.apiserver.schema;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DocumentIndexTest {

    private static final ObjectMapper MAPPER = new ObjectMapper();

    @Test
    void spansOfTheKubernetesDocumentHoldExactlyWhatJacksonReads() throws Exception {
        byte[] doc;
        try (InputStream in = getClass().getResourceAsStream(SchemaCatalogue.KUBERNETES_RESOURCE)) {
            doc = in.readAllBytes();
        }
        JsonNode whole = MAPPER.readTree(doc);
        DocumentIndex index = DocumentIndex.scan(doc);

        JsonNode definitions = whole.get("definitions");
        assertThat(index.definitions.keySet()).hasSize(definitions.size());
        Set<GroupVersionKind> kinds = new HashSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = definitions.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            DocumentIndex.Span span = index.definitions.get(e.getKey());
            assertThat(MAPPER.readTree(doc, span.start(), span.length())).as(e.getKey()).isEqualTo(e.getValue());
            kinds.addAll(Schema.groupVersionKinds(e.getValue().get("x-kubernetes-group-version-kind")));
        }
        assertThat(index.definitionByKind.keySet()).isEqualTo(kinds);
        DocumentIndex.Span paths = index.sections.get("paths");
        assertThat(MAPPER.readTree(doc, paths.start(), paths.length())).isEqualTo(whole.get("paths"));
    }

    @Test
    void escapesAndScalarsAreSkippedAndDecoded() {
        byte[] doc = """
                { "swagger" : "2.0", "n": -1.5e3, "ok": true, "none": null,
                  "definitions": {
                    "a.Quote\\"d": {"description": "braces } { and \\\\ in \\"strings\\"",
                                   "x-kubernetes-group-version-kind": [ {"group": "g\\u0041", "kind": "K", "version": "v1"} ]},
                    "a.Empty": {}
                  } }""".getBytes(StandardCharsets.UTF_8);
        DocumentIndex index = DocumentIndex.scan(doc);
        assertThat(index.definitions).containsOnlyKeys("a.Quote\"d", "a.Empty");
        assertThat(index.definitionByKind).containsEntry(new GroupVersionKind("gA", "v1", "K"), "a.Quote\"d");
        assertThat(index.sections).containsKeys("swagger", "n", "ok", "none", "definitions");
    }

    @Test
    void truncatedDocumentsAreRefused() {
        assertThatThrownBy(() -> DocumentIndex.scan("{\"definitions\": {\"a\": {\"type\": \"obj".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed OpenAPI document");
    }
}
