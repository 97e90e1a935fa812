package dev.caravel.audit.writer;

/** How a request waits for its audit events, named as kube-apiserver's --audit-*-mode values. */
public enum BufferMode {
    /** The request waits for space in the buffer, up to a bound; if still full the event is dropped and counted. */
    BLOCKING("blocking"),
    /** The request never waits: a full buffer drops the event and counts it. */
    BATCH("batch"),
    /** The request waits until the event is written; if it is not, the request fails. */
    BLOCKING_STRICT("blocking-strict");

    private final String flagValue;

    BufferMode(String flagValue) {
        this.flagValue = flagValue;
    }

    public String flagValue() {
        return flagValue;
    }

    public static BufferMode fromFlag(String value) {
        for (BufferMode mode : values()) {
            if (mode.flagValue.equals(value)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown audit mode \"" + value
                + "\", expected blocking, batch or blocking-strict");
    }
}
