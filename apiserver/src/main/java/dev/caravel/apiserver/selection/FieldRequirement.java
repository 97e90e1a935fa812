package dev.caravel.apiserver.selection;

import java.util.Objects;

/**
 * One term of a field selector: {@code field=value} or {@code field!=value}. A missing field reads
 * as the empty string, as in Kubernetes.
 */
public record FieldRequirement(String field, Operator operator, String value) {

    public enum Operator {
        /** {@code =} or {@code ==}, which Kubernetes treats alike. */
        EQUALS,
        NOT_EQUALS
    }

    public FieldRequirement {
        Objects.requireNonNull(field, "field");
        Objects.requireNonNull(operator, "operator");
        Objects.requireNonNull(value, "value");
    }

    public boolean matches(String actual) {
        String have = actual == null ? "" : actual;
        return operator == Operator.EQUALS ? have.equals(value) : !have.equals(value);
    }

    /** {@code field=value} with the value escaped, as Kubernetes prints a term. */
    @Override
    public String toString() {
        return field + (operator == Operator.EQUALS ? "=" : "!=") + FieldSelector.escapeValue(value);
    }
}
