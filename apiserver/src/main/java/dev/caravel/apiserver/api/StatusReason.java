package dev.caravel.apiserver.api;

import java.util.HashMap;
import java.util.Map;

/**
 * Why a request failed, as metav1.StatusReason spells it on the wire. Clients switch on these
 * strings ({@code apierrors.IsNotFound}, {@code IsConflict}...), so each one is paired with the
 * HTTP code Kubernetes' own constructors send it with.
 */
public enum StatusReason {
    /** No reason given; serialized by omitting the field. */
    UNKNOWN("", 500),
    UNAUTHORIZED("Unauthorized", 401),
    FORBIDDEN("Forbidden", 403),
    NOT_FOUND("NotFound", 404),
    ALREADY_EXISTS("AlreadyExists", 409),
    CONFLICT("Conflict", 409),
    /** Deprecated by Kubernetes in favour of {@link #EXPIRED}; still recognized by clients. */
    GONE("Gone", 410),
    INVALID("Invalid", 422),
    /** A transient failure to complete the operation; Kubernetes sends it with code 500 and a retry delay. */
    SERVER_TIMEOUT("ServerTimeout", 500),
    /** Stored data could not be read or decoded (a corrupt object); 500. */
    STORE_READ_ERROR("StorageReadError", 500),
    TIMEOUT("Timeout", 504),
    TOO_MANY_REQUESTS("TooManyRequests", 429),
    BAD_REQUEST("BadRequest", 400),
    METHOD_NOT_ALLOWED("MethodNotAllowed", 405),
    NOT_ACCEPTABLE("NotAcceptable", 406),
    REQUEST_ENTITY_TOO_LARGE("RequestEntityTooLarge", 413),
    UNSUPPORTED_MEDIA_TYPE("UnsupportedMediaType", 415),
    INTERNAL_ERROR("InternalError", 500),
    EXPIRED("Expired", 410),
    SERVICE_UNAVAILABLE("ServiceUnavailable", 503);

    private static final Map<String, StatusReason> BY_WIRE_NAME = new HashMap<>();

    static {
        for (StatusReason reason : values()) {
            BY_WIRE_NAME.put(reason.wireName, reason);
        }
    }

    private final String wireName;
    private final int code;

    StatusReason(String wireName, int code) {
        this.wireName = wireName;
        this.code = code;
    }

    /** The string clients read in {@code reason}; empty for {@link #UNKNOWN}. */
    public String wireName() {
        return wireName;
    }

    /** The HTTP code Kubernetes sends with this reason. */
    public int code() {
        return code;
    }

    /** The reason for a wire string; an unrecognized string is {@link #UNKNOWN}, as clients treat it. */
    public static StatusReason fromWireName(String wireName) {
        if (wireName == null) {
            return UNKNOWN;
        }
        return BY_WIRE_NAME.getOrDefault(wireName, UNKNOWN);
    }

    @Override
    public String toString() {
        return wireName;
    }
}
