package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.discovery.AggregatedGroupVersions;
import dev.caravel.apiserver.resource.GroupVersion;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the aggregator knows of the APIServices: each one as last read (spec and Available
 * condition) and, for those with a service, the backend's discovery as last fetched. The proxy
 * routes by it and discovery merges it ({@link AggregatedGroupVersions}); the availability
 * controller writes it. Thread-safe: readers see immutable maps swapped whole.
 */
final class ApiServiceTable implements AggregatedGroupVersions {

    /** A backend's last discovery: its APIResourceList (empty when it never answered) and whether the last fetch failed. */
    record Discovery(Optional<ObjectNode> resourceList, boolean stale) {
        static final Discovery NEVER_FETCHED = new Discovery(Optional.empty(), true);
    }

    private final AtomicLong generation = new AtomicLong(1);
    /** Guarded by this for writes; read without it. */
    private volatile Map<GroupVersion, ApiService> byGroupVersion = Map.of();
    private volatile Map<String, Discovery> discovery = Map.of();
    /** Where each APIService's service was last found; replaced at each check, dropped when it was not found. */
    private final Map<String, ServiceResolver.Reached> endpoints = new java.util.concurrent.ConcurrentHashMap<>();

    /** The APIService claiming {@code groupVersion}, if any. */
    Optional<ApiService> claiming(GroupVersion groupVersion) {
        return Optional.ofNullable(byGroupVersion.get(groupVersion));
    }

    Collection<ApiService> all() {
        return byGroupVersion.values();
    }

    /** Replaces every APIService with those just listed. */
    synchronized void replaceAll(Collection<ApiService> listed) {
        Map<GroupVersion, ApiService> next = new HashMap<>();
        for (ApiService a : listed) {
            next.put(a.groupVersion(), a);
        }
        if (!next.equals(byGroupVersion)) {
            byGroupVersion = Map.copyOf(next);
            Map<String, Discovery> kept = new HashMap<>(discovery);
            kept.keySet().removeIf(name -> listed.stream().noneMatch(a -> a.name().equals(name)));
            discovery = Map.copyOf(kept);
            endpoints.keySet().removeIf(name -> listed.stream().noneMatch(a -> a.name().equals(name)));
            generation.incrementAndGet();
        }
    }

    /** Takes in one APIService as just written. */
    synchronized void put(ApiService apiService) {
        if (!apiService.equals(byGroupVersion.get(apiService.groupVersion()))) {
            Map<GroupVersion, ApiService> next = new HashMap<>(byGroupVersion);
            next.put(apiService.groupVersion(), apiService);
            byGroupVersion = Map.copyOf(next);
            generation.incrementAndGet();
        }
    }

    /**
     * Remembers where the last check found {@code apiServiceName}'s backends (empty: nowhere), so
     * the proxy does not read the Service and its Endpoints on every request. A change of either
     * wakes the availability controller, which resolves again before anything else.
     */
    void resolved(String apiServiceName, Optional<ServiceResolver.Reached> reached) {
        reached.ifPresentOrElse(r -> endpoints.put(apiServiceName, r), () -> endpoints.remove(apiServiceName));
    }

    /** Where {@code apiServiceName}'s backends were last found; empty when not yet, or not found. */
    Optional<ServiceResolver.Reached> endpointsOf(String apiServiceName) {
        return Optional.ofNullable(endpoints.get(apiServiceName));
    }

    /** Records a backend's discovery answer. */
    synchronized void discovered(String apiServiceName, ObjectNode resourceList) {
        setDiscovery(apiServiceName, new Discovery(Optional.of(resourceList.deepCopy()), false));
    }

    /** Records a failed fetch: the last answer is kept, marked stale. */
    synchronized void discoveryFailed(String apiServiceName) {
        Discovery last = discovery.getOrDefault(apiServiceName, Discovery.NEVER_FETCHED);
        setDiscovery(apiServiceName, new Discovery(last.resourceList(), true));
    }

    private void setDiscovery(String name, Discovery value) {
        if (!value.equals(discovery.get(name))) {
            Map<String, Discovery> next = new HashMap<>(discovery);
            next.put(name, value);
            discovery = Map.copyOf(next);
            generation.incrementAndGet();
        }
    }

    @Override
    public long generation() {
        return generation.get();
    }

    @Override
    public List<Remote> remoteGroupVersions() {
        Map<String, Discovery> fetched = discovery;
        List<Remote> remotes = new ArrayList<>();
        for (ApiService a : byGroupVersion.values()) {
            if (a.local()) {
                continue;
            }
            Discovery d = fetched.getOrDefault(a.name(), Discovery.NEVER_FETCHED);
            // An APIService that is not Available is stale whatever was fetched before, as the
            // aggregator's proxy refuses its discovery request then.
            boolean stale = d.stale() || !a.available().isTrue();
            remotes.add(new Remote(a.groupVersion(), new Priority(a.groupPriorityMinimum(), a.versionPriority()),
                    d.resourceList(), stale));
        }
        return remotes;
    }

    @Override
    public Priority localPriority(GroupVersion groupVersion) {
        return LocalApiServices.priority(groupVersion);
    }
}
