package dev.caravel.audit.analysis;

import dev.caravel.audit.event.AuditEvent;
import java.util.Arrays;
import java.util.stream.Collectors;

/** What requests are grouped by. A missing attribute groups under {@link #NONE}. */
public enum GroupBy {
    USER("user"),
    USER_AGENT("userAgent"),
    VERB("verb"),
    /** The resource, with its subresource when there is one ({@code pods/log}): a log read is not a pod list. */
    RESOURCE("resource"),
    NAMESPACE("namespace");

    /** The key of requests that lack the attribute: no user agent, non-resource URLs, cluster-scoped objects. */
    public static final String NONE = "(none)";

    private final String optionName;

    GroupBy(String optionName) {
        this.optionName = optionName;
    }

    /** The name used on the command line and in JSON output. */
    public String optionName() {
        return optionName;
    }

    public String keyOf(AuditEvent event) {
        String key = switch (this) {
            case USER -> event.effectiveUsername();
            case USER_AGENT -> event.userAgent();
            case VERB -> event.verb();
            case RESOURCE -> resourceOf(event);
            case NAMESPACE -> event.objectNamespace();
        };
        return key == null || key.isEmpty() ? NONE : key;
    }

    static String resourceOf(AuditEvent event) {
        String resource = event.objectResource();
        String sub = event.objectSubresource();
        if (resource == null || sub == null || sub.isEmpty()) {
            return resource;
        }
        return resource + "/" + sub;
    }

    public static GroupBy fromOptionName(String name) {
        for (GroupBy g : values()) {
            if (g.optionName.equalsIgnoreCase(name)) {
                return g;
            }
        }
        throw new IllegalArgumentException("unknown grouping '" + name + "', expected one of "
                + Arrays.stream(values()).map(GroupBy::optionName).collect(Collectors.joining(", ")));
    }
}
