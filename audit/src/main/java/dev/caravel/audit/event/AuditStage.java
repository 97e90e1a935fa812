package dev.caravel.audit.event;

/**
 * The stage of request handling at which an audit event was written. One request produces up
 * to three events (RequestReceived, ResponseStarted for long-running requests, then
 * ResponseComplete), or a Panic event instead of ResponseComplete when the handler panicked.
 */
public enum AuditStage {
    REQUEST_RECEIVED("RequestReceived"),
    RESPONSE_STARTED("ResponseStarted"),
    RESPONSE_COMPLETE("ResponseComplete"),
    PANIC("Panic");

    private final String wireName;

    AuditStage(String wireName) {
        this.wireName = wireName;
    }

    /** The name as written in the event's {@code stage} field. */
    public String wireName() {
        return wireName;
    }

    /** True for the stage that ends a request: its stageTimestamp is when the server let go of it. */
    public boolean endsRequest() {
        return this == RESPONSE_COMPLETE || this == PANIC;
    }

    /** The stage with this wire name, or null if there is none. */
    public static AuditStage fromWireName(String name) {
        return switch (name) {
            case "RequestReceived" -> REQUEST_RECEIVED;
            case "ResponseStarted" -> RESPONSE_STARTED;
            case "ResponseComplete" -> RESPONSE_COMPLETE;
            case "Panic" -> PANIC;
            default -> null;
        };
    }
}
