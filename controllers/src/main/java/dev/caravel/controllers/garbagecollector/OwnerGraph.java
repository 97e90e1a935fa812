package dev.caravel.controllers.garbagecollector;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.controllers.client.ApiResource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What the garbage collector knows of the cluster: every object of the informed resources by uid,
 * with its owner references, and the reverse index from an owner's uid to its dependents' uids.
 * Kubernetes' GraphBuilder's uidToNode, without its virtual nodes: an owner not (yet) seen is
 * looked up live before anything is decided about it.
 *
 * <p>All methods are synchronized on the graph: informer threads write, workers read snapshots.
 */
final class OwnerGraph {

    /** One owner reference of an object. */
    record Owner(String apiVersion, String kind, String name, String uid, boolean blocksOwnerDeletion) {
        String group() {
            int slash = apiVersion.indexOf('/');
            return slash < 0 ? "" : apiVersion.substring(0, slash);
        }
    }

    /** An object as the collector needs it. */
    record Node(ApiResource resource, String namespace, String name, String uid, List<Owner> owners,
                boolean deleting, List<String> finalizers) {

        Node {
            owners = List.copyOf(owners);
            finalizers = List.copyOf(finalizers);
        }

        static Node of(ApiResource resource, JsonNode object) {
            JsonNode metadata = object.path("metadata");
            List<Owner> owners = new ArrayList<>();
            for (JsonNode ref : metadata.path("ownerReferences")) {
                owners.add(new Owner(ref.path("apiVersion").asText(), ref.path("kind").asText(),
                        ref.path("name").asText(), ref.path("uid").asText(), ref.path("blockOwnerDeletion").asBoolean(false)));
            }
            List<String> finalizers = new ArrayList<>();
            metadata.path("finalizers").forEach(f -> finalizers.add(f.asText()));
            return new Node(resource, metadata.path("namespace").asText(""), metadata.path("name").asText(),
                    metadata.path("uid").asText(), owners, metadata.hasNonNull("deletionTimestamp"), finalizers);
        }

        String path() {
            return resource.collectionPath(resource.namespaced() ? namespace : null) + "/" + name;
        }

        boolean deletingDependents() {
            return deleting && finalizers.contains(GarbageCollector.FOREGROUND_FINALIZER);
        }

        boolean orphaningDependents() {
            return deleting && finalizers.contains(GarbageCollector.ORPHAN_FINALIZER);
        }

        Optional<Owner> ownerWithUid(String ownerUid) {
            return owners.stream().filter(o -> o.uid().equals(ownerUid)).findFirst();
        }

        /** For logs: {@code deployments.apps default/web}. */
        @Override
        public String toString() {
            return resource.groupResource() + " " + (namespace.isEmpty() ? "" : namespace + "/") + name;
        }
    }

    private final Map<String, Node> nodes = new HashMap<>();
    private final Map<String, Set<String>> dependents = new HashMap<>();

    /** Records an object's current state; answers the state it replaces (null when new). */
    synchronized Node put(Node node) {
        Node old = nodes.put(node.uid(), node);
        if (old != null) {
            unlink(old);
        }
        for (Owner owner : node.owners()) {
            dependents.computeIfAbsent(owner.uid(), u -> new HashSet<>()).add(node.uid());
        }
        return old;
    }

    /** Forgets a deleted object; answers what was known of it (null when nothing). */
    synchronized Node remove(String uid) {
        Node old = nodes.remove(uid);
        if (old != null) {
            unlink(old);
        }
        return old;
    }

    private void unlink(Node node) {
        for (Owner owner : node.owners()) {
            Set<String> set = dependents.get(owner.uid());
            if (set != null) {
                set.remove(node.uid());
                if (set.isEmpty()) {
                    dependents.remove(owner.uid());
                }
            }
        }
    }

    synchronized Optional<Node> get(String uid) {
        return Optional.ofNullable(nodes.get(uid));
    }

    /** The known dependents of an owner. */
    synchronized List<Node> dependentsOf(String ownerUid) {
        List<Node> result = new ArrayList<>();
        for (String uid : dependents.getOrDefault(ownerUid, Set.of())) {
            Node node = nodes.get(uid);
            if (node != null) {
                result.add(node);
            }
        }
        return result;
    }

    /** Objects one of whose owners the graph does not hold: candidates for collection. */
    synchronized List<String> withUnseenOwners() {
        List<String> result = new ArrayList<>();
        for (Node node : nodes.values()) {
            if (node.owners().stream().anyMatch(o -> !nodes.containsKey(o.uid()))) {
                result.add(node.uid());
            }
        }
        return result;
    }
}
