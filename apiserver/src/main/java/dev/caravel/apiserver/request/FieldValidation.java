package dev.caravel.apiserver.request;

import java.util.List;

/** What the server does with unknown or duplicate fields in a write, metav1's fieldValidation directive. */
public enum FieldValidation {
    /** Drop them silently. */
    IGNORE("Ignore"),
    /** Drop them and say so in Warning headers; Kubernetes' default when the parameter is absent. */
    WARN("Warn"),
    /** Reject the request. */
    STRICT("Strict");

    /** The values Kubernetes lists when refusing another, sorted as its string set sorts them. */
    static final List<String> SUPPORTED = List.of("", "Ignore", "Strict", "Warn");

    private final String wireName;

    FieldValidation(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The directive for a query value (case-sensitive); "" or null is {@link #WARN}; anything else null. */
    static FieldValidation fromWireName(String s) {
        if (s == null || s.isEmpty()) {
            return WARN;
        }
        for (FieldValidation v : values()) {
            if (v.wireName.equals(s)) {
                return v;
            }
        }
        return null;
    }
}
