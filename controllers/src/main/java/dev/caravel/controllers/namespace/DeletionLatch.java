package dev.caravel.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;

/**
 * The deletion latch, Caravel's addition to Kubernetes' namespace deletion (decision 0025): a
 * deletion whose content has been blocked for longer than a limit (discovery of a group failing,
 * a group version that does not parse, content that cannot be deleted) is not finished silently
 * once the block lifts. At the first pass past the limit the controller latches the namespace:
 * it writes {@value #LATCHED} True, emits an Event, and from then on deletes nothing and does not
 * finalize, until someone confirms by setting the annotation {@value #CONFIRM_ANNOTATION} to a
 * time at or after the moment the latch engaged.
 *
 * <p>Everything it needs survives a restart of the controller because it lives in the namespace:
 * "blocked since" is the {@code lastTransitionTime} of {@value #BLOCKED} (True while passes fail;
 * it moves only when the status flips), "latched since" that of {@value #LATCHED}, and the
 * confirmation is the annotation's time. A confirmation also restarts the clock: a block that
 * goes on after it latches again only after another full limit.
 *
 * <p>This class decides; the controller reads the namespace and writes what it decides.
 */
final class DeletionLatch {

    static final String BLOCKED = "NamespaceDeletionBlocked";
    static final String LATCHED = "NamespaceDeletionLatched";
    static final String CONFIRM_ANNOTATION = "caravel.dev/confirm-deletion";
    /** The Event's reason when the latch engages, and when a confirmation releases it. */
    static final String LATCHED_EVENT = "NamespaceDeletionLatched";
    static final String CONFIRMED_EVENT = "NamespaceDeletionConfirmed";

    /** What a pass does about the latch before it touches any content. */
    enum Action {
        /** Delete content as usual (with, maybe, a condition to write saying a confirmation released the latch). */
        PROCEED,
        /** Latched and not confirmed: touch nothing. */
        HOLD,
        /** Blocked too long: write the latched condition, emit the Event, touch nothing. */
        ENGAGE
    }

    /**
     * @param latched the {@value #LATCHED} condition to write, when the verdict changes it
     */
    record Verdict(Action action, Optional<NamespaceCondition> latched) {
    }

    private final Duration limit;

    /** @param limit how long a deletion may stay blocked before it latches; zero turns the latch off */
    DeletionLatch(Duration limit) {
        if (limit.isNegative()) {
            throw new IllegalArgumentException("the deletion latch's limit must not be negative: " + limit);
        }
        this.limit = limit;
    }

    boolean enabled() {
        return !limit.isZero();
    }

    Duration limit() {
        return limit;
    }

    /**
     * The latch's verdict on a namespace before a pass. A latch that engaged holds until it is
     * confirmed even when the latch has since been turned off: it is a person's decision the
     * namespace waits for, and restarting the controller with other flags is not one.
     */
    Verdict check(JsonNode namespace, Instant now) {
        List<NamespaceCondition> conditions = NamespaceCondition.of(namespace);
        Optional<Instant> confirmed = confirmation(namespace);
        Optional<NamespaceCondition> latched = NamespaceCondition.find(conditions, LATCHED).filter(NamespaceCondition::isTrue);
        if (latched.isPresent()) {
            Instant latchedAt = latched.get().lastTransitionTime() == null ? Instant.EPOCH : latched.get().lastTransitionTime();
            if (confirmed.isPresent() && !confirmed.get().isBefore(latchedAt)) {
                return new Verdict(Action.PROCEED, Optional.of(new NamespaceCondition(LATCHED, NamespaceCondition.FALSE,
                        "DeletionConfirmed", "The deletion was confirmed at " + confirmed.get() + " (annotation "
                        + CONFIRM_ANNOTATION + "), after the latch engaged at " + latchedAt
                        + "; the namespace's content is deleted again", now)));
            }
            return new Verdict(Action.HOLD, Optional.empty());
        }
        if (!enabled()) {
            return new Verdict(Action.PROCEED, Optional.empty());
        }
        Optional<NamespaceCondition> blocked = NamespaceCondition.find(conditions, BLOCKED)
                .filter(c -> c.isTrue() && c.lastTransitionTime() != null);
        if (blocked.isEmpty()) {
            return new Verdict(Action.PROCEED, Optional.empty());
        }
        Instant blockedSince = blocked.get().lastTransitionTime();
        Instant since = blockedSince;
        if (confirmed.isPresent() && confirmed.get().isAfter(since)) {
            since = confirmed.get(); // a confirmation restarts the clock
        }
        Duration blockedFor = Duration.between(since, now);
        if (blockedFor.compareTo(limit) < 0) {
            return new Verdict(Action.PROCEED, Optional.empty());
        }
        String name = namespace.path("metadata").path("name").asText();
        Instant latchedAt = now.truncatedTo(ChronoUnit.SECONDS);
        String counted = since.equals(blockedSince) ? "" : ", counted from the confirmation at " + since;
        String message = "The deletion of namespace " + name + " has been blocked since " + blockedSince + " (for "
                + GoDurations.format(blockedFor) + counted + ", longer than the latch's " + GoDurations.format(limit) + ") by: "
                + blocked.get().message() + ". Content that could not be deleted then is not deleted now, and the namespace"
                + " is not finalized, until the deletion is confirmed: set the annotation " + CONFIRM_ANNOTATION
                + " to a time at or after " + latchedAt + ", e.g. kubectl annotate namespace " + name + " "
                + CONFIRM_ANNOTATION + "=$(date -u +%Y-%m-%dT%H:%M:%SZ) --overwrite";
        return new Verdict(Action.ENGAGE, Optional.of(new NamespaceCondition(LATCHED, NamespaceCondition.TRUE,
                "BlockedTooLong", message, latchedAt)));
    }

    /** {@value #BLOCKED} as one pass saw it. */
    NamespaceCondition blocked(DeletionReport report) {
        if (report.failed()) {
            return new NamespaceCondition(BLOCKED, NamespaceCondition.TRUE, "ContentDeletionBlocked", report.blockSummary(), null);
        }
        return new NamespaceCondition(BLOCKED, NamespaceCondition.FALSE, "NotBlocked",
                "The deletion of the namespace's content is not blocked", null);
    }

    /** {@value #LATCHED} before the latch ever engaged. */
    NamespaceCondition notLatched() {
        return new NamespaceCondition(LATCHED, NamespaceCondition.FALSE, "NotLatched",
                "The deletion has not been blocked for longer than " + GoDurations.format(limit), null);
    }

    /** The annotation's time; an unreadable value confirms nothing. */
    static Optional<Instant> confirmation(JsonNode namespace) {
        String value = namespace.path("metadata").path("annotations").path(CONFIRM_ANNOTATION).asText("").strip();
        if (value.isEmpty()) {
            return Optional.empty();
        }
        try {
            return Optional.of(OffsetDateTime.parse(value).toInstant());
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
