package dev.caravel.controllers.serviceaccount;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.informer.Informer;
import dev.caravel.controllers.informer.KeyedWorkers;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ensures a ServiceAccount named {@code default} in every namespace that is not Terminating, as
 * Kubernetes' service account controller does, and recreates it when it is deleted.
 *
 * <p>Two informers feed one queue of namespace names: one on namespaces (a new namespace, and
 * every namespace again on each relist) and one on service accounts in all namespaces (a deleted
 * {@code default} queues its namespace), and every active namespace is queued again each
 * {@link Options#resync} in case a watch gap hid a deletion. A pass reads the namespace fresh and creates the account
 * unless the namespace is gone or Terminating: creating into a namespace being emptied would
 * only make the namespace controller delete it again. A 409 AlreadyExists means another writer
 * won the race, which is what we wanted. A failed pass is retried with exponential backoff.
 *
 * <p>Kubernetes also publishes a {@code kube-root-ca.crt} ConfigMap (key {@code ca.crt}) in every
 * namespace, from a separate root-ca-cert-publisher. Caravel has no CA until it serves TLS, so
 * there is nothing to publish yet; that publisher comes with TLS, not here.
 */
public final class ServiceAccountController implements AutoCloseable {

    static final String DEFAULT_ACCOUNT = "default";
    private static final String COMPONENT = "controllers.serviceaccount";
    private static final Logger log = LoggerFactory.getLogger(COMPONENT);

    /**
     * @param workers             worker threads (namespaces handled in parallel)
     * @param initialBackoff      first retry delay of a namespace; doubles on each failed pass
     * @param maxBackoff          the cap of that delay
     * @param watchTimeoutSeconds how long one watch request lasts before it is renewed
     * @param resync              how often every active namespace is checked again, whatever the watches said
     */
    public record Options(int workers, Duration initialBackoff, Duration maxBackoff, int watchTimeoutSeconds,
                          Duration resync) {
        public static Options defaults() {
            return new Options(1, Duration.ofMillis(250), Duration.ofSeconds(30), 300, Duration.ofSeconds(30));
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
    private final KeyedWorkers workers;
    private final Informer namespaces;
    private final Informer serviceAccounts;
    /** Namespaces last seen not Terminating, for the resync. */
    private final Set<String> active = ConcurrentHashMap.newKeySet();

    public ServiceAccountController(ApiClient client, Options options) {
        this.client = client;
        this.options = options;
        this.workers = new KeyedWorkers(COMPONENT, options.workers(), options.initialBackoff(), options.maxBackoff(),
                name -> {
                    sync(name);
                    return true;
                });
        this.namespaces = new Informer(client, "/api/v1/namespaces", COMPONENT, options.informer(), new Informer.Handler() {
            @Override
            public void upserted(JsonNode namespace) {
                String name = namespace.path("metadata").path("name").asText();
                if (isTerminating(namespace)) {
                    active.remove(name);
                } else {
                    active.add(name);
                    workers.add(name);
                }
            }

            @Override
            public void deleted(JsonNode namespace) {
                String name = namespace.path("metadata").path("name").asText();
                active.remove(name);
                workers.forget(name);
            }
        });
        this.serviceAccounts = new Informer(client, "/api/v1/serviceaccounts", COMPONENT, options.informer(),
                new Informer.Handler() {
                    @Override
                    public void upserted(JsonNode account) {
                        // nothing to do: only a missing default account needs us
                    }

                    @Override
                    public void deleted(JsonNode account) {
                        if (DEFAULT_ACCOUNT.equals(account.path("metadata").path("name").asText())) {
                            workers.add(account.path("metadata").path("namespace").asText());
                        }
                    }
                });
    }

    public ServiceAccountController(ApiClient client) {
        this(client, Options.defaults());
    }

    public void start() {
        workers.start(List.of(namespaces, serviceAccounts));
        // The service account informer's relist cannot report a deletion it missed between two
        // watches, so every active namespace is checked again now and then (two GETs each).
        workers.timer().scheduleWithFixedDelay(() -> active.forEach(workers::add),
                options.resync().toMillis(), options.resync().toMillis(), TimeUnit.MILLISECONDS);
        log.info("{}: started with {} worker(s) against {}", COMPONENT, options.workers(), client.config().baseUrl());
    }

    /** Stops the informers and the workers; a namespace not yet handled is handled on the next start's list. */
    @Override
    public void close() {
        workers.close();
        log.info("{}: stopped", COMPONENT);
    }

    static boolean isTerminating(JsonNode namespace) {
        return namespace.path("metadata").hasNonNull("deletionTimestamp")
                || "Terminating".equals(namespace.path("status").path("phase").asText());
    }

    /** Creates the default account in the namespace unless it is gone or Terminating, or the account exists. */
    void sync(String name) throws IOException, InterruptedException {
        JsonNode namespace;
        try {
            namespace = client.get("/api/v1/namespaces/" + name);
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return;
            }
            throw e;
        }
        if (isTerminating(namespace)) {
            return;
        }
        String accounts = "/api/v1/namespaces/" + name + "/serviceaccounts";
        try {
            client.get(accounts + "/" + DEFAULT_ACCOUNT);
            return;
        } catch (ApiException e) {
            if (!e.isNotFound()) {
                throw e;
            }
        }
        ObjectNode account = client.mapper().createObjectNode();
        account.put("apiVersion", "v1").put("kind", "ServiceAccount");
        account.putObject("metadata").put("name", DEFAULT_ACCOUNT);
        try {
            client.post(accounts, account);
            log.info("{}: namespace {}: created service account {}", COMPONENT, name, DEFAULT_ACCOUNT);
        } catch (ApiException e) {
            if (e.isConflict() && "AlreadyExists".equals(e.reason())) {
                return;
            }
            if ((e.code() == 403 || e.isNotFound()) && goneOrTerminating(name)) {
                // the namespace began terminating (or went) between our read and the create
                log.debug("{}: namespace {}: not creating {}: {}", COMPONENT, name, DEFAULT_ACCOUNT, e.getMessage());
                return;
            }
            throw e;
        }
    }

    private boolean goneOrTerminating(String name) throws IOException, InterruptedException {
        try {
            return isTerminating(client.get("/api/v1/namespaces/" + name));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return true;
            }
            throw e;
        }
    }

}
