package dev.caravel.apiserver.printer;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;

/**
 * One {@code TableColumnDefinition} of a meta.k8s.io Table. {@code type} is an OpenAPI type
 * ("string", "integer", "boolean", "date"); {@code format} is "name" for the column kubectl uses
 * as the object's name, else empty. Priority 0 columns are shown by {@code kubectl get}, priority
 * 1 only by {@code -o wide}: the server always sends both, the client filters.
 */
public record TableColumn(String name, String type, String format, String description, int priority) {

    public TableColumn {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(type, "type");
        format = format == null ? "" : format;
        description = description == null ? "" : description;
        if (priority < 0) {
            throw new IllegalArgumentException("column " + name + ": negative priority " + priority);
        }
    }

    public static TableColumn string(String name, String description) {
        return new TableColumn(name, "string", "", description, 0);
    }

    public static TableColumn integer(String name, String description) {
        return new TableColumn(name, "integer", "", description, 0);
    }

    public static TableColumn bool(String name, String description) {
        return new TableColumn(name, "boolean", "", description, 0);
    }

    /** The NAME column every built-in printer starts with. */
    public static TableColumn objectName() {
        return new TableColumn("Name", "string", "name", Descriptions.NAME, 0);
    }

    /** The AGE column: a {@link HumanDuration} since creationTimestamp. */
    public static TableColumn age() {
        return string("Age", Descriptions.CREATION_TIMESTAMP);
    }

    /** The same column shown only by {@code -o wide}. */
    public TableColumn wide() {
        return new TableColumn(name, type, format, description, 1);
    }

    /** Every field is written, empty or zero included, as Kubernetes' encoder does. */
    ObjectNode toJson() {
        ObjectNode json = JsonNodeFactory.instance.objectNode();
        json.put("name", name);
        json.put("type", type);
        json.put("format", format);
        json.put("description", description);
        json.put("priority", priority);
        return json;
    }
}
