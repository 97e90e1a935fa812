package dev.caravel.apiserver.informer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What an informer's event handler was told, object by object, checked against what was written.
 *
 * <p>Kubernetes guarantees an informer, per object: versions in the order they were written,
 * never one twice, ending at the object's current version, and a delete for a deleted object.
 * It does not guarantee every intermediate version: after a relist (a 410 on resume, or an
 * informer that lists again after any watch error) the versions written in between are folded
 * into one update, and an object created and deleted between two lists is never seen at all.
 * So {@link #problems} checks the guarantees always, and
 * {@link #missedVersions} counts the folded versions for the test to require zero when the
 * informer never relisted.
 *
 * <p>An update whose old and new resourceVersion are equal is a resync notification, not an
 * event (informers deliver them on relists and resync periods), and is only counted.
 */
final class EventLedger {

    private record Seen(String type, long resourceVersion) {}

    // Guarded by this.
    private final Map<String, List<Seen>> seen = new HashMap<>();
    private final List<String> problems = new ArrayList<>();
    private int resyncs;

    synchronized void added(String name, long resourceVersion) {
        List<Seen> history = seen.computeIfAbsent(name, n -> new ArrayList<>());
        Seen last = history.isEmpty() ? null : history.getLast();
        if (last != null && !last.type().equals("DELETED")) {
            problems.add(name + ": ADDED at " + resourceVersion + " while present since " + last);
        } else if (last != null && resourceVersion <= last.resourceVersion()) {
            problems.add(name + ": ADDED at " + resourceVersion + " after " + last);
        }
        history.add(new Seen("ADDED", resourceVersion));
    }

    synchronized void updated(String name, long oldResourceVersion, long newResourceVersion) {
        if (oldResourceVersion == newResourceVersion) {
            resyncs++;
            return;
        }
        List<Seen> history = seen.computeIfAbsent(name, n -> new ArrayList<>());
        Seen last = history.isEmpty() ? null : history.getLast();
        if (last == null || last.type().equals("DELETED")) {
            problems.add(name + ": MODIFIED at " + newResourceVersion + " while absent (last " + last + ")");
        } else if (newResourceVersion <= last.resourceVersion()) {
            problems.add(name + ": MODIFIED at " + newResourceVersion + " after " + last + " (duplicate or out of order)");
        } else if (oldResourceVersion != last.resourceVersion()) {
            problems.add(name + ": MODIFIED from " + oldResourceVersion + " but the handler last saw " + last);
        }
        history.add(new Seen("MODIFIED", newResourceVersion));
    }

    /** A delete; {@code resourceVersion} is the deletion's or, if the final state is unknown, the last known one. */
    synchronized void deleted(String name, long resourceVersion) {
        List<Seen> history = seen.computeIfAbsent(name, n -> new ArrayList<>());
        Seen last = history.isEmpty() ? null : history.getLast();
        if (last == null || last.type().equals("DELETED")) {
            problems.add(name + ": DELETED while absent (last " + last + ")");
        } else if (resourceVersion < last.resourceVersion()) {
            problems.add(name + ": DELETED at " + resourceVersion + " after " + last);
        }
        history.add(new Seen("DELETED", resourceVersion));
    }

    synchronized int resyncs() {
        return resyncs;
    }

    /** Whether the last thing seen of every written object is its final state. */
    synchronized boolean caughtUpWith(ConfigMapChurn.Outcome outcome) {
        for (Map.Entry<String, ConfigMapChurn.History> e : outcome.histories().entrySet()) {
            List<Seen> history = seen.get(e.getKey());
            Seen last = history == null || history.isEmpty() ? null : history.getLast();
            ConfigMapChurn.History written = e.getValue();
            boolean current = written.deleted()
                    ? last == null || last.type().equals("DELETED")
                    : last != null && !last.type().equals("DELETED") && last.resourceVersion() == written.finalVersion();
            if (!current) {
                return false;
            }
        }
        return true;
    }

    /** Every broken guarantee: duplicates, reordering, invented versions, wrong final states, unknown objects. */
    synchronized List<String> problems(ConfigMapChurn.Outcome outcome) {
        List<String> all = new ArrayList<>(problems);
        for (Map.Entry<String, List<Seen>> e : seen.entrySet()) {
            ConfigMapChurn.History written = outcome.histories().get(e.getKey());
            if (written == null) {
                all.add(e.getKey() + ": events for an object that was never written");
                continue;
            }
            for (Seen s : e.getValue()) {
                if (!s.type().equals("DELETED") && !written.versions().contains(s.resourceVersion())) {
                    all.add(e.getKey() + ": " + s + " is not a version that was written " + written.versions());
                }
            }
        }
        for (Map.Entry<String, ConfigMapChurn.History> e : outcome.histories().entrySet()) {
            List<Seen> history = seen.getOrDefault(e.getKey(), List.of());
            Seen last = history.isEmpty() ? null : history.getLast();
            ConfigMapChurn.History written = e.getValue();
            if (written.deleted() && last == null) {
                // Created and deleted between two lists: an informer that relisted never knew it.
                // Not a broken guarantee; counted by missedVersions, which must be zero without relists.
                continue;
            }
            if (written.deleted() && !last.type().equals("DELETED")) {
                all.add(e.getKey() + ": deleted, but the handler's last event was " + last);
            } else if (!written.deleted() && (last == null || last.type().equals("DELETED")
                    || last.resourceVersion() != written.finalVersion())) {
                all.add(e.getKey() + ": at " + written.finalVersion() + ", but the handler's last event was " + last);
            }
        }
        return all;
    }

    /** Written versions (creates and updates) the handler never saw. */
    synchronized int missedVersions(ConfigMapChurn.Outcome outcome) {
        int missed = 0;
        for (Map.Entry<String, ConfigMapChurn.History> e : outcome.histories().entrySet()) {
            List<Long> observed = seen.getOrDefault(e.getKey(), List.of()).stream()
                    .filter(s -> !s.type().equals("DELETED")).map(Seen::resourceVersion).toList();
            for (long version : e.getValue().versions()) {
                if (!observed.contains(version)) {
                    missed++;
                }
            }
        }
        return missed;
    }
}
