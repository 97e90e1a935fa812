package dev.caravel.apiserver.request;

/** How a list's resourceVersion is read, metav1.ResourceVersionMatch. */
public enum ResourceVersionMatch {
    /** Data at least as new as the resourceVersion. */
    NOT_OLDER_THAN("NotOlderThan"),
    /** Data at exactly the resourceVersion. */
    EXACT("Exact");

    private final String wireName;

    ResourceVersionMatch(String wireName) {
        this.wireName = wireName;
    }

    public String wireName() {
        return wireName;
    }

    /** The match for a wire string (case-sensitive, as Kubernetes compares it), or null. */
    static ResourceVersionMatch fromWireName(String s) {
        for (ResourceVersionMatch m : values()) {
            if (m.wireName.equals(s)) {
                return m;
            }
        }
        return null;
    }
}
