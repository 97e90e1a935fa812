package dev.caravel.apiserver.request;

/** How a delete treats the object's dependents, metav1.DeletionPropagation. */
public enum PropagationPolicy {
    /** Dependents are left, their owner references removed. */
    ORPHAN("Orphan"),
    /** The object goes now; the garbage collector deletes dependents after. */
    BACKGROUND("Background"),
    /** The object stays (with the foregroundDeletion finalizer) until its blocking dependents are gone. */
    FOREGROUND("Foreground");

    private final String wireName;

    PropagationPolicy(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    static PropagationPolicy fromWireName(String s) {
        for (PropagationPolicy p : values()) {
            if (p.wireName.equals(s)) {
                return p;
            }
        }
        return null;
    }
}
