package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses a JSON request body into a tree while noting every duplicate field, which Kubernetes'
 * decoder (sigs.k8s.io/json) reports for fieldValidation Strict and Warn. Jackson's own
 * STRICT_DUPLICATE_DETECTION stops at the first duplicate and cannot go on, so the tree is built
 * here from the token stream; as in Go, the last value of a repeated field wins.
 *
 * <p>Paths are written as Kubernetes' strict decoder writes them: {@code spec.replicas},
 * {@code spec.template.spec.containers[0].image}, map entries as {@code metadata.labels.app}.
 */
public final class StrictJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /**
     * A parsed body.
     *
     * @param duplicateFields the paths of repeated fields, in document order, each once
     */
    public record ParsedObject(ObjectNode object, List<String> duplicateFields) {
        public ParsedObject {
            duplicateFields = List.copyOf(duplicateFields);
        }
    }

    private StrictJson() {
    }

    /**
     * @throws JsonParseException when the bytes are not one JSON value
     * @throws IOException when the body is JSON but not an object
     */
    public static ParsedObject parse(byte[] body) throws IOException {
        try (JsonParser p = FACTORY.createParser(body)) {
            JsonToken first = p.nextToken();
            if (first != JsonToken.START_OBJECT) {
                throw new JsonParseException(p, "expected a JSON object, found " + first);
            }
            List<String> duplicates = new ArrayList<>();
            ObjectNode object = (ObjectNode) read(p, first, "", duplicates);
            JsonToken trailing = p.nextToken();
            if (trailing != null) {
                throw new JsonParseException(p, "unexpected data after the top-level object: " + trailing);
            }
            return new ParsedObject(object, duplicates);
        }
    }

    private static JsonNode read(JsonParser p, JsonToken token, String path, List<String> duplicates)
            throws IOException {
        return switch (token) {
            case START_OBJECT -> {
                ObjectNode object = NODES.objectNode();
                for (JsonToken t = p.nextToken(); t != JsonToken.END_OBJECT; t = p.nextToken()) {
                    String name = p.currentName();
                    String childPath = path.isEmpty() ? name : path + "." + name;
                    // Go notes the duplicate at the key, before anything wrong inside its value.
                    if (object.has(name) && !duplicates.contains(childPath)) {
                        duplicates.add(childPath);
                    }
                    object.set(name, read(p, p.nextToken(), childPath, duplicates));
                }
                yield object;
            }
            case START_ARRAY -> {
                ArrayNode array = NODES.arrayNode();
                int i = 0;
                for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
                    array.add(read(p, t, path + "[" + i + "]", duplicates));
                    i++;
                }
                yield array;
            }
            case VALUE_STRING -> NODES.textNode(p.getText());
            case VALUE_NUMBER_INT -> switch (p.getNumberType()) {
                case INT -> NODES.numberNode(p.getIntValue());
                case LONG -> NODES.numberNode(p.getLongValue());
                default -> NODES.numberNode(p.getBigIntegerValue());
            };
            case VALUE_NUMBER_FLOAT -> NODES.numberNode(p.getDoubleValue());
            case VALUE_TRUE -> NODES.booleanNode(true);
            case VALUE_FALSE -> NODES.booleanNode(false);
            case VALUE_NULL -> NODES.nullNode();
            default -> throw new JsonParseException(p, "unexpected token " + token);
        };
    }
}
