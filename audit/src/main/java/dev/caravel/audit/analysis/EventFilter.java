package dev.caravel.audit.analysis;

import dev.caravel.audit.event.AuditEvent;
import java.util.Set;

/**
 * Which requests count. Attribute sets are exact matches and empty means any; a resource matches
 * by name ({@code pods}) or with its subresource ({@code pods/log}).
 *
 * <p>The time window is half-open, [since, until). A request counts if its interval overlaps the
 * window, and only the overlapping part adds to query time: a 10-minute window that cuts a
 * 4-second list in half gets 2 seconds of it, which keeps the window's concurrency honest.
 *
 * @param sinceMicros {@link Long#MIN_VALUE} for no lower bound
 * @param untilMicros {@link Long#MAX_VALUE} for no upper bound
 */
public record EventFilter(long sinceMicros, long untilMicros, Set<String> users, Set<String> verbs,
                          Set<String> resources) {

    public EventFilter {
        if (sinceMicros >= untilMicros) {
            throw new IllegalArgumentException("the window's start must be before its end");
        }
        users = Set.copyOf(users);
        verbs = Set.copyOf(verbs);
        resources = Set.copyOf(resources);
    }

    public static EventFilter none() {
        return new EventFilter(Long.MIN_VALUE, Long.MAX_VALUE, Set.of(), Set.of(), Set.of());
    }

    public EventFilter withWindow(long since, long until) {
        return new EventFilter(since, until, users, verbs, resources);
    }

    public EventFilter withUsers(Set<String> newUsers) {
        return new EventFilter(sinceMicros, untilMicros, newUsers, verbs, resources);
    }

    public EventFilter withVerbs(Set<String> newVerbs) {
        return new EventFilter(sinceMicros, untilMicros, users, newVerbs, resources);
    }

    public EventFilter withResources(Set<String> newResources) {
        return new EventFilter(sinceMicros, untilMicros, users, verbs, newResources);
    }

    public boolean hasSince() {
        return sinceMicros != Long.MIN_VALUE;
    }

    public boolean hasUntil() {
        return untilMicros != Long.MAX_VALUE;
    }

    /** User, verb and resource match. */
    public boolean matchesAttributes(AuditEvent event) {
        if (!users.isEmpty() && !users.contains(event.effectiveUsername())) {
            return false;
        }
        if (!verbs.isEmpty() && !verbs.contains(event.verb())) {
            return false;
        }
        if (!resources.isEmpty() && !resources.contains(event.objectResource())
                && !resources.contains(GroupBy.resourceOf(event))) {
            return false;
        }
        return true;
    }

    /** True if [start, end) overlaps the window; a zero-length request counts if its instant is inside. */
    public boolean overlaps(long start, long end) {
        return start < untilMicros && (end > sinceMicros || start >= sinceMicros);
    }
}
