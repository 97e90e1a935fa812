package dev.caravel.controllers.garbagecollector;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.client.ApiResource;
import dev.caravel.controllers.client.Discovery;
import dev.caravel.controllers.garbagecollector.OwnerGraph.Node;
import dev.caravel.controllers.garbagecollector.OwnerGraph.Owner;
import dev.caravel.controllers.informer.Informer;
import dev.caravel.controllers.informer.KeyedWorkers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Kubernetes' garbage collector, as a client of the API: deletes objects whose owners are all
 * gone, and carries out the two propagation policies the API server leaves to it through
 * finalizers.
 * <ul>
 *   <li><b>Background</b> (the default): the owner is deleted at once; its dependents, their
 *       owner now missing (checked live, never from the graph alone), are deleted in turn, with
 *       the policy their own finalizers ask for.</li>
 *   <li><b>Foreground</b>: the owner stays with deletionTimestamp and the
 *       {@value #FOREGROUND_FINALIZER} finalizer; its dependents are deleted (in the foreground
 *       themselves when they have dependents); when none whose reference has
 *       {@code blockOwnerDeletion} is left, the finalizer is removed and the owner goes.</li>
 *   <li><b>Orphan</b>: the owner stays with the {@value #ORPHAN_FINALIZER} finalizer until every
 *       dependent's reference to it is removed; then the finalizer is removed.</li>
 * </ul>
 * A dependent with another owner still alive is not deleted: only its references to the owners
 * that are gone (or deleting in the foreground) are removed.
 *
 * <p>One informer per resource that can be listed, watched and deleted feeds an {@link OwnerGraph};
 * workers act on object uids. Nothing is decided before every informer has listed once, since an
 * owner missing from a half-built graph proves nothing. Changes are JSON patches with a
 * {@code test} of what they remove, so a concurrent change fails the patch and the pass is
 * retried. Every thirty seconds the objects whose owners the graph lacks are checked again, since
 * a relist cannot report deletions missed between two watches.
 */
public final class GarbageCollector implements AutoCloseable {

    static final String ORPHAN_FINALIZER = "orphan";
    static final String FOREGROUND_FINALIZER = "foregroundDeletion";
    private static final String COMPONENT = "controllers.garbagecollector";
    private static final Logger log = LoggerFactory.getLogger(COMPONENT);

    /**
     * @param workers             worker threads
     * @param initialBackoff      first retry delay of an object whose pass failed; doubles on each failure
     * @param maxBackoff          the cap of that delay
     * @param watchTimeoutSeconds how long one watch request lasts before it is renewed
     * @param resync              how often objects with unseen owners are checked again
     */
    public record Options(int workers, Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds,
                          Duration resync) {
        public static Options defaults() {
            return new Options(2, Duration.ofMillis(250), Duration.ofSeconds(30), 300, Duration.ofSeconds(30));
        }

        public Options withMaxBackoff(Duration max) {
            return new Options(workers, initialBackoff, max, watchTimeoutSeconds, resync);
        }

        Informer.Options informer() {
            return new Informer.Options(initialBackoff, maxBackoff, watchTimeoutSeconds);
        }
    }

    private final ApiClient client;
    private final Options options;
    private final OwnerGraph graph = new OwnerGraph();
    private final KeyedWorkers workers;
    private final List<Informer> informers = new ArrayList<>();
    /** Informed resources by group and kind (one served version per group, as Caravel serves them). */
    private final Map<String, ApiResource> byGroupKind = new HashMap<>();

    public GarbageCollector(ApiClient client, Options options) {
        this.client = client;
        this.options = options;
        this.workers = new KeyedWorkers(COMPONENT, options.workers(), options.initialBackoff(), options.maxBackoff(),
                this::sync);
    }

    public GarbageCollector(ApiClient client) {
        this(client, Options.defaults());
    }

    /** Discovers the resources to watch, then starts informing and collecting. */
    public void start() throws IOException, InterruptedException {
        Discovery discovery = client.discover();
        for (ApiResource resource : discovery.resources()) {
            if (!resource.supports("list") || !resource.supports("watch") || !resource.supports("delete")) {
                continue;
            }
            byGroupKind.put(resource.groupVersion().group() + "/" + resource.kind(), resource);
            informers.add(new Informer(client, resource.collectionPath(null), COMPONENT, options.informer(),
                    new Informer.Handler() {
                        @Override
                        public void upserted(JsonNode object) {
                            observe(Node.of(resource, object));
                        }

                        @Override
                        public void deleted(JsonNode object) {
                            forget(object.path("metadata").path("uid").asText());
                        }
                    }));
        }
        if (!discovery.complete()) {
            log.warn("{}: not collecting in group versions discovery could not read: {}", COMPONENT, discovery.failures());
        }
        workers.start(informers);
        workers.timer().scheduleWithFixedDelay(() -> graph.withUnseenOwners().forEach(workers::add),
                options.resync().toMillis(), options.resync().toMillis(), TimeUnit.MILLISECONDS);
        log.info("{}: started with {} worker(s) over {} resources against {}", COMPONENT, options.workers(),
                informers.size(), client.config().baseUrl());
    }

    @Override
    public void close() {
        workers.close();
        log.info("{}: stopped", COMPONENT);
    }

    // ---- graph events (informer threads: enqueue, never call the API) ----

    private void observe(Node node) {
        Node old = graph.put(node);
        if (old != null) {
            // an owner this object no longer references may have been waiting for that
            for (Owner dropped : old.owners()) {
                if (node.ownerWithUid(dropped.uid()).isEmpty()) {
                    graph.get(dropped.uid()).filter(o -> o.deletingDependents() || o.orphaningDependents())
                            .ifPresent(o -> workers.add(o.uid()));
                }
            }
        }
        if (node.deletingDependents() || node.orphaningDependents()) {
            workers.add(node.uid());
        }
        for (Owner owner : node.owners()) {
            var known = graph.get(owner.uid());
            if (known.isEmpty()) {
                workers.add(node.uid());
            } else if (known.get().deletingDependents()) {
                workers.add(node.uid());
                workers.add(owner.uid());
            }
        }
    }

    private void forget(String uid) {
        Node gone = graph.remove(uid);
        workers.forget(uid);
        graph.dependentsOf(uid).forEach(d -> workers.add(d.uid()));
        if (gone != null) {
            for (Owner owner : gone.owners()) {
                graph.get(owner.uid()).filter(o -> o.deletingDependents() || o.orphaningDependents())
                        .ifPresent(o -> workers.add(o.uid()));
            }
        }
    }

    private boolean synced() {
        return informers.stream().allMatch(Informer::hasSynced);
    }

    // ---- passes (worker threads) ----

    /** One pass over an object; true when nothing more is to be done for it now. */
    boolean sync(String uid) throws IOException, InterruptedException {
        if (!synced()) {
            return false;
        }
        var found = graph.get(uid);
        if (found.isEmpty()) {
            return true;
        }
        Node node = found.get();
        if (node.orphaningDependents()) {
            return orphanDependents(node);
        }
        if (node.deletingDependents()) {
            return deleteDependents(node);
        }
        if (!node.deleting() && !node.owners().isEmpty()) {
            collectIfOwnersAreGone(node);
        }
        return true;
    }

    /** Orphan: every dependent loses its reference to the owner, then the owner loses its finalizer. */
    private boolean orphanDependents(Node owner) throws IOException, InterruptedException {
        for (Node dependent : graph.dependentsOf(owner.uid())) {
            removeOwnerReferences(dependent, List.of(owner.uid()));
        }
        removeFinalizer(owner, ORPHAN_FINALIZER);
        return true;
    }

    /**
     * Foreground: deletes the dependents not yet being deleted, and lets the owner go once no
     * dependent that blocks it is left.
     */
    private boolean deleteDependents(Node owner) throws IOException, InterruptedException {
        boolean blocked = false;
        for (Node dependent : graph.dependentsOf(owner.uid())) {
            boolean blocks = dependent.ownerWithUid(owner.uid()).map(Owner::blocksOwnerDeletion).orElse(false);
            blocked |= blocks;
            if (!dependent.deleting()) {
                collectIfOwnersAreGone(dependent);
            }
        }
        if (!blocked) {
            removeFinalizer(owner, FOREGROUND_FINALIZER);
        }
        return true;
    }

    /**
     * Kubernetes' attemptToDeleteItem: sorts the owners into solid (alive), dangling (gone, or
     * another object now holds the name) and waiting (deleting their dependents in the
     * foreground). With a solid owner left, only the references to the others are removed;
     * otherwise the object is deleted, in the foreground when a waiting owner needs its own
     * dependents gone first.
     */
    private void collectIfOwnersAreGone(Node node) throws IOException, InterruptedException {
        List<String> solid = new ArrayList<>();
        List<String> dangling = new ArrayList<>();
        List<String> waiting = new ArrayList<>();
        for (Owner owner : node.owners()) {
            switch (ownerState(node, owner)) {
                case SOLID -> solid.add(owner.uid());
                case DANGLING -> dangling.add(owner.uid());
                case WAITING -> waiting.add(owner.uid());
            }
        }
        if (!solid.isEmpty()) {
            List<String> remove = new ArrayList<>(dangling);
            remove.addAll(waiting);
            if (!remove.isEmpty()) {
                removeOwnerReferences(node, remove);
            }
            return;
        }
        String policy;
        if (!waiting.isEmpty() && !graph.dependentsOf(node.uid()).isEmpty()) {
            policy = "Foreground";
        } else if (node.finalizers().contains(ORPHAN_FINALIZER)) {
            policy = "Orphan";
        } else if (node.finalizers().contains(FOREGROUND_FINALIZER)) {
            policy = "Foreground";
        } else {
            policy = "Background";
        }
        ObjectNode deleteOptions = client.mapper().createObjectNode();
        deleteOptions.put("apiVersion", "v1").put("kind", "DeleteOptions").put("propagationPolicy", policy);
        deleteOptions.putObject("preconditions").put("uid", node.uid());
        try {
            client.delete(node.path(), deleteOptions);
            log.info("{}: {}: owners gone ({} dangling, {} deleting dependents first), deleted with propagation {}",
                    COMPONENT, node, dangling.size(), waiting.size(), policy);
        } catch (ApiException e) {
            if (!e.isNotFound() && !e.isConflict()) {
                throw e;
            }
        }
    }

    private enum OwnerState { SOLID, DANGLING, WAITING }

    /** The owner as it is now: from the graph when it holds it, else read live (an absent owner proves nothing). */
    private OwnerState ownerState(Node dependent, Owner owner) throws IOException, InterruptedException {
        var known = graph.get(owner.uid());
        if (known.isPresent()) {
            return known.get().deletingDependents() ? OwnerState.WAITING : OwnerState.SOLID;
        }
        ApiResource resource = byGroupKind.get(owner.group() + "/" + owner.kind());
        if (resource == null) {
            // a kind this server does not serve (or not yet): never collect on a guess
            return OwnerState.SOLID;
        }
        String path = resource.collectionPath(resource.namespaced() ? dependent.namespace() : null) + "/" + owner.name();
        try {
            JsonNode live = client.get(path);
            if (!owner.uid().equals(live.path("metadata").path("uid").asText())) {
                return OwnerState.DANGLING;
            }
            boolean foreground = live.path("metadata").hasNonNull("deletionTimestamp")
                    && live.path("metadata").path("finalizers").toString().contains("\"" + FOREGROUND_FINALIZER + "\"");
            return foreground ? OwnerState.WAITING : OwnerState.SOLID;
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return OwnerState.DANGLING;
            }
            throw e;
        }
    }

    /** Removes the references to {@code ownerUids} from the live object, each guarded by a test of its uid. */
    private void removeOwnerReferences(Node node, List<String> ownerUids) throws IOException, InterruptedException {
        JsonNode live;
        try {
            live = client.get(node.path());
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return;
            }
            throw e;
        }
        if (!node.uid().equals(live.path("metadata").path("uid").asText())) {
            return;
        }
        ArrayNode patch = client.mapper().createArrayNode();
        JsonNode refs = live.path("metadata").path("ownerReferences");
        // from the end, so that each removal leaves the earlier indexes valid
        for (int i = refs.size() - 1; i >= 0; i--) {
            String uid = refs.get(i).path("uid").asText();
            if (ownerUids.contains(uid)) {
                patch.addObject().put("op", "test").put("path", "/metadata/ownerReferences/" + i + "/uid").put("value", uid);
                patch.addObject().put("op", "remove").put("path", "/metadata/ownerReferences/" + i);
            }
        }
        if (patch.isEmpty()) {
            return;
        }
        client.jsonPatch(node.path(), patch);
        log.info("{}: {}: removed its references to owners {}", COMPONENT, node, ownerUids);
    }

    private void removeFinalizer(Node node, String finalizer) throws IOException, InterruptedException {
        JsonNode live;
        try {
            live = client.get(node.path());
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return;
            }
            throw e;
        }
        if (!node.uid().equals(live.path("metadata").path("uid").asText())) {
            return;
        }
        JsonNode finalizers = live.path("metadata").path("finalizers");
        for (int i = 0; i < finalizers.size(); i++) {
            if (finalizers.get(i).asText().equals(finalizer)) {
                ArrayNode patch = client.mapper().createArrayNode();
                patch.addObject().put("op", "test").put("path", "/metadata/finalizers/" + i).put("value", finalizer);
                patch.addObject().put("op", "remove").put("path", "/metadata/finalizers/" + i);
                client.jsonPatch(node.path(), patch);
                log.info("{}: {}: dependents handled, removed finalizer {}", COMPONENT, node, finalizer);
                return;
            }
        }
    }
}
