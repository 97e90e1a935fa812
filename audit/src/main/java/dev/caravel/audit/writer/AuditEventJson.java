package dev.caravel.audit.writer;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.audit.event.MicroTimestamp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * Writes audit events byte for byte as kube-apiserver does, so tools made for its logs read ours.
 *
 * <p>Field order is the Go struct's: kind, apiVersion, level, auditID, stage, requestURI, verb,
 * user, impersonatedUser, sourceIPs, userAgent, objectRef, responseStatus, requestObject,
 * responseObject, requestReceivedTimestamp, stageTimestamp, annotations. Fields tagged omitempty in
 * Go are left out when empty; {@code user} and both timestamps never are. Maps are sorted by key.
 *
 * <p>Strings are escaped as Go's encoding/json does by default: {@code <}, {@code >} and
 * {@code &} become {@code \u003c}, {@code \u003e}, {@code \u0026} (so a requestURI reads
 * {@code ?limit=500\u0026resourceVersion=0}, as in any kube-apiserver log), U+2028 and U+2029 are
 * escaped, and other control characters use lower-case hex.
 *
 * <p>Example, at level Metadata:
 * <pre>
 * {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata","auditID":"…","stage":"ResponseComplete",
 *  "requestURI":"/api/v1/namespaces/default/pods/web","verb":"get","user":{"username":"alice","groups":["dev"]},
 *  "sourceIPs":["10.0.0.1"],"userAgent":"kubectl/v1.31.0","objectRef":{"resource":"pods","namespace":"default",
 *  "name":"web","apiVersion":"v1"},"responseStatus":{"metadata":{},"code":200},
 *  "requestReceivedTimestamp":"2026-11-25T14:00:00.000001Z","stageTimestamp":"2026-11-25T14:00:00.002000Z"}
 * </pre>
 */
public final class AuditEventJson {

    public static final String API_VERSION = "audit.k8s.io/v1";

    static final JsonFactory FACTORY = new JsonFactoryBuilder().characterEscapes(new GoEscapes()).build();
    static final ObjectMapper MAPPER = new ObjectMapper(FACTORY);

    private AuditEventJson() {
    }

    /** The event as one line, ending with a newline as Go's json.Encoder ends it. */
    public static byte[] line(AuditEvent event) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        try {
            writeLine(event, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    public static void writeLine(AuditEvent event, OutputStream out) throws IOException {
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
            write(event, json);
        }
        out.write('\n');
    }

    /** An audit.k8s.io/v1 EventList holding the events, as the webhook backend POSTs it. */
    public static byte[] eventList(List<AuditEvent> events) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512 * Math.max(1, events.size()));
        try (JsonGenerator json = FACTORY.createGenerator(out)) {
            json.writeStartObject();
            json.writeStringField("kind", "EventList");
            json.writeStringField("apiVersion", API_VERSION);
            json.writeFieldName("metadata"); // ListMeta is a struct: Go writes it even when empty
            json.writeStartObject();
            json.writeEndObject();
            json.writeArrayFieldStart("items");
            for (AuditEvent event : events) {
                write(event, json);
            }
            json.writeEndArray();
            json.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static void write(AuditEvent event, JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "Event");
        json.writeStringField("apiVersion", API_VERSION);
        json.writeStringField("level", event.level().wireName());
        json.writeStringField("auditID", event.auditId());
        json.writeStringField("stage", event.stage().wireName());
        json.writeStringField("requestURI", event.requestUri());
        json.writeStringField("verb", event.verb());
        json.writeFieldName("user");
        writeUser(event.user(), json);
        if (event.impersonatedUser() != null) {
            json.writeFieldName("impersonatedUser");
            writeUser(event.impersonatedUser(), json);
        }
        writeStrings("sourceIPs", event.sourceIps(), json);
        writeNonEmpty("userAgent", event.userAgent(), json);
        if (event.objectRef() != null) {
            ObjectReference ref = event.objectRef();
            json.writeObjectFieldStart("objectRef");
            writeNonEmpty("resource", ref.resource(), json);
            writeNonEmpty("namespace", ref.namespace(), json);
            writeNonEmpty("name", ref.name(), json);
            writeNonEmpty("uid", ref.uid(), json);
            writeNonEmpty("apiGroup", ref.apiGroup(), json);
            writeNonEmpty("apiVersion", ref.apiVersion(), json);
            writeNonEmpty("resourceVersion", ref.resourceVersion(), json);
            writeNonEmpty("subresource", ref.subresource(), json);
            json.writeEndObject();
        }
        if (event.responseStatus() != null) {
            ResponseStatus status = event.responseStatus();
            json.writeObjectFieldStart("responseStatus");
            json.writeObjectFieldStart("metadata");
            json.writeEndObject();
            writeNonEmpty("status", status.status(), json);
            writeNonEmpty("message", status.message(), json);
            writeNonEmpty("reason", status.reason(), json);
            writeRaw("details", status.details(), json);
            if (status.code() != 0) {
                json.writeNumberField("code", status.code());
            }
            json.writeEndObject();
        }
        writeRaw("requestObject", event.requestObject(), json);
        writeRaw("responseObject", event.responseObject(), json);
        json.writeStringField("requestReceivedTimestamp", MicroTimestamp.format(event.requestReceivedMicros()));
        json.writeStringField("stageTimestamp", MicroTimestamp.format(event.stageMicros()));
        if (!event.annotations().isEmpty()) {
            json.writeObjectFieldStart("annotations");
            for (Map.Entry<String, String> annotation : event.annotations().entrySet()) {
                json.writeStringField(annotation.getKey(), annotation.getValue());
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writeUser(UserInfo user, JsonGenerator json) throws IOException {
        json.writeStartObject();
        writeNonEmpty("username", user.username(), json);
        writeNonEmpty("uid", user.uid(), json);
        writeStrings("groups", user.groups(), json);
        if (!user.extra().isEmpty()) {
            json.writeObjectFieldStart("extra");
            for (Map.Entry<String, List<String>> entry : user.extra().entrySet()) {
                json.writeArrayFieldStart(entry.getKey());
                for (String value : entry.getValue()) {
                    json.writeString(value);
                }
                json.writeEndArray();
            }
            json.writeEndObject();
        }
        json.writeEndObject();
    }

    private static void writeStrings(String field, List<String> values, JsonGenerator json) throws IOException {
        if (values.isEmpty()) {
            return;
        }
        json.writeArrayFieldStart(field);
        for (String value : values) {
            json.writeString(value);
        }
        json.writeEndArray();
    }

    private static void writeNonEmpty(String field, String value, JsonGenerator json) throws IOException {
        if (value != null && !value.isEmpty()) {
            json.writeStringField(field, value);
        }
    }

    private static void writeRaw(String field, RawJson raw, JsonGenerator json) throws IOException {
        if (raw != null) {
            json.writeFieldName(field);
            // Bytes already compact and escaped by this class's factory (RawJson.of).
            json.writeRawValue(new String(raw.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        }
    }

    /** Go's encoding/json escaping: HTML-safe, lower-case hex, line and paragraph separators escaped. */
    private static final class GoEscapes extends CharacterEscapes {
        private final int[] ascii;

        GoEscapes() {
            ascii = standardAsciiEscapesForJSON().clone();
            for (int c = 0; c < 0x20; c++) {
                // Keep the short forms Go also uses (\n, \r, \t, \b, \f); others in Go's lower-case hex.
                if (c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f') {
                    ascii[c] = ESCAPE_CUSTOM;
                }
            }
            ascii['<'] = ESCAPE_CUSTOM;
            ascii['>'] = ESCAPE_CUSTOM;
            ascii['&'] = ESCAPE_CUSTOM;
        }

        @Override
        public int[] getEscapeCodesForAscii() {
            return ascii;
        }

        @Override
        public SerializableString getEscapeSequence(int ch) {
            if (ch < 0x80 || ch == 0x2028 || ch == 0x2029) {
                return new SerializedString(String.format("\\u%04x", ch));
            }
            return null;
        }
    }
}
