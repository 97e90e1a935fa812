package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

/** Relaxed JSON for readable tests: unquoted names and single-quoted strings. */
final class Json {

    private static final ObjectMapper RELAXED = new ObjectMapper()
            .configure(JsonParser.Feature.ALLOW_UNQUOTED_FIELD_NAMES, true)
            .configure(JsonParser.Feature.ALLOW_SINGLE_QUOTES, true);

    private Json() {
    }

    static JsonNode parse(String relaxed) {
        try {
            return RELAXED.readTree(relaxed);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(relaxed, e);
        }
    }

    static ObjectNode object(String relaxed) {
        return (ObjectNode) parse(relaxed);
    }
}
