package dev.caravel.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.informer.Informer;
import dev.caravel.controllers.informer.KeyedWorkers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace lifecycle controller: when a namespace is deleted (it has a deletionTimestamp and
 * still the {@code kubernetes} finalizer in spec.finalizers), it deletes everything in it, through the API like any client,
 * and then removes the {@code kubernetes} finalizer through the {@code finalize} subresource so the
 * server lets the namespace go. It behaves as kube-controller-manager's namespace controller does:
 *
 * <ul>
 *   <li>a pass discovers every namespaced resource that supports delete (built-in, custom,
 *       aggregated), deletes what it discovered even when some group versions failed discovery,
 *       and writes the five deletion conditions to the namespace's status when they change
 *       ({@link DeletionReport}, {@link NamespaceConditions});</li>
 *   <li>a pass that failed (discovery, a group version that does not parse, content that could
 *       not be deleted) is retried with exponential backoff; content that is still going (pods in
 *       their grace period, objects held by finalizers) is checked again after half its estimate;</li>
 *   <li>the finalizer is removed only when a pass found nothing left and nothing failed.</li>
 * </ul>
 *
 * <p>Beyond Kubernetes, the deletion latch ({@link DeletionLatch}, decision 0025): a deletion
 * blocked for longer than {@link Options#deletionLatch()} stops and waits for a confirmation
 * before it deletes anything more; zero turns it off, and the namespace then carries only
 * Kubernetes' conditions.
 *
 * <p>One informer thread lists the namespaces, then watches from the list's resourceVersion and
 * relists on an ERROR event (410 Gone) or a broken stream. Workers take namespace names from a
 * queue that never hands the same name to two workers at once.
 */
public final class NamespaceController implements AutoCloseable {

    static final String FINALIZER = "kubernetes";
    static final String COMPONENT = "controllers.namespace";
    /** The Events' source, as Kubernetes' controllers name themselves. */
    static final String EVENT_SOURCE = "namespace-controller";
    private static final Logger log = LoggerFactory.getLogger(COMPONENT);

    /**
     * @param workers             worker threads (namespaces handled in parallel)
     * @param initialBackoff      first retry delay of a namespace whose pass failed; doubles on each failed pass
     * @param maxBackoff          the cap of that delay, and of the wait before content that is still going is checked again
     * @param watchTimeoutSeconds how long one watch request lasts before it is renewed
     * @param deletionLatch       how long a deletion may stay blocked before it latches; zero turns the latch off
     */
    public record Options(int workers, Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds, Duration deletionLatch) {
        public static final Duration DEFAULT_DELETION_LATCH = Duration.ofHours(1);

        public Options {
            if (deletionLatch == null || deletionLatch.isNegative()) {
                throw new IllegalArgumentException("the deletion latch must be zero (off) or positive, not " + deletionLatch);
            }
        }

        /** With the default deletion latch ({@link #DEFAULT_DELETION_LATCH}). */
        public Options(int workers, Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds) {
            this(workers, initialBackoff, maxBackoff, watchTimeoutSeconds, DEFAULT_DELETION_LATCH);
        }

        public static Options defaults() {
            return new Options(2, Duration.ofMillis(250), Duration.ofSeconds(30), 300, DEFAULT_DELETION_LATCH);
        }

        public Options withMaxBackoff(Duration max) {
            return new Options(workers, initialBackoff, max, watchTimeoutSeconds, deletionLatch);
        }

        /** @param after how long a deletion may stay blocked before it latches; {@link Duration#ZERO} turns the latch off */
        public Options withDeletionLatch(Duration after) {
            return new Options(workers, initialBackoff, maxBackoff, watchTimeoutSeconds, after);
        }
    }

    private final ApiClient client;
    private final Options options;
    private final Clock clock;
    private final ContentDeleter deleter;
    private final DeletionLatch latch;
    private final KeyedWorkers workers;
    private final Informer informer;

    public NamespaceController(ApiClient client, Options options) {
        this(client, options, Clock.systemUTC());
    }

    NamespaceController(ApiClient client, Options options, Clock clock) {
        this.client = client;
        this.options = options;
        this.clock = clock;
        this.deleter = new ContentDeleter(client, clock);
        this.latch = new DeletionLatch(options.deletionLatch());
        this.workers = new KeyedWorkers(COMPONENT, options.workers(), options.initialBackoff(), options.maxBackoff(), this::sync);
        this.informer = new Informer(client, "/api/v1/namespaces", COMPONENT,
                new Informer.Options(options.initialBackoff(), options.maxBackoff(), options.watchTimeoutSeconds()),
                new Informer.Handler() {
                    @Override
                    public void upserted(JsonNode namespace) {
                        offer(namespace);
                    }

                    @Override
                    public void deleted(JsonNode namespace) {
                        workers.forget(namespace.path("metadata").path("name").asText());
                    }
                });
    }

    public NamespaceController(ApiClient client) {
        this(client, Options.defaults());
    }

    public void start() {
        workers.start(List.of(informer));
        log.info("{}: started with {} worker(s) against {}, deletion latch {}", COMPONENT, options.workers(),
                client.config().baseUrl(), latch.enabled() ? "after " + GoDurations.format(latch.limit()) : "off");
    }

    /** Stops the informer and the workers; a pass in flight is interrupted (its namespace is retried on the next start). */
    @Override
    public void close() {
        workers.close();
        log.info("{}: stopped", COMPONENT);
    }

    // ---- informer: list, then watch (see Informer) ----

    private void offer(JsonNode namespace) {
        if (isDeleting(namespace)) {
            workers.add(namespace.path("metadata").path("name").asText());
        }
    }

    /**
     * Deleted and still holding our finalizer. (The reference goes on while spec.finalizers holds
     * anything; a namespace holding only another system's finalizer is that system's to finish,
     * and passing over it again and again would only re-finalize it with nothing to remove.)
     */
    static boolean isDeleting(JsonNode namespace) {
        if (!namespace.path("metadata").hasNonNull("deletionTimestamp")) {
            return false;
        }
        for (JsonNode finalizer : namespace.path("spec").path("finalizers")) {
            if (FINALIZER.equals(finalizer.asText())) {
                return true;
            }
        }
        return false;
    }

    // ---- workers ----

    /** One pass over a namespace; true when there is nothing more to do for it now, false to retry with backoff. */
    boolean sync(String name) throws IOException, InterruptedException {
        JsonNode namespace;
        try {
            namespace = client.get("/api/v1/namespaces/" + ApiClient.pathSegment(name));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
        if (!isDeleting(namespace)) {
            return true;
        }
        namespace = ensureTerminating(namespace);
        Optional<NamespaceCondition> latchCondition = Optional.empty();
        DeletionLatch.Verdict verdict = latch.check(namespace, clock.instant());
        switch (verdict.action()) {
            case HOLD -> {
                log.info("{}: namespace {}: deletion latched, deleting nothing until it is confirmed through the annotation {}",
                        COMPONENT, name, DeletionLatch.CONFIRM_ANNOTATION);
                return true;
            }
            case ENGAGE -> {
                NamespaceCondition latched = verdict.latched().orElseThrow();
                JsonNode written = writeConditions(namespace, List.of(latched));
                log.warn("{}: namespace {}: deletion latched: {}", COMPONENT, name, latched.message());
                emitEvent(written, "Warning", DeletionLatch.LATCHED_EVENT, latched.message());
                return true;
            }
            case PROCEED -> latchCondition = verdict.latched();
        }
        latchCondition.ifPresent(c -> log.info("{}: namespace {}: {}", COMPONENT, name, c.message()));
        Instant deletedAt = Instant.parse(namespace.path("metadata").path("deletionTimestamp").asText());
        DeletionReport report = deleter.deleteAll(name, deletedAt);

        List<NamespaceCondition> wanted = new ArrayList<>(report.conditions());
        latchCondition.ifPresent(wanted::add);
        if (latch.enabled()) {
            wanted.add(latch.blocked(report));
            if (latchCondition.isEmpty() && NamespaceCondition.find(NamespaceCondition.of(namespace), DeletionLatch.LATCHED).isEmpty()) {
                wanted.add(latch.notLatched());
            }
        }
        try {
            namespace = writeConditions(namespace, wanted);
        } catch (ApiException e) {
            // as the reference: the conditions are reported on a later pass; the deletion goes on
            log.warn("{}: namespace {}: could not update the status conditions: {}", COMPONENT, name, e.getMessage());
        }
        if (latchCondition.isPresent()) {
            emitEvent(namespace, "Normal", DeletionLatch.CONFIRMED_EVENT, latchCondition.get().message());
        }
        if (report.failed()) {
            log.warn("{}: namespace {}: deletion not finished, retrying with backoff: {}", COMPONENT, name, report.blockSummary());
            return false;
        }
        if (!report.empty()) {
            Duration recheck = Duration.ofSeconds(report.estimateSeconds() / 2 + 1);
            recheck = recheck.compareTo(options.maxBackoff()) <= 0 ? recheck : options.maxBackoff();
            log.info("{}: namespace {}: content remaining ({}), checking again in {}", COMPONENT, name,
                    report.remainingByResource(), GoDurations.format(recheck));
            workers.addAfter(name, recheck);
            return true;
        }
        return removeFinalizer(name);
    }

    /** The reference sets the phase first if the server did not (Caravel's and Kubernetes' servers do on delete). */
    private JsonNode ensureTerminating(JsonNode namespace) throws IOException, InterruptedException {
        if ("Terminating".equals(namespace.path("status").path("phase").asText())) {
            return namespace;
        }
        ObjectNode updated = namespace.deepCopy();
        updated.withObjectProperty("status").put("phase", "Terminating");
        return client.put(statusPath(namespace), updated);
    }

    /** Merges the conditions into the namespace's and PUTs its status, only when something changed; returns the namespace as it now is. */
    private JsonNode writeConditions(JsonNode namespace, List<NamespaceCondition> wanted) throws IOException, InterruptedException {
        NamespaceConditions.Merge merge = NamespaceConditions.merge(NamespaceCondition.of(namespace), wanted, clock.instant());
        if (!merge.changed()) {
            return namespace;
        }
        ObjectNode updated = namespace.deepCopy();
        ArrayNode conditions = updated.withObjectProperty("status").putArray("conditions");
        merge.conditions().forEach(c -> conditions.add(c.toJson()));
        return client.put(statusPath(namespace), updated);
    }

    private static String statusPath(JsonNode namespace) {
        return "/api/v1/namespaces/" + ApiClient.pathSegment(namespace.path("metadata").path("name").asText()) + "/status";
    }

    /**
     * A core/v1 Event about the namespace. Events of cluster-scoped objects live in
     * {@code default}, as client-go's recorder puts them (the namespace itself refuses new
     * content while it terminates); {@code kubectl describe namespace} finds them there.
     */
    private void emitEvent(JsonNode namespace, String type, String reason, String message) throws InterruptedException {
        JsonNode metadata = namespace.path("metadata");
        String name = metadata.path("name").asText();
        Instant now = clock.instant();
        ObjectNode event = client.mapper().createObjectNode();
        event.put("apiVersion", "v1");
        event.put("kind", "Event");
        event.putObject("metadata").put("name", name + "." + Long.toHexString(now.getEpochSecond() * 1_000_000_000L + now.getNano()))
                .put("namespace", "default");
        ObjectNode involved = event.putObject("involvedObject");
        involved.put("kind", "Namespace");
        involved.put("apiVersion", "v1");
        involved.put("name", name);
        involved.put("uid", metadata.path("uid").asText());
        involved.put("resourceVersion", metadata.path("resourceVersion").asText());
        event.put("reason", reason);
        event.put("message", message);
        event.put("type", type);
        event.putObject("source").put("component", EVENT_SOURCE);
        String time = now.truncatedTo(ChronoUnit.SECONDS).toString();
        event.put("firstTimestamp", time);
        event.put("lastTimestamp", time);
        event.put("count", 1);
        event.put("reportingComponent", EVENT_SOURCE);
        event.put("reportingInstance", "");
        try {
            client.post("/api/v1/namespaces/default/events", event);
        } catch (IOException e) {
            log.warn("{}: namespace {}: could not record the Event {}: {}", COMPONENT, name, reason, e.getMessage());
        }
    }

    /** PUT .../finalize with spec.finalizers less ours; a conflict means someone changed it: false, retry. */
    private boolean removeFinalizer(String name) throws IOException, InterruptedException {
        JsonNode fresh;
        try {
            fresh = client.get("/api/v1/namespaces/" + ApiClient.pathSegment(name));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
        ObjectNode namespace = (ObjectNode) fresh.deepCopy();
        ArrayNode kept = namespace.withObjectProperty("spec").putArray("finalizers");
        fresh.path("spec").path("finalizers").forEach(f -> {
            if (!FINALIZER.equals(f.asText())) {
                kept.add(f.asText());
            }
        });
        try {
            client.finalizeNamespace(namespace);
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            if (e.isConflict()) {
                log.info("{}: namespace {}: changed while finalizing, trying again", COMPONENT, name);
                return false;
            }
            throw e;
        }
        log.info("{}: namespace {}: content deleted, finalizer {} removed", COMPONENT, name, FINALIZER);
        return true;
    }
}
