package dev.caravel.apiserver.discovery;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * A document ready to send: its bytes, their media type, a strong ETag (the quoted SHA-256 of
 * the bytes, so equal documents have equal tags across restarts and replicas) and the other
 * headers it is sent with. The bytes are shared: callers must not change them.
 *
 * <p>How the HTTP layer sends one:
 * <pre>
 *   if (doc.matches(request.header("If-None-Match"))) -> 304, headers ETag + doc.headers(), no body
 *   else -> 200, Content-Type doc.contentType(), ETag doc.etag(), doc.headers(), body doc.body()
 * </pre>
 */
public record ServedDocument(String contentType, byte[] body, String etag, Map<String, String> headers) {

    public ServedDocument {
        Objects.requireNonNull(contentType, "contentType");
        Objects.requireNonNull(body, "body");
        Objects.requireNonNull(etag, "etag");
        headers = Map.copyOf(headers);
    }

    /** A document whose ETag is the hash of its bytes. */
    public static ServedDocument of(String contentType, byte[] body, Map<String, String> headers) {
        return new ServedDocument(contentType, body, "\"" + hash(body) + "\"", headers);
    }

    /**
     * A JSON document written from {@code tree} on one line, with a newline after it as Go's
     * encoder ends a response. Written with the streaming generator: the first ObjectMapper of
     * a JVM costs about 150 ms, and writing a tree needs none of it.
     */
    public static ServedDocument json(String contentType, JsonNode tree, Map<String, String> headers) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            write(g, tree);
        } catch (IOException e) {
            throw new IllegalStateException("writing to memory failed", e);
        }
        out.write('\n');
        return of(contentType, out.toByteArray(), headers);
    }

    private static final JsonFactory FACTORY = JsonFactory.builder().build();

    private static void write(JsonGenerator g, JsonNode node) throws IOException {
        switch (node.getNodeType()) {
            case OBJECT -> {
                g.writeStartObject();
                for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    g.writeFieldName(e.getKey());
                    write(g, e.getValue());
                }
                g.writeEndObject();
            }
            case ARRAY -> {
                g.writeStartArray();
                for (JsonNode element : node) {
                    write(g, element);
                }
                g.writeEndArray();
            }
            case STRING -> g.writeString(node.textValue());
            case BOOLEAN -> g.writeBoolean(node.booleanValue());
            case NULL, MISSING -> g.writeNull();
            case NUMBER -> {
                if (node.isIntegralNumber()) {
                    g.writeNumber(node.bigIntegerValue());
                } else {
                    g.writeNumber(node.decimalValue());
                }
            }
            default -> throw new IllegalArgumentException("cannot write a " + node.getNodeType() + " node");
        }
    }

    /** The upper-case hex SHA-256 of {@code bytes}. */
    public static String hash(byte[] bytes) {
        try {
            return HexFormat.of().withUpperCase().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    /** The same document with other headers. */
    public ServedDocument withHeaders(Map<String, String> other) {
        return new ServedDocument(contentType, body, etag, other);
    }

    /**
     * Whether an {@code If-None-Match} header names this document, so the answer is 304 Not
     * Modified. The header is a list of tags or {@code *}; GET compares weakly (RFC 9110
     * 13.1.2), so a {@code W/} prefix is ignored.
     */
    public boolean matches(String ifNoneMatch) {
        if (ifNoneMatch == null || ifNoneMatch.isBlank()) {
            return false;
        }
        for (String tag : ifNoneMatch.split(",")) {
            String t = tag.trim();
            if (t.equals("*")) {
                return true;
            }
            if (t.startsWith("W/")) {
                t = t.substring(2);
            }
            if (t.equals(etag)) {
                return true;
            }
        }
        return false;
    }

    /** The body as text, for logs and tests. */
    public String text() {
        return new String(body, StandardCharsets.UTF_8);
    }
}
