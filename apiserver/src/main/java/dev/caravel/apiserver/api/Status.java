package dev.caravel.apiserver.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * metav1.Status, the body of every failed request (and of some successful deletes), and the
 * object inside a watch ERROR event.
 *
 * <p>Written exactly as Kubernetes' JSON serializer writes it, members in the Go struct's order
 * and empty ones left out except {@code metadata}, which Go always writes, strings escaped as Go
 * escapes them ({@link GoJsonEscapes}):
 * <pre>{"kind":"Status","apiVersion":"v1","metadata":{},"status":"Failure","message":"pods \"foo\" not found",
 * "reason":"NotFound","details":{"name":"foo","kind":"pods"},"code":404}</pre>
 *
 * @param outcome  Success or Failure
 * @param message  human-readable; may be empty
 * @param reason   {@link StatusReason#UNKNOWN} when there is none
 * @param details  null when Kubernetes sends none; an empty details is written as {@code {}}
 * @param code     the HTTP code, 0 when unset (then omitted)
 * @param metadata the list metadata: a 410 for an expired continue token carries a fresh token here
 */
public record Status(Outcome outcome, String message, StatusReason reason, StatusDetails details,
                     int code, ListMeta metadata) {

    private static final JsonFactory JSON = GoJsonEscapes.factory();

    public enum Outcome {
        SUCCESS("Success"), FAILURE("Failure");

        private final String wireName;

        Outcome(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }
    }

    /** metav1.ListMeta as it appears in a Status: usually empty. */
    public record ListMeta(String resourceVersion, String continueToken) {
        public static final ListMeta EMPTY = new ListMeta("", "");

        public ListMeta {
            resourceVersion = resourceVersion == null ? "" : resourceVersion;
            continueToken = continueToken == null ? "" : continueToken;
        }
    }

    public Status {
        Objects.requireNonNull(outcome, "outcome");
        message = message == null ? "" : message;
        reason = reason == null ? StatusReason.UNKNOWN : reason;
        metadata = metadata == null ? ListMeta.EMPTY : metadata;
        if (code < 0 || code > 999) {
            throw new IllegalArgumentException("not an HTTP code: " + code);
        }
    }

    public static Status failure(int code, StatusReason reason, String message, StatusDetails details) {
        return new Status(Outcome.FAILURE, message, reason, details, code, ListMeta.EMPTY);
    }

    public static Status success(int code, StatusDetails details) {
        return new Status(Outcome.SUCCESS, "", StatusReason.UNKNOWN, details, code, ListMeta.EMPTY);
    }

    public Status withDetails(StatusDetails newDetails) {
        return new Status(outcome, message, reason, newDetails, code, metadata);
    }

    public Status withMetadata(ListMeta newMetadata) {
        return new Status(outcome, message, reason, details, code, newMetadata);
    }

    /**
     * The delay a client should wait before retrying, 0 for none. The HTTP writer sends it as a
     * {@code Retry-After} header, as Kubernetes does for any Status with a delay; client-go retries
     * a 429 or 5xx only when that header is there.
     */
    public int retryAfterSeconds() {
        return details == null ? 0 : details.retryAfterSeconds();
    }

    /** The causes, empty when there are no details. */
    public List<StatusCause> causes() {
        return details == null ? List.of() : details.causes();
    }

    /**
     * The response body exactly as Kubernetes sends it: the JSON followed by a newline (Go's
     * json.Encoder ends every value with one).
     */
    public byte[] toResponseBody() {
        byte[] json = toJsonBytes();
        byte[] body = java.util.Arrays.copyOf(json, json.length + 1);
        body[json.length] = '\n';
        return body;
    }

    /** The JSON object alone, for tests and for embedding; see {@link #toResponseBody()}. */
    public String toJson() {
        return new String(toJsonBytes(), StandardCharsets.UTF_8);
    }

    public byte[] toJsonBytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        try (JsonGenerator json = JSON.createGenerator(out)) {
            writeTo(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** Writes this Status as one JSON object, for callers that embed it (a watch ERROR event). */
    public void writeTo(JsonGenerator json) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "Status");
        json.writeStringField("apiVersion", "v1");
        json.writeObjectFieldStart("metadata");
        writeIfPresent(json, "resourceVersion", metadata.resourceVersion());
        writeIfPresent(json, "continue", metadata.continueToken());
        json.writeEndObject();
        json.writeStringField("status", outcome.wireName());
        writeIfPresent(json, "message", message);
        writeIfPresent(json, "reason", reason.wireName());
        if (details != null) {
            json.writeObjectFieldStart("details");
            writeIfPresent(json, "name", details.name());
            writeIfPresent(json, "group", details.group());
            writeIfPresent(json, "kind", details.kind());
            writeIfPresent(json, "uid", details.uid());
            if (!details.causes().isEmpty()) {
                json.writeArrayFieldStart("causes");
                for (StatusCause cause : details.causes()) {
                    json.writeStartObject();
                    if (cause.type() != null) {
                        writeIfPresent(json, "reason", cause.type().value());
                    }
                    writeIfPresent(json, "message", cause.message());
                    writeIfPresent(json, "field", cause.field());
                    json.writeEndObject();
                }
                json.writeEndArray();
            }
            if (details.retryAfterSeconds() != 0) {
                json.writeNumberField("retryAfterSeconds", details.retryAfterSeconds());
            }
            json.writeEndObject();
        }
        if (code != 0) {
            json.writeNumberField("code", code);
        }
        json.writeEndObject();
    }

    private static void writeIfPresent(JsonGenerator json, String name, String value) throws IOException {
        if (value != null && !value.isEmpty()) {
            json.writeStringField(name, value);
        }
    }

    /** Reads a Status as a client would (a watch ERROR event's object, an aggregated server's answer). */
    public static Status fromJson(JsonNode node) {
        if (!"Status".equals(node.path("kind").asText())) {
            throw new IllegalArgumentException("not a Status: kind is " + GoQuote.quote(node.path("kind").asText()));
        }
        Outcome outcome = "Success".equals(node.path("status").asText()) ? Outcome.SUCCESS : Outcome.FAILURE;
        StatusDetails details = null;
        JsonNode d = node.get("details");
        if (d != null && d.isObject()) {
            List<StatusCause> causes = new ArrayList<>();
            for (JsonNode c : d.path("causes")) {
                String type = c.path("reason").asText("");
                causes.add(new StatusCause(type.isEmpty() ? null : new CauseType(type),
                        c.path("message").asText(""), c.path("field").asText("")));
            }
            details = new StatusDetails(d.path("name").asText(""), d.path("group").asText(""),
                    d.path("kind").asText(""), d.path("uid").asText(""), causes,
                    d.path("retryAfterSeconds").asInt(0));
        }
        JsonNode m = node.path("metadata");
        return new Status(outcome, node.path("message").asText(""),
                StatusReason.fromWireName(node.path("reason").asText("")), details,
                node.path("code").asInt(0),
                new ListMeta(m.path("resourceVersion").asText(""), m.path("continue").asText("")));
    }
}
