package dev.caravel.apiserver.api;

/**
 * One reason a request failed, metav1.StatusCause. Serialized as {@code {"reason":..., "message":...,
 * "field":...}} (the type goes under "reason"), each member omitted when empty.
 *
 * @param type    may be null: Kubernetes' internal errors carry a cause with only a message
 * @param message may be empty
 * @param field   the field path ({@code spec.containers[0].image}); may be empty
 */
public record StatusCause(CauseType type, String message, String field) {

    public StatusCause {
        message = message == null ? "" : message;
        field = field == null ? "" : field;
    }

    public static StatusCause of(CauseType type, String message) {
        return new StatusCause(type, message, "");
    }
}
