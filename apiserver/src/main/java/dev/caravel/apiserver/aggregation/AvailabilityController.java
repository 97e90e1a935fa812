package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.request.ListOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Clock;
import java.time.Duration;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * kube-aggregator's availability controllers in one: every APIService gets its Available
 * condition written through the status subresource. A local one is always available (reason
 * Local). One with a service is checked in kube-aggregator's order, each failure its reason:
 * the Service exists (ServiceNotFound), lists the port (ServicePortError), has endpoints
 * (EndpointsNotFound) with a ready address for that port (MissingEndpoints), and its backend
 * answers {@code GET /apis/<group>/<version>} with a 2xx in time (FailedDiscoveryCheck, with Go's
 * message: {@code failing or missing response from https://...: Get "https://...": ...}); then
 * reason Passed. That answer is the backend's discovery for {@link ApiServiceTable}.
 *
 * <p>Unlike kube-aggregator's check, which skips TLS verification, this one verifies the backend
 * as the proxy does (caBundle, service name, expiry): an APIService the proxy cannot reach is not
 * reported available, and an expired certificate shows in the condition (decision 0023).
 *
 * <p>Runs every {@code interval}, and at once when an APIService, Service or Endpoints changes.
 * Checks run one virtual thread per APIService, so a backend that hangs delays only its own.
 * The lastTransitionTime changes only when the status does, as in Kubernetes.
 */
final class AvailabilityController implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(AvailabilityController.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int MAX_DISCOVERY_BYTES = 16 << 20;
    static final String AGGREGATOR_USER = "system:kube-aggregator";

    private final GenericStore apiServices;
    private final ServiceResolver resolver;
    private final BackendClients clients;
    private final ApiServiceTable table;
    private final AvailabilityMetrics metrics;
    private final Clock clock;
    private final Duration interval;
    private final Duration checkTimeout;
    private final Semaphore wakeUp = new Semaphore(0);
    private final Set<String> checking = ConcurrentHashMap.newKeySet();
    private final Thread loop;
    private volatile boolean closed;

    AvailabilityController(GenericStore apiServices, ServiceResolver resolver, BackendClients clients,
                           ApiServiceTable table, AvailabilityMetrics metrics, Clock clock, Duration interval,
                           Duration checkTimeout) {
        this.apiServices = apiServices;
        this.resolver = resolver;
        this.clients = clients;
        this.table = table;
        this.metrics = metrics;
        this.clock = clock;
        this.interval = interval;
        this.checkTimeout = checkTimeout;
        this.loop = Thread.ofPlatform().name("caravel-apiservice-availability").daemon().unstarted(this::run);
    }

    void start() {
        loop.start();
        trigger();
    }

    /** Asks for a pass as soon as possible (something an APIService depends on changed). */
    void trigger() {
        wakeUp.release();
    }

    private void run() {
        while (!closed) {
            try {
                wakeUp.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
                if (!closed) {
                    syncAll();
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.warn("aggregation.availability: a pass over the APIServices failed; the next one retries", e);
            }
        }
    }

    /** Reads every APIService, then sets the local ones available and starts a check of each other. */
    void syncAll() {
        List<ApiService> listed = new ArrayList<>();
        for (JsonNode item : apiServices.list("", ListOptions.defaults()).path("items")) {
            listed.add(ApiService.from(item));
        }
        for (ApiService gone : table.all()) {
            if (listed.stream().noneMatch(a -> a.name().equals(gone.name()))) {
                metrics.forget(gone.name());
            }
        }
        table.replaceAll(listed);
        Set<BackendClients.Trust> trusts = new HashSet<>();
        for (ApiService a : listed) {
            if (a.local()) {
                writeCondition(a, AvailableCondition.LOCAL);
                continue;
            }
            trusts.add(BackendClients.Trust.of(a, a.service().orElseThrow()));
            if (checking.add(a.name())) {
                Thread.ofVirtual().name("caravel-apiservice-check-" + a.name()).start(() -> {
                    try {
                        check(a);
                    } catch (RuntimeException e) {
                        LOG.warn("aggregation.availability: checking APIService {} failed", a.name(), e);
                    } finally {
                        checking.remove(a.name());
                    }
                });
            }
        }
        clients.retain(trusts);
    }

    private void check(ApiService apiService) {
        ServiceReference service = apiService.service().orElseThrow();
        AvailableCondition condition;
        switch (resolver.resolve(service)) {
            case ServiceResolver.Unreachable unreachable -> {
                table.resolved(apiService.name(), Optional.empty());
                condition = unreachable.condition();
            }
            case ServiceResolver.Reached reached -> {
                table.resolved(apiService.name(), Optional.of(reached));
                condition = discoveryCheck(apiService, service, reached.base());
            }
        }
        if (!condition.isTrue()) {
            table.discoveryFailed(apiService.name());
        }
        writeCondition(apiService, condition);
    }

    /** GETs the group-version's discovery from the backend; Passed (and the document kept) or FailedDiscoveryCheck. */
    private AvailableCondition discoveryCheck(ApiService apiService, ServiceReference service, URI base) {
        String path = apiService.name().equals("v1.") ? "/api/" + apiService.groupVersion().version()
                : "/apis/" + apiService.groupVersion().group() + "/" + apiService.groupVersion().version();
        URI url = base.resolve(path);
        HttpRequest request = HttpRequest.newBuilder(url).GET().timeout(checkTimeout)
                .header("Accept", "application/json")
                .header("X-Remote-User", AGGREGATOR_USER)
                .header("X-Remote-Group", "system:masters")
                .build();
        try {
            HttpResponse<byte[]> response = clients.client(BackendClients.Trust.of(apiService, service))
                    .sendAsync(request, HttpResponse.BodyHandlers.ofByteArray())
                    .get(checkTimeout.toMillis(), TimeUnit.MILLISECONDS);
            if (response.statusCode() < 200 || response.statusCode() >= 300) {
                return AvailableCondition.unavailable("FailedDiscoveryCheck", "failing or missing response from " + url
                        + ": bad status from " + url + ": " + response.statusCode());
            }
            keepDiscovery(apiService, response.body());
            return AvailableCondition.PASSED;
        } catch (ExecutionException e) {
            return failed(url, e.getCause());
        } catch (TimeoutException e) {
            return failed(url, new java.net.http.HttpTimeoutException("request timed out"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return failed(url, e);
        }
    }

    private static AvailableCondition failed(URI url, Throwable cause) {
        return AvailableCondition.unavailable("FailedDiscoveryCheck",
                "failing or missing response from " + url + ": " + BackendClients.describe("GET", url, cause));
    }

    private void keepDiscovery(ApiService apiService, byte[] body) {
        try {
            JsonNode document = body.length > MAX_DISCOVERY_BYTES ? null : JSON.readTree(body);
            if (document instanceof ObjectNode list && "APIResourceList".equals(list.path("kind").asText())) {
                table.discovered(apiService.name(), list);
                return;
            }
        } catch (java.io.IOException e) {
            LOG.debug("aggregation.availability: APIService {}: the backend's discovery is not JSON", apiService.name(), e);
        }
        table.discoveryFailed(apiService.name());
    }

    /** Writes {@code condition} when it differs from the stored one, logging the transition. */
    private void writeCondition(ApiService apiService, AvailableCondition condition) {
        if (apiService.available().equals(condition)) {
            metrics.observe(apiService.name(), condition);
            return;
        }
        AvailableCondition[] before = {AvailableCondition.UNKNOWN};
        ObjectNode updated;
        try {
            updated = apiServices.update("", apiService.name(), live -> {
                before[0] = AvailableCondition.of(live);
                if (before[0].equals(condition)) {
                    return live;
                }
                setCondition(live, condition, before[0]);
                return live;
            }, GenericStore.Target.STATUS, false, false, GenericStore.Manager.update("kube-apiserver"));
        } catch (StatusException e) {
            if (e.code() == 404 || e.code() == 409) {
                trigger(); // deleted or changed meanwhile: the next pass sees it as it now is
                return;
            }
            throw e;
        }
        table.put(ApiService.from(updated));
        metrics.observe(apiService.name(), condition);
        if (!before[0].equals(condition)) {
            LOG.info("aggregation.availability: APIService {} changed availability: {} -> {} (reason {}): {}",
                    apiService.name(), before[0].status(), condition.status(), condition.reason(), condition.message());
        }
    }

    private void setCondition(ObjectNode apiService, AvailableCondition condition, AvailableCondition before) {
        ObjectNode status = apiService.withObjectProperty("status");
        ArrayNode conditions = status.withArray("conditions");
        ObjectNode entry = null;
        for (JsonNode c : conditions) {
            if (c.path("type").asText().equals(AvailableCondition.TYPE)) {
                entry = (ObjectNode) c;
            }
        }
        if (entry == null) {
            entry = conditions.addObject();
            entry.put("type", AvailableCondition.TYPE);
        }
        if (!before.status().equals(condition.status()) || !entry.hasNonNull("lastTransitionTime")) {
            entry.put("lastTransitionTime", DateTimeFormatter.ISO_INSTANT.format(clock.instant().truncatedTo(ChronoUnit.SECONDS)));
        }
        entry.put("status", condition.status());
        entry.put("reason", condition.reason());
        entry.put("message", condition.message());
        // Kubernetes writes type, status, lastTransitionTime, reason, message: keep that order.
        ObjectNode ordered = JSON.createObjectNode();
        for (String field : List.of("type", "status", "lastTransitionTime", "reason", "message")) {
            if (entry.has(field)) {
                ordered.set(field, entry.get(field));
            }
        }
        entry.removeAll();
        entry.setAll(ordered);
    }

    @Override
    public void close() {
        closed = true;
        loop.interrupt();
    }
}
