package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * One entry of {@code metadata.managedFields}, metav1.ManagedFieldsEntry. Written with the members
 * in the Go struct's order, empty ones left out, the time in RFC 3339 to the second:
 * <pre>
 * {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"2024-05-01T10:00:00Z",
 *  "fieldsType":"FieldsV1","fieldsV1":{"f:spec":{"f:replicas":{}}}}
 * </pre>
 *
 * @param time null when Kubernetes would leave it out (an applier that has changed nothing yet)
 */
public record ManagedFieldsEntry(String manager, ManagerId.Operation operation, String apiVersion, Instant time,
                                 FieldSet fields, String subresource) {

    public static final String FIELDS_V1 = "FieldsV1";

    public ManagedFieldsEntry {
        manager = manager == null ? "" : manager;
        Objects.requireNonNull(operation, "operation");
        apiVersion = apiVersion == null ? "" : apiVersion;
        time = time == null ? null : time.truncatedTo(ChronoUnit.SECONDS);
        fields = fields == null ? FieldSet.empty() : fields;
        subresource = subresource == null ? "" : subresource;
    }

    public ManagerId id() {
        return new ManagerId(manager, operation, apiVersion, subresource);
    }

    public ObjectNode toJson() {
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        if (!manager.isEmpty()) {
            out.put("manager", manager);
        }
        out.put("operation", operation.wireName());
        if (!apiVersion.isEmpty()) {
            out.put("apiVersion", apiVersion);
        }
        if (time != null) {
            out.put("time", DateTimeFormatter.ISO_INSTANT.format(time));
        }
        out.put("fieldsType", FIELDS_V1);
        out.set("fieldsV1", fields.toFieldsV1());
        if (!subresource.isEmpty()) {
            out.put("subresource", subresource);
        }
        return out;
    }

    /**
     * Reads an entry as Kubernetes decodes one, with its error messages.
     *
     * @param index the entry's position, named in some messages
     * @throws IllegalArgumentException when the entry is not valid
     */
    public static ManagedFieldsEntry fromJson(JsonNode entry, int index) {
        if (entry == null || !entry.isObject()) {
            throw new IllegalArgumentException("managed fields entry " + index + " is not an object");
        }
        ManagerId.Operation operation = ManagerId.Operation.fromWireName(entry.path("operation").asText(""));
        String apiVersion = entry.path("apiVersion").asText("");
        if (apiVersion.isEmpty()) {
            throw new IllegalArgumentException("apiVersion must not be empty");
        }
        String fieldsType = entry.path("fieldsType").asText("");
        if (fieldsType.isEmpty()) {
            throw new IllegalArgumentException("missing fieldsType in managed fields entry " + index);
        }
        if (!fieldsType.equals(FIELDS_V1)) {
            throw new IllegalArgumentException("invalid fieldsType \"" + fieldsType + "\" in managed fields entry " + index);
        }
        FieldSet fields;
        JsonNode v1 = entry.get("fieldsV1");
        try {
            fields = v1 == null || v1.isNull() ? FieldSet.empty() : FieldSet.fromFieldsV1(v1);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("error decoding versioned set from " + entry + ": " + e.getMessage(), e);
        }
        Instant time = null;
        JsonNode t = entry.get("time");
        if (t != null && t.isTextual()) {
            try {
                time = OffsetDateTime.parse(t.textValue()).toInstant();
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("bad time in managed fields entry " + index + ": " + t.textValue(), e);
            }
        }
        return new ManagedFieldsEntry(entry.path("manager").asText(""), operation, apiVersion, time, fields,
                entry.path("subresource").asText(""));
    }
}
