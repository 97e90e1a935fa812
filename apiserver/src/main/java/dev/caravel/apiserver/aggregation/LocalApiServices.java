package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.discovery.AggregatedGroupVersions;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.request.DeleteOptions;
import dev.caravel.apiserver.request.ListOptions;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * One local APIService ({@code spec.service: null}) per group-version the server serves itself,
 * as kube-apiserver's autoregister controller keeps them: {@code v1.} for the core group,
 * {@code v1.apps}, ..., with its priorities, and one for each group-version a
 * CustomResourceDefinition adds (groupPriorityMinimum 1000, versionPriority 100, as the CRD
 * registration controller sets them). Kept in step with the resource catalogue; a local APIService
 * of a group-version no longer served is deleted, but only one this controller made (labelled
 * {@value #AUTOMANAGED_LABEL}), never one a user created.
 *
 * <p>The catalogue calls listeners under its lock, so the work runs on a thread of its own.
 */
final class LocalApiServices implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LocalApiServices.class);

    static final String AUTOMANAGED_LABEL = "kube-aggregator.kubernetes.io/automanaged";
    private static final AggregatedGroupVersions.Priority CUSTOM_RESOURCE_PRIORITY = new AggregatedGroupVersions.Priority(1000, 100);
    private static final AggregatedGroupVersions.Priority BUILT_IN_DEFAULT = new AggregatedGroupVersions.Priority(1000, 100);

    /**
     * kube-apiserver's autoregister priorities (pkg/controlplane/apiserver/aggregator.go) for the
     * groups Caravel can serve: the group's order in /apis and the version's within its group.
     */
    private static final Map<String, AggregatedGroupVersions.Priority> BUILT_IN = Map.ofEntries(
            Map.entry("v1", new AggregatedGroupVersions.Priority(18000, 1)),
            Map.entry("apiregistration.k8s.io/v1", new AggregatedGroupVersions.Priority(18000, 15)),
            Map.entry("apps/v1", new AggregatedGroupVersions.Priority(17800, 15)),
            Map.entry("events.k8s.io/v1", new AggregatedGroupVersions.Priority(17750, 15)),
            Map.entry("authentication.k8s.io/v1", new AggregatedGroupVersions.Priority(17700, 15)),
            Map.entry("authorization.k8s.io/v1", new AggregatedGroupVersions.Priority(17600, 15)),
            Map.entry("autoscaling/v1", new AggregatedGroupVersions.Priority(17500, 15)),
            Map.entry("autoscaling/v2", new AggregatedGroupVersions.Priority(17500, 30)),
            Map.entry("batch/v1", new AggregatedGroupVersions.Priority(17400, 15)),
            Map.entry("certificates.k8s.io/v1", new AggregatedGroupVersions.Priority(17300, 15)),
            Map.entry("networking.k8s.io/v1", new AggregatedGroupVersions.Priority(17200, 15)),
            Map.entry("policy/v1", new AggregatedGroupVersions.Priority(17100, 15)),
            Map.entry("rbac.authorization.k8s.io/v1", new AggregatedGroupVersions.Priority(17000, 15)),
            Map.entry("storage.k8s.io/v1", new AggregatedGroupVersions.Priority(16800, 15)),
            Map.entry("admissionregistration.k8s.io/v1", new AggregatedGroupVersions.Priority(16700, 15)),
            Map.entry("apiextensions.k8s.io/v1", new AggregatedGroupVersions.Priority(16700, 15)),
            Map.entry("scheduling.k8s.io/v1", new AggregatedGroupVersions.Priority(16600, 15)),
            Map.entry("coordination.k8s.io/v1", new AggregatedGroupVersions.Priority(16500, 15)),
            Map.entry("node.k8s.io/v1", new AggregatedGroupVersions.Priority(16300, 15)),
            Map.entry("discovery.k8s.io/v1", new AggregatedGroupVersions.Priority(16200, 15)),
            Map.entry("flowcontrol.apiserver.k8s.io/v1", new AggregatedGroupVersions.Priority(16100, 21)));

    private final ResourceCatalogue catalogue;
    private final GenericStore apiServices;
    private final ExecutorService worker = Executors.newSingleThreadExecutor(
            task -> Thread.ofPlatform().name("caravel-local-apiservices").daemon().unstarted(task));
    private AutoCloseable subscription;

    LocalApiServices(ResourceCatalogue catalogue, GenericStore apiServices) {
        this.catalogue = catalogue;
        this.apiServices = apiServices;
    }

    /** The priorities of a group-version the server serves: kube-apiserver's, or a CRD's. */
    static AggregatedGroupVersions.Priority priority(GroupVersion groupVersion) {
        AggregatedGroupVersions.Priority builtIn = BUILT_IN.get(groupVersion.apiVersion());
        if (builtIn != null) {
            return builtIn;
        }
        return groupVersion.group().endsWith(".k8s.io") ? BUILT_IN_DEFAULT : CUSTOM_RESOURCE_PRIORITY;
    }

    /** The APIService name of a group-version: {@code v1.apps}, {@code v1.} for core. */
    static String nameOf(GroupVersion groupVersion) {
        return groupVersion.version() + "." + groupVersion.group();
    }

    /** Reconciles soon (off the starting thread: some twenty writes), then after every catalogue change. */
    void start() {
        worker.execute(this::reconcile);
        subscription = catalogue.subscribe(snapshot -> worker.execute(this::reconcile));
    }

    /** Creates the missing local APIServices, deletes the automanaged ones no longer served. */
    void reconcile() {
        try {
            Set<String> wanted = new HashSet<>();
            for (GroupVersion gv : catalogue.snapshot().groupVersions()) {
                String name = nameOf(gv);
                wanted.add(name);
                ensure(gv, name);
            }
            for (JsonNode item : apiServices.list("", ListOptions.defaults()).path("items")) {
                String name = item.path("metadata").path("name").asText();
                boolean automanaged = item.path("metadata").path("labels").has(AUTOMANAGED_LABEL);
                boolean local = !item.path("spec").path("service").isObject();
                if (automanaged && local && !wanted.contains(name)) {
                    LOG.info("aggregation.local-apiservices: deleting APIService {}: its group-version is no longer served", name);
                    try {
                        apiServices.delete("", name, DeleteOptions.defaults());
                    } catch (StatusException e) {
                        if (e.code() != 404) {
                            throw e;
                        }
                    }
                }
            }
        } catch (RuntimeException e) {
            LOG.warn("aggregation.local-apiservices: reconciling the local APIServices failed; the next catalogue change retries", e);
        }
    }

    private void ensure(GroupVersion gv, String name) {
        try {
            apiServices.get("", name);
            return;
        } catch (StatusException e) {
            if (e.code() != 404) {
                throw e;
            }
        }
        AggregatedGroupVersions.Priority priority = priority(gv);
        ObjectNode object = JsonNodeFactory.instance.objectNode();
        object.put("apiVersion", "apiregistration.k8s.io/v1");
        object.put("kind", "APIService");
        ObjectNode metadata = object.putObject("metadata");
        metadata.put("name", name);
        metadata.putObject("labels").put(AUTOMANAGED_LABEL, BUILT_IN.containsKey(gv.apiVersion()) ? "onstart" : "true");
        ObjectNode spec = object.putObject("spec");
        spec.put("group", gv.group());
        spec.put("version", gv.version());
        spec.put("groupPriorityMinimum", priority.group());
        spec.put("versionPriority", priority.version());
        try {
            apiServices.create("", object, false, GenericStore.Manager.update("kube-apiserver"));
            LOG.debug("aggregation.local-apiservices: created APIService {}", name);
        } catch (StatusException e) {
            if (e.code() != 409) {
                throw e;
            }
        }
    }

    @Override
    public void close() {
        if (subscription != null) {
            try {
                subscription.close();
            } catch (Exception e) {
                LOG.debug("aggregation.local-apiservices: closing the catalogue subscription", e);
            }
        }
        worker.shutdownNow();
        try {
            worker.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
