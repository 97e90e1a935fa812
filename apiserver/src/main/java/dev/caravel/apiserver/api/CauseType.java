package dev.caravel.apiserver.api;

import java.util.Objects;

/**
 * The machine-readable kind of a {@link StatusCause}, metav1.CauseType. An open set: Kubernetes'
 * own constants are here, and a cause may carry any other string (server-side apply conflicts
 * name the conflicting manager's cause this way), so this is a value, not an enum.
 */
public record CauseType(String value) {

    public static final CauseType FIELD_VALUE_NOT_FOUND = new CauseType("FieldValueNotFound");
    public static final CauseType FIELD_VALUE_REQUIRED = new CauseType("FieldValueRequired");
    public static final CauseType FIELD_VALUE_DUPLICATE = new CauseType("FieldValueDuplicate");
    public static final CauseType FIELD_VALUE_INVALID = new CauseType("FieldValueInvalid");
    public static final CauseType FIELD_VALUE_NOT_SUPPORTED = new CauseType("FieldValueNotSupported");
    public static final CauseType FIELD_VALUE_FORBIDDEN = new CauseType("FieldValueForbidden");
    public static final CauseType FIELD_VALUE_TOO_LONG = new CauseType("FieldValueTooLong");
    public static final CauseType FIELD_VALUE_TOO_MANY = new CauseType("FieldValueTooMany");
    public static final CauseType INTERNAL = new CauseType("InternalError");
    public static final CauseType FIELD_VALUE_TYPE_INVALID = new CauseType("FieldValueTypeInvalid");
    public static final CauseType UNEXPECTED_SERVER_RESPONSE = new CauseType("UnexpectedServerResponse");
    /** A server-side apply conflict; the cause's field names the contested field. */
    public static final CauseType FIELD_MANAGER_CONFLICT = new CauseType("FieldManagerConflict");
    /** The resourceVersion asked for is ahead of what the server (or its watch cache) has seen. */
    public static final CauseType RESOURCE_VERSION_TOO_LARGE = new CauseType("ResourceVersionTooLarge");
    /** core/v1's NamespaceTerminatingCause, added by namespace lifecycle admission. */
    public static final CauseType NAMESPACE_TERMINATING = new CauseType("NamespaceTerminating");

    public CauseType {
        Objects.requireNonNull(value, "value");
    }

    @Override
    public String toString() {
        return value;
    }
}
