package dev.caravel.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.informer.Informer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentNavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;

/**
 * The nodes and pods of the cluster as two informers keep them: the metrics server's listers. Maps
 * are sorted (by name; pods by namespace, then name) because the real metrics-server answers in the
 * order the API would. Reads never call the API server: a list of metrics costs no request to it.
 */
final class ClusterState implements AutoCloseable {

    private static final Informer.Options INFORMER_OPTIONS =
            new Informer.Options(Duration.ofMillis(200), Duration.ofSeconds(10), 300);

    private final ConcurrentNavigableMap<String, JsonNode> nodes = new ConcurrentSkipListMap<>();
    // Keyed "namespace/name": one namespace is a contiguous range.
    private final ConcurrentNavigableMap<String, JsonNode> pods = new ConcurrentSkipListMap<>();
    private final Informer nodeInformer;
    private final Informer podInformer;
    private final List<Thread> threads = new ArrayList<>();

    ClusterState(ApiClient client) {
        nodeInformer = new Informer(client, "/api/v1/nodes", "metrics-server", INFORMER_OPTIONS, new Informer.Handler() {
            @Override
            public void upserted(JsonNode node) {
                nodes.put(name(node), node);
            }

            @Override
            public void deleted(JsonNode node) {
                nodes.remove(name(node));
            }
        });
        podInformer = new Informer(client, "/api/v1/pods", "metrics-server", INFORMER_OPTIONS, new Informer.Handler() {
            @Override
            public void upserted(JsonNode pod) {
                pods.put(key(pod), usageRelevant(pod));
            }

            @Override
            public void deleted(JsonNode pod) {
                pods.remove(key(pod));
            }
        });
    }

    void start() {
        threads.add(Thread.ofVirtual().name("metrics-server-nodes").start(nodeInformer::run));
        threads.add(Thread.ofVirtual().name("metrics-server-pods").start(podInformer::run));
    }

    /** Whether both informers have listed once: until then a missing object may merely be unseen. */
    boolean hasSynced() {
        return nodeInformer.hasSynced() && podInformer.hasSynced();
    }

    List<JsonNode> nodes() {
        return List.copyOf(nodes.values());
    }

    Optional<JsonNode> node(String name) {
        return Optional.ofNullable(nodes.get(name));
    }

    /** The pods of a namespace, or of every namespace when {@code namespace} is null. */
    List<JsonNode> pods(String namespace) {
        if (namespace == null) {
            return List.copyOf(pods.values());
        }
        // '/' + 1 is '0': the range ["ns/", "ns0") holds exactly the keys "ns/<name>".
        return List.copyOf(pods.subMap(namespace + "/", namespace + "0").values());
    }

    Optional<JsonNode> pod(String namespace, String name) {
        return Optional.ofNullable(pods.get(namespace + "/" + name));
    }

    /**
     * What the metrics of a pod depend on, and nothing else: its identity and labels, its node and
     * phase, its containers' names and resources. A full pod is several kilobytes (env, volumes,
     * probes, managed fields); kept whole for 150,000 pods that is most of a gigabyte. The real
     * metrics-server keeps only metadata for the same reason.
     */
    static JsonNode usageRelevant(JsonNode pod) {
        ObjectNode kept = JsonNodeFactory.instance.objectNode();
        ObjectNode metadata = kept.putObject("metadata");
        for (String field : new String[] {"name", "namespace", "uid", "labels"}) {
            if (pod.path("metadata").has(field)) {
                metadata.set(field, pod.path("metadata").get(field));
            }
        }
        ObjectNode spec = kept.putObject("spec");
        spec.put("nodeName", pod.path("spec").path("nodeName").asText(""));
        for (String list : new String[] {"initContainers", "containers"}) {
            ArrayNode containers = spec.putArray(list);
            for (JsonNode container : pod.path("spec").path(list)) {
                ObjectNode c = containers.addObject().put("name", container.path("name").asText());
                if (container.has("restartPolicy")) {
                    c.set("restartPolicy", container.get("restartPolicy"));
                }
                if (container.has("resources")) {
                    c.set("resources", container.get("resources"));
                }
            }
        }
        kept.putObject("status").put("phase", pod.path("status").path("phase").asText(""));
        return kept;
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    private static String key(JsonNode pod) {
        return pod.path("metadata").path("namespace").asText() + "/" + name(pod);
    }

    @Override
    public void close() {
        nodeInformer.close();
        podInformer.close();
        for (Thread t : threads) {
            t.interrupt();
        }
    }
}
