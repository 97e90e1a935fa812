package dev.caravel.controllers.podtermination;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.informer.Informer;
import dev.caravel.controllers.informer.KeyedWorkers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes graceful pod deletions: the kubelet's part, until Caravel has simulated nodes. A
 * deleted pod that a node runs is only marked by the API server (deletionTimestamp = the moment
 * its grace period ends, deletionGracePeriodSeconds = the grace); on a real node the kubelet stops
 * its containers and then deletes it with grace 0. Here nothing runs the containers, so this
 * controller waits out the grace period and deletes the pod with {@code gracePeriodSeconds: 0}
 * and a uid precondition (a new pod of the same name is never touched), as the kubelet's status
 * manager does. A pod that still has finalizers then stays, marked with grace 0, until they go.
 *
 * <p>It stands in for the kubelet and goes away when simulated nodes (the {@code nodes} module)
 * run pods: they will finish deletions themselves, as early as their containers stop. Why it
 * exists: docs/decisions/0019-tokens-reviews-and-the-kubelet-stand-in.md.
 *
 * <p>One informer on all pods feeds a queue of {@code namespace/name} keys, each queued for the
 * moment its grace ends; a pass reads the pod fresh, so a shortened grace (a second delete) or a
 * recreated pod is seen. Failed passes are retried with backoff.
 */
public final class PodTerminationController implements AutoCloseable {

    private static final String COMPONENT = "controllers.podtermination";
    private static final Logger log = LoggerFactory.getLogger(COMPONENT);

    /**
     * @param workers             worker threads (pods finished in parallel)
     * @param initialBackoff      first retry delay of a pod whose pass failed; doubles on each failure
     * @param maxBackoff          the cap of that delay
     * @param watchTimeoutSeconds how long one watch request lasts before it is renewed
     */
    public record Options(int workers, Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds) {
        public static Options defaults() {
            return new Options(2, Duration.ofMillis(250), Duration.ofSeconds(30), 300);
        }

        public Options withMaxBackoff(Duration max) {
            return new Options(workers, initialBackoff, max, watchTimeoutSeconds);
        }

        Informer.Options informer() {
            return new Informer.Options(initialBackoff, maxBackoff, watchTimeoutSeconds);
        }
    }

    private final ApiClient client;
    private final Options options;
    private final Clock clock;
    private final KeyedWorkers workers;
    private final Informer pods;

    public PodTerminationController(ApiClient client, Options options, Clock clock) {
        this.client = client;
        this.options = options;
        this.clock = clock;
        this.workers = new KeyedWorkers(COMPONENT, options.workers(), options.initialBackoff(), options.maxBackoff(),
                this::sync);
        this.pods = new Informer(client, "/api/v1/pods", COMPONENT, options.informer(), new Informer.Handler() {
            @Override
            public void upserted(JsonNode pod) {
                gracePeriodEnd(pod).ifPresent(end -> workers.addAfter(key(pod), Duration.between(clock.instant(), end)));
            }

            @Override
            public void deleted(JsonNode pod) {
                workers.forget(key(pod));
            }
        });
    }

    public PodTerminationController(ApiClient client) {
        this(client, Options.defaults(), Clock.systemUTC());
    }

    public void start() {
        workers.start(List.of(pods));
        log.info("{}: started with {} worker(s) against {} (standing in for kubelets until simulated nodes exist)",
                COMPONENT, options.workers(), client.config().baseUrl());
    }

    @Override
    public void close() {
        workers.close();
        log.info("{}: stopped", COMPONENT);
    }

    private static String key(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + pod.path("metadata").path("name").asText();
    }

    /** When a pod in graceful deletion is due to go; empty for a pod not being deleted gracefully. */
    static Optional<Instant> gracePeriodEnd(JsonNode pod) {
        JsonNode metadata = pod.path("metadata");
        if (!metadata.hasNonNull("deletionTimestamp") || metadata.path("deletionGracePeriodSeconds").asLong(0) <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(metadata.path("deletionTimestamp").asText()));
        } catch (DateTimeParseException e) {
            log.warn("{}: pod {}: unreadable deletionTimestamp {}", COMPONENT, key(pod), metadata.path("deletionTimestamp"));
            return Optional.empty();
        }
    }

    /** Deletes the pod with grace 0 once its grace period is over; true when nothing more is to be done now. */
    boolean sync(String key) throws IOException, InterruptedException {
        int slash = key.indexOf('/');
        String path = "/api/v1/namespaces/" + key.substring(0, slash) + "/pods/" + key.substring(slash + 1);
        JsonNode pod;
        try {
            pod = client.get(path);
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
        Optional<Instant> end = gracePeriodEnd(pod);
        if (end.isEmpty()) {
            return true;
        }
        Duration remaining = Duration.between(clock.instant(), end.get());
        if (remaining.isPositive()) {
            workers.addAfter(key, remaining);
            return true;
        }
        ObjectNode deleteOptions = client.mapper().createObjectNode();
        deleteOptions.put("apiVersion", "v1").put("kind", "DeleteOptions").put("gracePeriodSeconds", 0);
        deleteOptions.putObject("preconditions").put("uid", pod.path("metadata").path("uid").asText());
        try {
            client.delete(path, deleteOptions);
            log.info("{}: pod {}: grace period of {} s over, deleted", COMPONENT, key,
                    pod.path("metadata").path("deletionGracePeriodSeconds").asLong());
        } catch (ApiException e) {
            if (e.isNotFound() || e.isConflict()) {
                // gone already, or a new pod took the name: neither is ours to delete
                log.debug("{}: pod {}: not deleted: {}", COMPONENT, key, e.getMessage());
                return true;
            }
            throw e;
        }
        return true;
    }
}
