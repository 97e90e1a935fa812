package dev.caravel.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
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
                pods.put(key(pod), pod);
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
