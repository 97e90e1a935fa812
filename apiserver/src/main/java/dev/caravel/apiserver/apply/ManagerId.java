package dev.caravel.apiserver.apply;

import dev.caravel.apiserver.api.GoQuote;

import java.util.Objects;

/**
 * Who owns a set of fields: Kubernetes keeps one managedFields entry per manager name, operation,
 * API version (for updaters only: an applier keeps one entry whatever version it applies with)
 * and subresource.
 */
public record ManagerId(String manager, Operation operation, String apiVersion, String subresource) {

    /** How the manager wrote: by apply, or by any other write (create, update, patch). */
    public enum Operation {
        APPLY("Apply"), UPDATE("Update");

        private final String wireName;

        Operation(String wireName) {
            this.wireName = wireName;
        }

        public String wireName() {
            return wireName;
        }

        public static Operation fromWireName(String name) {
            for (Operation o : values()) {
                if (o.wireName.equals(name)) {
                    return o;
                }
            }
            throw new IllegalArgumentException("operation must be `Apply` or `Update`");
        }
    }

    public ManagerId {
        manager = manager == null ? "" : manager;
        Objects.requireNonNull(operation, "operation");
        apiVersion = operation == Operation.APPLY || apiVersion == null ? "" : apiVersion;
        subresource = subresource == null ? "" : subresource;
    }

    public static ManagerId apply(String manager, String subresource) {
        return new ManagerId(manager, Operation.APPLY, "", subresource);
    }

    public static ManagerId update(String manager, String apiVersion, String subresource) {
        return new ManagerId(manager, Operation.UPDATE, apiVersion, subresource);
    }

    /**
     * Kubernetes' manager identifier, the entry without fields and time as Go marshals it; conflict
     * messages list managers in the order of these strings.
     */
    String identifier() {
        StringBuilder b = new StringBuilder("{");
        appendMember(b, "manager", manager);
        appendMember(b, "operation", operation.wireName());
        appendMember(b, "apiVersion", apiVersion);
        appendMember(b, "subresource", subresource);
        return b.append('}').toString();
    }

    private static void appendMember(StringBuilder b, String name, String value) {
        if (value.isEmpty()) {
            return;
        }
        if (b.length() > 1) {
            b.append(',');
        }
        b.append('"').append(name).append("\":").append(GoQuote.quote(value));
    }

    /**
     * As Kubernetes names the manager in a conflict: {@code "kubectl"} for an applier,
     * {@code "kube-controller-manager" using apps/v1} for an updater, with
     * {@code with subresource "status"} after the name when it wrote through one.
     */
    public String display() {
        String text = GoQuote.quote(manager);
        if (!subresource.isEmpty()) {
            text = text + " with subresource " + GoQuote.quote(subresource);
        }
        if (operation == Operation.UPDATE) {
            text = text + " using " + apiVersion;
        }
        return text;
    }
}
