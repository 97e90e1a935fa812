package dev.caravel.audit.event;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import dev.caravel.audit.input.InputProblem.Kind;
import java.io.IOException;

/**
 * Parses one line of an audit log: an {@code Event}, or an {@code EventList} (what the webhook
 * backend sends, sometimes saved to files as is), in {@code audit.k8s.io/v1} or {@code v1beta1}.
 *
 * <p>Only the fields the analysis needs are decoded; objects such as {@code requestObject},
 * {@code responseObject} and {@code annotations} are skipped token by token without building
 * strings, which is most of a RequestResponse-level event. Field order is not assumed.
 *
 * <p>One parser per thread: it keeps a scratch holder between lines. A line is either turned
 * into events or into problems, never dropped without one or the other.
 */
public final class AuditLineParser {

    /** Receives what one line held. */
    public interface Listener {
        void event(AuditEvent event);

        void problem(Kind kind, String detail);
    }

    static final String V1 = "audit.k8s.io/v1";
    static final String V1BETA1 = "audit.k8s.io/v1beta1";

    private static final JsonFactory FACTORY = JsonFactory.builder()
            // Problems are reported with our own line numbers; the parser's source snippet would only cost time.
            .disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION)
            .build();

    private final ValueStrings values = new ValueStrings();
    private final Fields event = new Fields();
    private final Fields item = new Fields();

    /**
     * @param unterminatedLast true when this is the input's last line and has no newline: if it
     *                         does not parse, the log was cut while being written, which is
     *                         reported as such rather than as malformed JSON
     */
    public void parse(byte[] buffer, int offset, int length, boolean unterminatedLast, Listener listener) {
        try (JsonParser parser = FACTORY.createParser(buffer, offset, length)) {
            JsonToken first = parser.nextToken();
            if (first != JsonToken.START_OBJECT) {
                listener.problem(unterminatedLast ? Kind.TRUNCATED_LAST_LINE : Kind.MALFORMED_JSON,
                        first == null ? "no JSON value" : "expected a JSON object, found " + first.asString());
                return;
            }
            event.clear();
            ItemsBuffer items = readObject(parser, event, true);
            if (parser.nextToken() != null) {
                listener.problem(Kind.MALFORMED_JSON, "content after the JSON object");
                return;
            }
            if (!isKnownApiVersion(event.apiVersion)) {
                listener.problem(Kind.UNKNOWN_API_VERSION, event.apiVersion == null
                        ? "apiVersion missing" : "apiVersion " + event.apiVersion);
                return;
            }
            if ("EventList".equals(event.kind)) {
                if (items != null) {
                    items.deliver(event.apiVersion, listener);
                }
                return;
            }
            if (event.kind != null && !"Event".equals(event.kind)) {
                listener.problem(Kind.UNKNOWN_KIND, "kind " + event.kind);
                return;
            }
            deliverEvent(event, event.apiVersion, listener);
        } catch (IOException | RuntimeException e) {
            listener.problem(unterminatedLast ? Kind.TRUNCATED_LAST_LINE : Kind.MALFORMED_JSON, shortMessage(e));
        }
    }

    static boolean isKnownApiVersion(String apiVersion) {
        return V1.equals(apiVersion) || V1BETA1.equals(apiVersion);
    }

    private static void deliverEvent(Fields f, String apiVersion, Listener listener) {
        if (f.stage == null) {
            listener.problem(Kind.MISSING_STAGE, f.stageText == null ? "stage missing" : "stage " + f.stageText);
            return;
        }
        if (f.received == Fields.ABSENT || f.stageAt == Fields.ABSENT) {
            listener.problem(Kind.MISSING_TIMESTAMP, f.received == Fields.ABSENT
                    ? "requestReceivedTimestamp missing" : "stageTimestamp missing");
            return;
        }
        if (f.received == MicroTimestamp.INVALID || f.stageAt == MicroTimestamp.INVALID) {
            listener.problem(Kind.INVALID_TIMESTAMP, f.received == MicroTimestamp.INVALID
                    ? "requestReceivedTimestamp " + f.receivedText : "stageTimestamp " + f.stageAtText);
            return;
        }
        if (f.stageAt < f.received) {
            listener.problem(Kind.STAGE_BEFORE_RECEIVED, "stageTimestamp is "
                    + (f.received - f.stageAt) + "µs before requestReceivedTimestamp");
            return;
        }
        listener.event(new AuditEvent(apiVersion, f.stage, f.verb, f.username, f.impersonatedUsername, f.userAgent,
                f.resource, f.subresource, f.namespace, f.requestUri, f.received, f.stageAt));
    }

    /** Reads one event object (the parser is on its START_OBJECT) into {@code f}; returns the items of an EventList. */
    private ItemsBuffer readObject(JsonParser p, Fields f, boolean topLevel) throws IOException {
        ItemsBuffer items = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken value = p.nextToken();
            switch (name) {
                case "kind" -> f.kind = text(p, value);
                case "apiVersion" -> f.apiVersion = text(p, value);
                case "stage" -> {
                    f.stageText = text(p, value);
                    f.stage = f.stageText == null ? null : AuditStage.fromWireName(f.stageText);
                }
                case "verb" -> f.verb = text(p, value);
                case "requestURI" -> f.requestUri = text(p, value);
                case "userAgent" -> f.userAgent = text(p, value);
                case "requestReceivedTimestamp" -> {
                    f.received = timestamp(p, value);
                    if (f.received == MicroTimestamp.INVALID) {
                        f.receivedText = p.getText();
                    }
                }
                case "stageTimestamp" -> {
                    f.stageAt = timestamp(p, value);
                    if (f.stageAt == MicroTimestamp.INVALID) {
                        f.stageAtText = p.getText();
                    }
                }
                case "user" -> f.username = readUsername(p, value);
                case "impersonatedUser" -> f.impersonatedUsername = readUsername(p, value);
                case "objectRef" -> readObjectRef(p, f, value);
                case "items" -> {
                    if (topLevel && value == JsonToken.START_ARRAY) {
                        items = readItems(p);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
        return items;
    }

    private ItemsBuffer readItems(JsonParser p) throws IOException {
        ItemsBuffer items = new ItemsBuffer();
        JsonToken token;
        while ((token = p.nextToken()) != JsonToken.END_ARRAY) {
            if (token != JsonToken.START_OBJECT) {
                items.add(null);
                p.skipChildren();
                continue;
            }
            item.clear();
            readObject(p, item, false);
            items.add(item.copy());
        }
        return items;
    }

    /** The username of a UserInfo object (user, impersonatedUser); null when absent. */
    private String readUsername(JsonParser p, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return null;
        }
        String username = null;
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            if ("username".equals(name)) {
                username = text(p, token);
            } else {
                p.skipChildren();
            }
        }
        return username;
    }

    private void readObjectRef(JsonParser p, Fields f, JsonToken value) throws IOException {
        if (value != JsonToken.START_OBJECT) {
            p.skipChildren();
            return;
        }
        String name;
        while ((name = p.nextFieldName()) != null) {
            JsonToken token = p.nextToken();
            switch (name) {
                case "resource" -> f.resource = text(p, token);
                case "namespace" -> f.namespace = text(p, token);
                case "subresource" -> f.subresource = text(p, token);
                default -> p.skipChildren();
            }
        }
    }

    private String text(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return values.get(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        p.skipChildren();
        return null;
    }

    private static long timestamp(JsonParser p, JsonToken token) throws IOException {
        if (token == JsonToken.VALUE_STRING) {
            return MicroTimestamp.parse(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
        }
        if (token == JsonToken.VALUE_NULL) {
            return Fields.ABSENT;
        }
        p.skipChildren();
        return MicroTimestamp.INVALID;
    }

    private static String shortMessage(Exception e) {
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Mutable scratch for one event being read; owned by one parser, reset per object. */
    private static final class Fields {
        // Distinct from MicroTimestamp.INVALID: "absent" and "present but unreadable" are reported apart.
        static final long ABSENT = Long.MIN_VALUE + 1;

        String kind;
        String apiVersion;
        String stageText;
        AuditStage stage;
        String verb;
        String requestUri;
        String userAgent;
        String username;
        String impersonatedUsername;
        String resource;
        String namespace;
        String subresource;
        long received;
        long stageAt;
        String receivedText;
        String stageAtText;

        void clear() {
            kind = apiVersion = stageText = verb = requestUri = userAgent = null;
            username = impersonatedUsername = resource = namespace = subresource = receivedText = stageAtText = null;
            stage = null;
            received = ABSENT;
            stageAt = ABSENT;
        }

        Fields copy() {
            Fields c = new Fields();
            c.kind = kind;
            c.apiVersion = apiVersion;
            c.stageText = stageText;
            c.stage = stage;
            c.verb = verb;
            c.requestUri = requestUri;
            c.userAgent = userAgent;
            c.username = username;
            c.impersonatedUsername = impersonatedUsername;
            c.resource = resource;
            c.namespace = namespace;
            c.subresource = subresource;
            c.received = received;
            c.stageAt = stageAt;
            c.receivedText = receivedText;
            c.stageAtText = stageAtText;
            return c;
        }
    }

    /**
     * The items of an EventList line, held until the list's apiVersion is known (it may come
     * after the items). Items carry no apiVersion of their own when nested, so they take the list's.
     */
    private static final class ItemsBuffer {
        private final java.util.ArrayList<Fields> items = new java.util.ArrayList<>();

        void add(Fields fields) {
            items.add(fields);
        }

        void deliver(String listApiVersion, Listener listener) {
            for (Fields f : items) {
                if (f == null) {
                    listener.problem(Kind.MALFORMED_JSON, "EventList item is not a JSON object");
                } else if (f.apiVersion != null && !isKnownApiVersion(f.apiVersion)) {
                    listener.problem(Kind.UNKNOWN_API_VERSION, "EventList item apiVersion " + f.apiVersion);
                } else {
                    deliverEvent(f, listApiVersion, listener);
                }
            }
        }
    }
}
