package dev.caravel.apiserver.printer;

/**
 * Column descriptions shared by many printers. Kubernetes fills these from its field
 * documentation; clients never read them (kubectl only prints names), so ours are short
 * paraphrases in our own words rather than copies of that prose.
 */
final class Descriptions {

    static final String NAME = "Name of the object, unique within its namespace (or cluster for cluster-scoped kinds).";
    static final String CREATION_TIMESTAMP = "When the server created the object, shown relative to now.";
    static final String CREATED_AT = "When the server created the object, in UTC (RFC 3339).";
    static final String CONTAINERS = "Names of the containers of the pod template.";
    static final String IMAGES = "Images of the containers of the pod template.";
    static final String SELECTOR = "Label query over the pods this object manages.";

    private Descriptions() {
    }
}
