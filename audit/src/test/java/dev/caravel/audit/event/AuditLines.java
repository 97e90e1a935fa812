package dev.caravel.audit.event;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

/**
 * Writes audit events the way kube-apiserver's log backend does (field order, MicroTime with six
 * fraction digits, Metadata-level content), for test fixtures. v1beta1 events also carry the
 * {@code metadata} and {@code timestamp} fields that version had.
 */
public final class AuditLines {

    public static final ObjectMapper JSON = new ObjectMapper();

    private AuditLines() {
    }

    /** A request's ending event, ResponseComplete unless the stage says otherwise. */
    public static ObjectNode event(String apiVersion, String stage, String user, String verb, String resource,
                                   String namespace, String received, String stageAt) {
        ObjectNode e = JSON.createObjectNode();
        e.put("kind", "Event");
        e.put("apiVersion", apiVersion);
        if (apiVersion.endsWith("v1beta1")) {
            e.putObject("metadata").put("creationTimestamp", stageAt.substring(0, 19) + "Z");
        }
        e.put("level", "Metadata");
        if (apiVersion.endsWith("v1beta1")) {
            e.put("timestamp", stageAt.substring(0, 19) + "Z");
        }
        e.put("auditID", java.util.UUID.nameUUIDFromBytes((user + verb + received).getBytes()).toString());
        e.put("stage", stage);
        String base = namespace == null ? "/api/v1/" + resource : "/api/v1/namespaces/" + namespace + "/" + resource;
        e.put("requestURI", resource == null ? "/healthz" : base);
        e.put("verb", verb);
        ObjectNode u = e.putObject("user");
        u.put("username", user);
        u.putArray("groups").add("system:authenticated");
        e.putArray("sourceIPs").add("10.0.0.1");
        e.put("userAgent", "test-agent/1.0 (" + user + ")");
        if (resource != null) {
            ObjectNode ref = e.putObject("objectRef");
            ref.put("resource", resource);
            if (namespace != null) {
                ref.put("namespace", namespace);
            }
            ref.put("apiVersion", "v1");
        }
        if (!stage.equals("RequestReceived")) {
            e.putObject("responseStatus").put("code", 200).putObject("metadata");
        }
        e.put("requestReceivedTimestamp", received);
        e.put("stageTimestamp", stageAt);
        e.putObject("annotations").put("authorization.k8s.io/decision", "allow");
        return e;
    }

    public static ObjectNode complete(String user, String verb, String resource, String received, String stageAt) {
        return event("audit.k8s.io/v1", "ResponseComplete", user, verb, resource, "default", received, stageAt);
    }

    public static String line(ObjectNode event) {
        try {
            return JSON.writeValueAsString(event);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String eventList(String apiVersion, ObjectNode... events) {
        ObjectNode list = JSON.createObjectNode();
        list.put("kind", "EventList");
        list.put("apiVersion", apiVersion);
        list.putObject("metadata");
        ArrayNode items = list.putArray("items");
        for (ObjectNode e : events) {
            ObjectNode item = e.deepCopy();
            item.remove("kind");
            item.remove("apiVersion");
            items.add(item);
        }
        return line(list);
    }

    public static byte[] lines(String... lines) {
        return (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8);
    }

    public static byte[] gzip(byte[] plain) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(plain);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** "2026-11-02T09:00:00.000000Z" plus the given microseconds. */
    public static String at(long micros) {
        return MicroTimestamp.format(MicroTimestamp.parse("2026-11-02T09:00:00.000000Z") + micros);
    }
}
