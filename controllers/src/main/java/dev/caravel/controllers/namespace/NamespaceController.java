package dev.caravel.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.client.ApiResource;
import dev.caravel.controllers.client.Discovery;
import dev.caravel.controllers.client.GroupVersion;
import dev.caravel.controllers.informer.Informer;
import dev.caravel.controllers.informer.KeyedWorkers;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The namespace lifecycle controller: when a namespace is deleted (it has a deletionTimestamp and
 * still the {@code kubernetes} finalizer in spec.finalizers), it deletes everything in it, through
 * the API like any client, and then removes the finalizer through the {@code finalize} subresource
 * so the server lets the namespace go.
 *
 * <p>One informer thread lists the namespaces, then watches from the list's resourceVersion and
 * relists on an ERROR event (410 Gone) or a broken stream. Workers take namespace names from a
 * queue that never hands the same name to two workers at once. A pass over a namespace discovers
 * every namespaced resource that can be deleted, deletes its content (deletecollection where the
 * resource supports it, else list and delete each), and finalizes only when a re-list finds
 * nothing left; otherwise (content still held by finalizers, a group whose discovery failed, a
 * failed delete) the namespace is retried with exponential backoff. A group that fails discovery
 * does not stop the deletion of the others' content, but it does keep the namespace: its content
 * is unknown.
 */
public final class NamespaceController implements AutoCloseable {

    static final String FINALIZER = "kubernetes";
    private static final String COMPONENT = "controllers.namespace";
    private static final Logger log = LoggerFactory.getLogger(COMPONENT);

    /**
     * @param workers            worker threads (namespaces handled in parallel)
     * @param initialBackoff     first retry delay of a namespace; doubles on each failed pass
     * @param maxBackoff         the cap of that delay
     * @param watchTimeoutSeconds how long one watch request lasts before it is renewed
     */
    public record Options(int workers, Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds) {
        public static Options defaults() {
            return new Options(2, Duration.ofMillis(250), Duration.ofSeconds(30), 300);
        }

        public Options withMaxBackoff(Duration max) {
            return new Options(workers, initialBackoff, max, watchTimeoutSeconds);
        }
    }

    /** What one pass over a namespace could not finish; empty lists mean the namespace may go. */
    record Outcome(List<String> failures, List<String> remaining) {
        boolean done() {
            return failures.isEmpty() && remaining.isEmpty();
        }
    }

    private final ApiClient client;
    private final Options options;
    private final KeyedWorkers workers;
    private final Informer informer;

    public NamespaceController(ApiClient client, Options options) {
        this.client = client;
        this.options = options;
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
        log.info("{}: started with {} worker(s) against {}", COMPONENT, options.workers(), client.config().baseUrl());
    }

    /** Stops the informer and the workers; a pass in flight is interrupted (its namespace is retried on the next start). */
    @Override
    public void close() {
        workers.close();
        log.info("{}: stopped", COMPONENT);
    }

    // ---- informer: list, then watch (see Informer) ----

    private void offer(JsonNode namespace) {
        if (isDeletingWithOurFinalizer(namespace)) {
            workers.add(namespace.path("metadata").path("name").asText());
        }
    }

    static boolean isDeletingWithOurFinalizer(JsonNode namespace) {
        if (!namespace.path("metadata").hasNonNull("deletionTimestamp")) {
            return false;
        }
        for (JsonNode f : namespace.path("spec").path("finalizers")) {
            if (FINALIZER.equals(f.asText())) {
                return true;
            }
        }
        return false;
    }

    // ---- workers ----

    /** One pass over a namespace; true when there is nothing more to do for it. */
    boolean sync(String name) throws IOException, InterruptedException {
        JsonNode namespace;
        try {
            namespace = client.get("/api/v1/namespaces/" + name);
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
        if (!isDeletingWithOurFinalizer(namespace)) {
            return true;
        }
        Outcome outcome = deleteContent(name);
        if (!outcome.done()) {
            log.info("{}: namespace {}: not finished, retrying with backoff; content remaining: {}; failures: {}", COMPONENT, name,
                    outcome.remaining(), outcome.failures());
            return false;
        }
        return removeFinalizer(name);
    }

    /** Deletes everything in the namespace that discovery knows of, then re-lists to see what is left. */
    Outcome deleteContent(String namespace) throws IOException, InterruptedException {
        List<String> failures = new ArrayList<>();
        List<String> remaining = new ArrayList<>();
        Discovery discovery = client.discover();
        for (Map.Entry<GroupVersion, String> failed : discovery.failures().entrySet()) {
            log.warn("{}: namespace {}: discovery of group version {} failed, its content cannot be deleted yet: {}",
                    COMPONENT, namespace, failed.getKey(), failed.getValue());
            failures.add("discovery of " + failed.getKey() + ": " + failed.getValue());
        }
        for (ApiResource resource : discovery.resources()) {
            if (!resource.namespaced() || !resource.supports("delete")) {
                continue;
            }
            try {
                deleteAll(resource, namespace);
                if (resource.supports("list")) {
                    JsonNode left = client.list(resource, namespace).path("items");
                    if (left.size() > 0) {
                        remaining.add(resource.groupResource() + " has " + left.size() + " object(s)"
                                + describeFinalizers(left));
                    }
                }
            } catch (ApiException e) {
                log.warn("{}: namespace {}: deleting {} failed: {}", COMPONENT, namespace, resource.groupResource(), e.getMessage());
                failures.add(resource.groupResource() + ": " + e.getMessage());
            }
        }
        return new Outcome(failures, remaining);
    }

    private void deleteAll(ApiResource resource, String namespace) throws IOException, InterruptedException {
        if (resource.supports("deletecollection")) {
            try {
                client.deleteCollection(resource, namespace);
                log.debug("{}: namespace {}: deleted the collection of {}", COMPONENT, namespace, resource.groupResource());
                return;
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 405) {
                    throw e;
                }
                // advertised but not served: fall back to one by one
            }
        }
        if (!resource.supports("list")) {
            return;
        }
        for (JsonNode item : client.list(resource, namespace).path("items")) {
            if (item.path("metadata").hasNonNull("deletionTimestamp")) {
                continue;
            }
            String name = item.path("metadata").path("name").asText();
            try {
                client.delete(resource, namespace, name);
                log.debug("{}: namespace {}: deleted {} {}", COMPONENT, namespace, resource.groupResource(), name);
            } catch (ApiException e) {
                if (!e.isNotFound()) {
                    throw e;
                }
            }
        }
    }

    private static String describeFinalizers(JsonNode items) {
        List<String> finalizers = new ArrayList<>();
        for (JsonNode item : items) {
            item.path("metadata").path("finalizers").forEach(f -> {
                if (!finalizers.contains(f.asText())) {
                    finalizers.add(f.asText());
                }
            });
        }
        return finalizers.isEmpty() ? "" : " (finalizers " + String.join(", ", finalizers) + ")";
    }

    /** PUT .../finalize with spec.finalizers less ours; a conflict means someone changed it: false, retry. */
    private boolean removeFinalizer(String name) throws IOException, InterruptedException {
        JsonNode fresh;
        try {
            fresh = client.get("/api/v1/namespaces/" + name);
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
