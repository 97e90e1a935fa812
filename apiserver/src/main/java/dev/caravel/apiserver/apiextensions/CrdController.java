package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.cache.CacheWatcher;
import dev.caravel.apiserver.cache.CachedObject;
import dev.caravel.apiserver.cache.WatchCache;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.request.DeleteOptions;
import dev.caravel.apiserver.request.ListOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * The CRD controllers of apiextensions-apiserver in one in-process loop, reacting to writes of
 * {@code customresourcedefinitions} through their watch cache:
 * <ul>
 *   <li>naming ({@code pkg/controller/status}): {@code status.acceptedNames} and the
 *       NamesAccepted condition, a name another CRD of the group holds being a conflict
 *       (PluralConflict, SingularConflict, ShortNamesConflict, KindConflict, ListKindConflict);</li>
 *   <li>establishing ({@code pkg/controller/establish}): Established once the names are accepted;
 *       an established CRD's served versions are then put in the resource catalogue, so discovery,
 *       OpenAPI and the REST paths serve them;</li>
 *   <li>finalizing ({@code pkg/controller/finalizer}): a deleted CRD's instances are deleted,
 *       then its cleanup finalizer removed (the store then deletes it), then it leaves the
 *       catalogue and its watch caches close.</li>
 * </ul>
 * A CRD whose reconciliation fails is retried with a growing delay. One thread reconciles, so
 * CRDs are handled one at a time, in the order their changes came.
 */
final class CrdController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CrdController.class);
    private static final String MANAGER = "kube-apiserver";
    private static final Duration MAX_RETRY = Duration.ofSeconds(10);
    /** How long a finalizing CRD waits for instances kept by finalizers before it looks again. */
    private static final Duration INSTANCES_REMAINING_RETRY = Duration.ofSeconds(1);

    private final GenericStore crds;
    private final ServedTypes served;
    private final Clock clock;
    private final Object lock = new Object();
    /** Guarded by lock: names to reconcile, in arrival order, each once. */
    private final LinkedHashSet<String> queue = new LinkedHashSet<>();
    private final java.util.Map<String, Integer> failures = new java.util.concurrent.ConcurrentHashMap<>();
    private final ScheduledExecutorService retries;
    private volatile boolean closed;
    private Thread watcher;
    private Thread worker;

    CrdController(GenericStore crds, ServedTypes served, Clock clock) {
        this.crds = Objects.requireNonNull(crds, "crds");
        this.served = Objects.requireNonNull(served, "served");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.retries = Executors.newSingleThreadScheduledExecutor(r -> Thread.ofPlatform().daemon()
                .name("caravel-crd-retries").unstarted(r));
    }

    /**
     * Serves the established CRDs in storage at once, before the server answers anyone: after a
     * restart, custom resources are there from the first request.
     */
    void serveStored() {
        ObjectNode list = crds.list("", ListOptions.defaults());
        for (JsonNode item : list.path("items")) {
            if (CustomResources.isTrue(item, "Established") && !item.path("metadata").hasNonNull("deletionTimestamp")) {
                try {
                    served.install(item);
                } catch (RuntimeException e) {
                    LOG.warn("apiextensions.crd-controller: CRD {} not served at start: {}",
                            item.path("metadata").path("name").asText(), e.toString());
                }
            }
        }
    }

    /** Starts watching CRDs and reconciling them. */
    void start() {
        watcher = Thread.ofPlatform().daemon().name("caravel-crd-watch").start(this::watchLoop);
        worker = Thread.ofPlatform().daemon().name("caravel-crd-controller").start(this::workLoop);
    }

    private void watchLoop() {
        while (!closed) {
            WatchCache cache = crds.reads().cache();
            try (CacheWatcher w = cache.watch(crds.reads().selection(crds.keys().prefix(""), ListOptions.defaults()),
                    true, WatchCache.NOW, false)) {
                Set<String> present = new HashSet<>();
                for (CachedObject o : w.initialObjects()) {
                    present.add(o.name());
                    enqueue(o.name());
                }
                // CRDs served but gone while no watch ran (a cut watch) are reconciled too.
                for (String name : served.crdNames()) {
                    if (!present.contains(name)) {
                        enqueue(name);
                    }
                }
                while (!closed) {
                    CacheWatcher.Item item = w.poll(TimeUnit.MILLISECONDS.toNanos(500));
                    if (item instanceof CacheWatcher.Event e) {
                        // a CRD is cluster-scoped: its key is the prefix and its name
                        enqueue(e.event().key().substring(crds.keys().prefix("").length()));
                    } else if (item instanceof CacheWatcher.Ended || w.isTerminated()) {
                        break;
                    }
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("apiextensions.crd-controller: the watch of customresourcedefinitions ended, watching again: {}", e.toString());
                sleep(Duration.ofMillis(200));
            }
        }
    }

    private void enqueue(String name) {
        synchronized (lock) {
            queue.add(name);
            lock.notifyAll();
        }
    }

    private void workLoop() {
        while (!closed) {
            String name;
            synchronized (lock) {
                while (queue.isEmpty() && !closed) {
                    try {
                        lock.wait(1000);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                name = queue.iterator().next();
                queue.remove(name);
            }
            try {
                reconcile(name);
                failures.remove(name);
            } catch (RuntimeException e) {
                int count = failures.merge(name, 1, Integer::sum);
                long delay = Math.min(MAX_RETRY.toMillis(), 50L << Math.min(count, 10));
                LOG.warn("apiextensions.crd-controller: CRD {}: reconcile failed (attempt {}), retrying in {} ms: {}",
                        name, count, delay, e.toString());
                retryLater(name, delay);
            }
        }
    }

    private void retryLater(String name, long delayMillis) {
        if (!closed) {
            retries.schedule(() -> enqueue(name), delayMillis, TimeUnit.MILLISECONDS);
        }
    }

    /** Brings one CRD's status and serving in line with its spec. */
    void reconcile(String name) {
        ObjectNode crd;
        try {
            crd = crds.get("", name);
        } catch (StatusException e) {
            if (e.code() != 404) {
                throw e;
            }
            if (served.uninstall(name)) {
                LOG.info("apiextensions.crd-controller: CRD {} deleted: its resources are no longer served", name);
            }
            // The names it held are free: the CRDs that wanted them may now have them.
            requeueNotAccepted();
            return;
        }
        if (crd.path("metadata").hasNonNull("deletionTimestamp")) {
            finalizeDeletion(crd);
            return;
        }
        if (updateNames(crd)) {
            return; // the status write comes back as an event
        }
        if (CustomResources.isTrue(crd, "NamesAccepted") && !CustomResources.isTrue(crd, "Established")) {
            // Served first, then Established: a client that waited for the condition finds the
            // resource in discovery at once (the reference serves a CRD whose names are accepted).
            served.install(crd);
            writeStatus(name, live -> CrdStrategy.setCondition(live, "Established", "True", "InitialNamesAccepted",
                    "the initial names have been accepted", clock.instant()));
            return;
        }
        if (CustomResources.isTrue(crd, "Established")) {
            if (served.install(crd)) {
                LOG.info("apiextensions.crd-controller: CRD {} established: serving {}", name,
                        CustomResources.read(crd).servedVersions().stream().map(CustomResources.Version::name).toList());
            }
        }
    }

    private void requeueNotAccepted() {
        for (JsonNode item : crds.list("", ListOptions.defaults()).path("items")) {
            if (!CustomResources.isTrue(item, "NamesAccepted")) {
                enqueue(item.path("metadata").path("name").asText());
            }
        }
    }

    // ---- naming ---------------------------------------------------------------------------------

    /** The naming controller's sync; true when it wrote the status. */
    private boolean updateNames(ObjectNode crd) {
        JsonNode spec = crd.path("spec");
        String group = spec.path("group").asText("");
        String name = crd.path("metadata").path("name").asText("");
        Set<String> usedResources = new HashSet<>();
        Set<String> usedKinds = new HashSet<>();
        for (JsonNode other : crds.list("", ListOptions.defaults()).path("items")) {
            if (other.path("metadata").path("name").asText().equals(name)
                    || !other.path("spec").path("group").asText().equals(group)) {
                continue;
            }
            JsonNode accepted = other.path("status").path("acceptedNames");
            usedResources.add(accepted.path("plural").asText(""));
            usedResources.add(accepted.path("singular").asText(""));
            accepted.path("shortNames").forEach(s -> usedResources.add(s.asText()));
            usedKinds.add(accepted.path("kind").asText(""));
            usedKinds.add(accepted.path("listKind").asText(""));
        }
        usedResources.remove("");
        usedKinds.remove("");
        JsonNode requested = spec.path("names");
        JsonNode accepted = crd.path("status").path("acceptedNames");
        ObjectNode newNames = accepted.isObject() ? ((ObjectNode) accepted).deepCopy() : CustomResources.JSON.createObjectNode();
        String reason = "NoConflicts";
        String message = "no conflicts found";
        String conflict;
        if ((conflict = fresh(requested, accepted, "plural", usedResources)) != null) {
            reason = "PluralConflict";
            message = conflict;
        } else {
            newNames.put("plural", requested.path("plural").asText(""));
        }
        if ((conflict = fresh(requested, accepted, "singular", usedResources)) != null) {
            reason = "SingularConflict";
            message = conflict;
        } else {
            newNames.put("singular", requested.path("singular").asText(""));
        }
        String shortNameConflict = null;
        List<String> acceptedShortNames = CustomResources.strings(accepted.path("shortNames"));
        for (JsonNode s : requested.path("shortNames")) {
            if (!acceptedShortNames.contains(s.asText()) && usedResources.contains(s.asText())) {
                shortNameConflict = "\"" + s.asText() + "\" is already in use";
                break;
            }
        }
        if (shortNameConflict != null) {
            reason = "ShortNamesConflict";
            message = shortNameConflict;
        } else if (requested.has("shortNames")) {
            newNames.set("shortNames", requested.get("shortNames").deepCopy());
        } else {
            newNames.remove("shortNames");
        }
        if ((conflict = fresh(requested, accepted, "kind", usedKinds)) != null) {
            reason = "KindConflict";
            message = conflict;
        } else {
            newNames.put("kind", requested.path("kind").asText(""));
        }
        if ((conflict = fresh(requested, accepted, "listKind", usedKinds)) != null) {
            reason = "ListKindConflict";
            message = conflict;
        } else {
            newNames.put("listKind", requested.path("listKind").asText(""));
        }
        if (requested.has("categories")) {
            newNames.set("categories", requested.get("categories").deepCopy());
        } else {
            newNames.remove("categories");
        }
        boolean accepting = reason.equals("NoConflicts");
        String acceptedStatus = accepting ? "True" : "False";
        String finalReason = reason;
        String finalMessage = message;
        boolean namesChanged = !newNames.equals(accepted);
        JsonNode current = CustomResources.condition(crd, "NamesAccepted");
        boolean conditionChanged = !current.path("status").asText().equals(acceptedStatus)
                || !current.path("reason").asText().equals(reason) || !current.path("message").asText().equals(message);
        boolean establishedMissing = !CustomResources.condition(crd, "Established").isObject();
        if (!namesChanged && !conditionChanged && !(establishedMissing && accepting)) {
            return false;
        }
        writeStatus(name, live -> {
            live.withObjectProperty("status").set("acceptedNames", newNames);
            CrdStrategy.setCondition(live, "NamesAccepted", acceptedStatus, finalReason, finalMessage, clock.instant());
            if (!CustomResources.isTrue(live, "Established")) {
                if (accepting) {
                    CrdStrategy.setCondition(live, "Established", "False", "Installing",
                            "the initial names have been accepted", clock.instant());
                } else {
                    CrdStrategy.setCondition(live, "Established", "False", "NotAccepted", "not all names are accepted",
                            clock.instant());
                }
            }
            return true;
        });
        if (!accepting) {
            LOG.info("apiextensions.crd-controller: CRD {}: names not accepted: {} ({})", name, finalMessage, finalReason);
        }
        return true;
    }

    /** The reference's equalToAcceptedOrFresh: null when the requested name may be taken, else why not. */
    private static String fresh(JsonNode requested, JsonNode accepted, String field, Set<String> used) {
        String want = requested.path(field).asText("");
        if (want.equals(accepted.path(field).asText("")) || !used.contains(want)) {
            return null;
        }
        return "\"" + want + "\" is already in use";
    }

    // ---- finalizing -----------------------------------------------------------------------------

    private void finalizeDeletion(ObjectNode crd) {
        String name = crd.path("metadata").path("name").asText();
        if (!hasCleanupFinalizer(crd)) {
            return; // other finalizers keep it; ours is done
        }
        if (CustomResources.isTrue(crd, "Established")) {
            writeStatus(name, live -> CrdStrategy.setCondition(live, "Terminating", "True", "InstanceDeletionInProgress",
                    "CustomResource deletion is in progress", clock.instant()));
            // No new instances from here on: the served type knows the CRD is terminating.
            served.install(crds.get("", name));
            int remaining = deleteInstances(crd);
            if (remaining > 0) {
                writeStatus(name, live -> CrdStrategy.setCondition(live, "Terminating", "True", "InstanceDeletionCheck",
                        "could not confirm zero CustomResources remaining: " + remaining + " remaining", clock.instant()));
                LOG.info("apiextensions.crd-controller: CRD {}: waiting for {} instances kept by finalizers", name, remaining);
                retryLater(name, INSTANCES_REMAINING_RETRY.toMillis());
                return;
            }
            writeStatus(name, live -> CrdStrategy.setCondition(live, "Terminating", "False", "InstanceDeletionCompleted",
                    "removed all instances", clock.instant()));
        } else {
            writeStatus(name, live -> CrdStrategy.setCondition(live, "Terminating", "False", "NeverEstablished",
                    "resource was never established", clock.instant()));
        }
        crds.update("", name, live -> {
            if (live == null) {
                throw StatusException.notFound(crds.strategy().groupResource(), name);
            }
            ArrayNode finalizers = live.withObjectProperty("metadata").withArrayProperty("finalizers");
            for (int i = finalizers.size() - 1; i >= 0; i--) {
                if (finalizers.get(i).asText().equals(CustomResources.CLEANUP_FINALIZER)) {
                    finalizers.remove(i);
                }
            }
            return live;
        }, GenericStore.Target.MAIN, false, false, GenericStore.Manager.update(MANAGER));
        LOG.info("apiextensions.crd-controller: CRD {}: instances removed, finalizer {} removed", name,
                CustomResources.CLEANUP_FINALIZER);
    }

    private static boolean hasCleanupFinalizer(JsonNode crd) {
        for (JsonNode f : crd.path("metadata").path("finalizers")) {
            if (f.asText().equals(CustomResources.CLEANUP_FINALIZER)) {
                return true;
            }
        }
        return false;
    }

    /** Deletes every instance through the storage version's store; returns how many remain (finalizers). */
    private int deleteInstances(ObjectNode crd) {
        GenericStore store = served.storageStore(crd.path("metadata").path("name").asText())
                .orElse(null);
        if (store == null) {
            return 0;
        }
        List<String> failed = new ArrayList<>();
        ObjectNode list = store.list("", ListOptions.defaults());
        int remaining = 0;
        for (JsonNode item : list.path("items")) {
            String namespace = item.path("metadata").path("namespace").asText("");
            String itemName = item.path("metadata").path("name").asText("");
            try {
                GenericStore.Deletion d = store.delete(namespace, itemName, DeleteOptions.defaults());
                if (!d.deleted()) {
                    remaining++;
                }
            } catch (StatusException e) {
                if (e.code() != 404) {
                    failed.add(namespace + "/" + itemName + ": " + e.getMessage());
                    remaining++;
                }
            }
        }
        if (!failed.isEmpty()) {
            LOG.warn("apiextensions.crd-controller: CRD {}: could not delete instances: {}",
                    crd.path("metadata").path("name").asText(), failed);
        }
        return remaining;
    }

    // ---- status writes ------------------------------------------------------------------------

    private interface StatusChange {
        /** Changes the live CRD; returns whether anything changed. */
        boolean apply(ObjectNode live);
    }

    private void writeStatus(String name, StatusChange change) {
        crds.update("", name, live -> {
            if (live == null) {
                throw StatusException.notFound(crds.strategy().groupResource(), name);
            }
            change.apply(live);
            return live;
        }, GenericStore.Target.STATUS, false, false, GenericStore.Manager.update(MANAGER));
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        synchronized (lock) {
            lock.notifyAll();
        }
        retries.shutdownNow();
        if (watcher != null) {
            watcher.interrupt();
        }
        if (worker != null) {
            worker.interrupt();
        }
    }
}
