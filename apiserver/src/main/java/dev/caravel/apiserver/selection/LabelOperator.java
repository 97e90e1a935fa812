package dev.caravel.apiserver.selection;

/** The operators of a label requirement, Kubernetes' selection.Operator with its wire spelling. */
public enum LabelOperator {
    EQUALS("="),
    DOUBLE_EQUALS("=="),
    NOT_EQUALS("!="),
    IN("in"),
    NOT_IN("notin"),
    EXISTS("exists"),
    DOES_NOT_EXIST("!"),
    GREATER_THAN("gt"),
    LESS_THAN("lt");

    private final String text;

    LabelOperator(String text) {
        this.text = text;
    }

    /** selection.Operator's string, as error messages print it. */
    public String text() {
        return text;
    }

    /** True when a matching object must carry one of the requirement's values: an index can serve it. */
    public boolean selectsValues() {
        return this == EQUALS || this == DOUBLE_EQUALS || this == IN;
    }
}
