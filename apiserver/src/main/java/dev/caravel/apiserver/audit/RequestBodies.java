package dev.caravel.apiserver.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.audit.writer.ObjectReference;

import java.io.IOException;
import java.util.Locale;

/**
 * What the audit stage reads from request and response bodies: the request object as JSON (at
 * level Request and above), the identifying metadata of a created or updated object (at every
 * level, as kube-apiserver fills objectRef from the decoded request object), and whether a
 * response body is JSON.
 */
final class RequestBodies {

    private static final JsonFactory JSON = new JsonFactory();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper TREES = new ObjectMapper();

    private RequestBodies() {
    }

    /**
     * The request body as JSON: JSON and JSON patches as sent, YAML (an apply patch, a YAML
     * create) converted, protobuf by {@code protobuf}; null for no body, or a body that does not
     * parse (the handler rejects that request itself).
     */
    static byte[] requestJson(ApiRequest request, AuditStage.BodyDecoder protobuf) {
        byte[] body = request.body();
        if (body.length == 0) {
            return null;
        }
        String type = mediaType(request.header("Content-Type"));
        if (type.isEmpty() || type.endsWith("json")) {
            return body;
        }
        if (type.equals("application/vnd.kubernetes.protobuf")) {
            return protobuf.toJson(request);
        }
        if (type.endsWith("yaml")) {
            try {
                JsonNode tree = YAML.readTree(body);
                return tree == null || tree.isMissingNode() ? null : TREES.writeValueAsBytes(tree);
            } catch (IOException e) {
                return null;
            }
        }
        return null;
    }

    /**
     * The reference with the empty ones among namespace, name, uid and resourceVersion taken from
     * the body's {@code metadata}, as kube-apiserver does for the objects of create and update
     * (a create's URL has no name: the event names the object from its body). A body that is not
     * a JSON object leaves the reference as it is. Reads only the metadata, streaming.
     */
    static ObjectReference withBodyMetadata(ObjectReference ref, byte[] json) {
        if (json == null) {
            return ref;
        }
        String namespace = null;
        String name = null;
        String uid = null;
        String resourceVersion = null;
        try (JsonParser p = JSON.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return ref;
            }
            String field;
            while ((field = p.nextFieldName()) != null) {
                JsonToken value = p.nextToken();
                if (!"metadata".equals(field) || value != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    continue;
                }
                String key;
                while ((key = p.nextFieldName()) != null) {
                    JsonToken token = p.nextToken();
                    String text = token == JsonToken.VALUE_STRING ? p.getText() : null;
                    switch (key) {
                        case "namespace" -> namespace = text;
                        case "name" -> name = text;
                        case "uid" -> uid = text;
                        case "resourceVersion" -> resourceVersion = text;
                        default -> p.skipChildren();
                    }
                }
                break;
            }
        } catch (IOException e) {
            return ref;
        }
        return new ObjectReference(ref.resource(), firstNonEmpty(ref.namespace(), namespace),
                firstNonEmpty(ref.name(), name), firstNonEmpty(ref.uid(), uid), ref.apiGroup(), ref.apiVersion(),
                firstNonEmpty(ref.resourceVersion(), resourceVersion), ref.subresource());
    }

    /** Whether a response body of this Content-Type can be kept as the event's responseObject. */
    static boolean isJson(String contentType) {
        return mediaType(contentType).endsWith("json");
    }

    private static String mediaType(String contentType) {
        int semicolon = contentType.indexOf(';');
        return (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    }

    private static String firstNonEmpty(String current, String fromBody) {
        return current.isEmpty() && fromBody != null ? fromBody : current;
    }
}
