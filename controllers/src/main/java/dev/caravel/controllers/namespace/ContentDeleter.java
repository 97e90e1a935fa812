package dev.caravel.controllers.namespace;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.controllers.client.ApiResource;
import dev.caravel.controllers.client.Discovery;
import dev.caravel.controllers.client.GroupVersion;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One pass over a terminating namespace's content, as kube-controller-manager's namespaced
 * resources deleter makes it: discover every namespaced resource that supports {@code delete};
 * a failed discovery is reported but does not stop the deletion of what was discovered; for each
 * resource, delete the collection (or, where deletecollection is not served, each object), then
 * list what is left. What is left is fine while it is expected to go (pods in their grace period,
 * objects held by finalizers) and an error otherwise. The outcome is a {@link DeletionReport}.
 */
final class ContentDeleter {

    private static final Logger log = LoggerFactory.getLogger(NamespaceController.COMPONENT);
    /** How long objects held by finalizers are expected to take, as the reference assumes. */
    static final long FINALIZER_ESTIMATE_SECONDS = 15;

    private final ApiClient client;
    private final Clock clock;

    ContentDeleter(ApiClient client, Clock clock) {
        this.client = client;
        this.clock = clock;
    }

    /** The outcome of deleting one resource's content: an estimate, what is left and an error, if any. */
    private record ResourceOutcome(long estimateSeconds, int remaining, Map<String, Integer> finalizers, String error) {
        static ResourceOutcome failed(long estimate, String error) {
            return new ResourceOutcome(estimate, 0, Map.of(), error);
        }
    }

    DeletionReport deleteAll(String namespace, Instant deletedAt) throws IOException, InterruptedException {
        Discovery discovery = client.discover();
        discovery.failures().forEach((gv, why) -> log.warn(
                "{}: namespace {}: discovery of group version {} failed, its content cannot be deleted until it answers: {}",
                NamespaceController.COMPONENT, namespace, gv, why));
        Optional<String> unparsable = discovery.unparsableVersions().stream().findFirst();
        List<String> errors = new ArrayList<>();
        Map<String, Integer> remaining = new LinkedHashMap<>();
        Map<String, Integer> finalizers = new LinkedHashMap<>();
        long estimate = 0;
        if (unparsable.isPresent()) {
            // the reference turns discovery into resources in one step that fails as a whole: nothing is deleted
            log.warn("{}: namespace {}: discovery returned an unparsable group version {}, deleting nothing this pass",
                    NamespaceController.COMPONENT, namespace, unparsable.get());
        } else {
            for (ApiResource resource : discovery.resources()) {
                if (!resource.namespaced() || !resource.supports("delete")) {
                    continue;
                }
                ResourceOutcome outcome = deleteContent(resource, namespace, deletedAt);
                if (outcome.error() != null) {
                    log.warn("{}: namespace {}: deleting {} failed: {}", NamespaceController.COMPONENT, namespace,
                            resource.groupResource(), outcome.error());
                    errors.add(outcome.error());
                }
                estimate = Math.max(estimate, outcome.estimateSeconds());
                if (outcome.remaining() > 0) {
                    remaining.put(resource.name() + "." + resource.groupVersion().group(), outcome.remaining());
                    outcome.finalizers().forEach((f, n) -> finalizers.merge(f, n, Integer::sum));
                }
            }
        }
        return new DeletionReport(discovery.failures(), unparsable, errors, remaining, finalizers, estimate);
    }

    private ResourceOutcome deleteContent(ApiResource resource, String namespace, Instant deletedAt) throws InterruptedException {
        long estimate;
        try {
            estimate = estimateGracefulTermination(resource, namespace, deletedAt);
        } catch (IOException e) {
            return ResourceOutcome.failed(0, messageOf(e));
        }
        try {
            if (!deleteCollection(resource, namespace)) {
                deleteEach(resource, namespace);
            }
        } catch (IOException e) {
            return ResourceOutcome.failed(estimate, messageOf(e));
        }
        if (!resource.supports("list")) {
            return new ResourceOutcome(estimate, 0, Map.of(), null);
        }
        JsonNode items;
        try {
            items = client.list(resource, namespace).path("items");
        } catch (ApiException e) {
            if (e.code() == 404 || e.code() == 405) {
                return new ResourceOutcome(estimate, 0, Map.of(), null);
            }
            return ResourceOutcome.failed(estimate, messageOf(e));
        } catch (IOException e) {
            return ResourceOutcome.failed(estimate, messageOf(e));
        }
        if (items.isEmpty()) {
            return new ResourceOutcome(0, 0, Map.of(), null);
        }
        Map<String, Integer> finalizers = new LinkedHashMap<>();
        for (JsonNode item : items) {
            item.path("metadata").path("finalizers").forEach(f -> finalizers.merge(f.asText(), 1, Integer::sum));
        }
        if (estimate != 0) {
            return new ResourceOutcome(estimate, items.size(), finalizers, null);
        }
        if (!finalizers.isEmpty()) {
            return new ResourceOutcome(FINALIZER_ESTIMATE_SECONDS, items.size(), finalizers, null);
        }
        return new ResourceOutcome(0, items.size(), Map.of(),
                "unexpected items still remain in namespace: " + namespace + " for gvr: " + gvr(resource));
    }

    /** True when the server deleted the collection; false when it does not serve deletecollection for it. */
    private boolean deleteCollection(ApiResource resource, String namespace) throws IOException, InterruptedException {
        if (!resource.supports("deletecollection")) {
            return false;
        }
        try {
            client.delete(resource.collectionPath(namespace), backgroundPropagation());
            log.debug("{}: namespace {}: deleted the collection of {}", NamespaceController.COMPONENT, namespace, resource.groupResource());
            return true;
        } catch (ApiException e) {
            if (e.code() == 404 || e.code() == 405) {
                return false; // advertised but not served: one by one
            }
            throw e;
        }
    }

    private void deleteEach(ApiResource resource, String namespace) throws IOException, InterruptedException {
        if (!resource.supports("list")) {
            return;
        }
        JsonNode items;
        try {
            items = client.list(resource, namespace).path("items");
        } catch (ApiException e) {
            if (e.code() == 404 || e.code() == 405) {
                return;
            }
            throw e;
        }
        for (JsonNode item : items) {
            String name = item.path("metadata").path("name").asText();
            try {
                client.delete(resource.collectionPath(namespace) + "/" + ApiClient.pathSegment(name), backgroundPropagation());
                log.debug("{}: namespace {}: deleted {} {}", NamespaceController.COMPONENT, namespace, resource.groupResource(), name);
            } catch (ApiException e) {
                if (e.code() != 404 && e.code() != 405) {
                    throw e;
                }
            }
        }
    }

    /**
     * Pods get their longest grace period among those not yet finished, counted from the
     * namespace's deletion: within it, pods left are expected; past it, they are not.
     */
    private long estimateGracefulTermination(ApiResource resource, String namespace, Instant deletedAt)
            throws IOException, InterruptedException {
        if (!resource.groupVersion().group().isEmpty() || !resource.name().equals("pods")) {
            return 0;
        }
        long estimate = 0;
        for (JsonNode pod : client.list(resource, namespace).path("items")) {
            String phase = pod.path("status").path("phase").asText();
            if (phase.equals("Succeeded") || phase.equals("Failed")) {
                continue;
            }
            JsonNode grace = pod.path("spec").path("terminationGracePeriodSeconds");
            if (grace.isNumber()) {
                estimate = Math.max(estimate, grace.asLong());
            }
        }
        Duration sinceDeletion = Duration.between(deletedAt, clock.instant());
        return sinceDeletion.compareTo(Duration.ofSeconds(estimate)) >= 0 ? 0 : estimate;
    }

    /** The namespace controller does not want orphans: dependents go with their owners, in the background. */
    private static ObjectNode backgroundPropagation() {
        ObjectNode options = JsonNodeFactory.instance.objectNode();
        options.put("kind", "DeleteOptions");
        options.put("apiVersion", "v1");
        options.put("propagationPolicy", "Background");
        return options;
    }

    /** client-go prints a GroupVersionResource as {@code group/version, Resource=name}. */
    private static String gvr(ApiResource resource) {
        GroupVersion gv = resource.groupVersion();
        return gv.group() + "/" + gv.version() + ", Resource=" + resource.name();
    }

    /** The error as the reference words it: a Status's message alone. */
    static String messageOf(IOException e) {
        return e instanceof ApiException api ? api.statusMessage() : String.valueOf(e.getMessage());
    }
}
