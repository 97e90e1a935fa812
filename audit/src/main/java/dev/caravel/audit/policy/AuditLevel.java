package dev.caravel.audit.policy;

/**
 * How much of a request an audit event records, in increasing order (audit.k8s.io/v1 {@code Level}).
 * {@link #NONE} writes no event at all.
 */
public enum AuditLevel {
    NONE("None"),
    METADATA("Metadata"),
    REQUEST("Request"),
    REQUEST_RESPONSE("RequestResponse");

    private final String wireName;

    AuditLevel(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** True if this level records at least what {@code other} records (Request includes Metadata...). */
    public boolean includes(AuditLevel other) {
        return compareTo(other) >= 0;
    }

    /** The level with this wire name, or null if there is none (names are case-sensitive, as in Go). */
    public static AuditLevel fromWireName(String name) {
        for (AuditLevel level : values()) {
            if (level.wireName.equals(name)) {
                return level;
            }
        }
        return null;
    }
}
