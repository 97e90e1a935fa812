package dev.caravel.benchmarks.liststorm;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.Op;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.rocksdb.RocksDbStore;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;

/**
 * Fills a RocksDB store with a large cluster: nodes through the API, pods straight into storage
 * from a template the API server itself wrote (docs/decisions/0018-list-storm-seeding.md).
 *
 * <p>The template is one pod created through the API by "kube-controller-manager" and given its
 * status by "kubelet" (PUT /status), so its defaults, status and managedFields are the server's
 * own. Each seeded pod is that template with its own name, namespace, uid, labels' values,
 * owner, node, addresses and a padding annotation that pads it to a size drawn evenly from 4 to
 * 8 KiB (a draw below the template's own size, about 6.2 KiB with its managedFields, leaves the
 * pod at that size, so sizes run from 6.2 to 8 KiB, 7.2 KiB on average); the label and
 * annotation keys stay the template's, so its managedFields still describe it. Pods are
 * stored as GenericStore stores them (JSON without resourceVersion, under
 * /registry/pods/NAMESPACE/NAME), up to 128 or about 1.2 MB to a transaction.
 */
final class ClusterSeed {

    /** Each app label is shared by this many pods: a label-selected list returns at most 5. */
    static final int PODS_PER_APP = 5;
    /** Nodes per node group, as in a cloud node pool. */
    static final int NODES_PER_GROUP = 50;
    static final int NAMESPACES = 20;
    static final int MIN_POD_BYTES = 4 * 1024;
    static final int MAX_POD_BYTES = 8 * 1024;
    /** Under the store's limits on a transaction (etcd's: 1.5 MiB, 128 operations). */
    private static final int BYTES_PER_TXN = 1_200_000;
    private static final int PUTS_PER_TXN = 128;
    private static final String PADDING = "bench.caravel.dev/padding";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What was seeded: counts, bytes as stored, and how long each part took. */
    record Seeded(int nodes, int pods, int groups, long nodeJsonBytes, long podJsonBytes, int templateBytes,
                  double nodeSeconds, double podSeconds) {}

    private ClusterSeed() {}

    static String namespace(int pod) {
        return String.format("storm-%02d", pod % NAMESPACES);
    }

    static String podName(int pod) {
        return String.format("pod-%06d", pod);
    }

    static String nodeName(int node) {
        return String.format("node-%05d", node);
    }

    static String group(int group) {
        return String.format("group-%03d", group);
    }

    static String app(int app) {
        return String.format("app-%05d", app);
    }

    static int groups(int nodes) {
        return Math.max(1, (nodes + NODES_PER_GROUP - 1) / NODES_PER_GROUP);
    }

    static Seeded seed(Path folder, int nodes, int pods) throws Exception {
        try (KeyValueStore store = RocksDbStore.open(folder)) {
            CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
            server.start();
            try (HttpLists http = new HttpLists(server.url())) {
                for (int n = 0; n < NAMESPACES; n++) {
                    http.send("POST", "/api/v1/namespaces", "application/json",
                            "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"" + namespace(n) + "\"}}");
                }
                long start = System.nanoTime();
                createNodes(http, nodes);
                double nodeSeconds = (System.nanoTime() - start) / 1e9;
                progress("seeded " + nodes + " nodes through the API in " + String.format("%.1f", nodeSeconds) + " s");

                ObjectNode template = podTemplate(http, store);
                start = System.nanoTime();
                long podBytes = putPods(store, template, nodes, pods);
                double podSeconds = (System.nanoTime() - start) / 1e9;
                progress("seeded " + pods + " pods (" + (podBytes >> 20) + " MiB of JSON) into storage in "
                        + String.format("%.1f", podSeconds) + " s");
                long nodeBytes = storedBytes(store, "/registry/nodes/");
                return new Seeded(nodes, pods, groups(nodes), nodeBytes, podBytes,
                        JSON.writeValueAsBytes(template).length, nodeSeconds, podSeconds);
            } finally {
                server.close();
            }
        }
    }

    private static void createNodes(HttpLists http, int nodes) throws Exception {
        Semaphore inFlight = new Semaphore(16);
        List<Future<?>> results = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int i = 0; i < nodes; i++) {
                int node = i;
                inFlight.acquire();
                results.add(pool.submit(() -> {
                    try {
                        http.send("POST", "/api/v1/nodes?fieldManager=kubelet", "application/json", nodeJson(node));
                    } finally {
                        inFlight.release();
                    }
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get();
            }
        }
    }

    private static String nodeJson(int node) {
        String name = nodeName(node);
        return """
                {"apiVersion":"v1","kind":"Node","metadata":{"name":"%s","labels":{
                 "kubernetes.io/hostname":"%s","node-group":"%s","topology.kubernetes.io/zone":"zone-%d",
                 "topology.kubernetes.io/region":"region-1","node.kubernetes.io/instance-type":"m5.2xlarge",
                 "kubernetes.io/os":"linux","kubernetes.io/arch":"amd64","beta.kubernetes.io/os":"linux",
                 "beta.kubernetes.io/arch":"amd64"},
                 "annotations":{"node.alpha.kubernetes.io/ttl":"0","volumes.kubernetes.io/controller-managed-attach-detach":"true"}},
                 "spec":{"podCIDR":"10.%d.%d.0/24","podCIDRs":["10.%d.%d.0/24"],"providerID":"aws:///zone-%d/i-%012x"},
                 "status":{"capacity":{"cpu":"8","memory":"32329396Ki","pods":"110","ephemeral-storage":"104845292Ki"},
                  "allocatable":{"cpu":"7910m","memory":"31312564Ki","pods":"110","ephemeral-storage":"95551679124"},
                  "conditions":[
                   {"type":"MemoryPressure","status":"False","reason":"KubeletHasSufficientMemory","message":"kubelet has sufficient memory available","lastHeartbeatTime":"2026-11-25T10:00:00Z","lastTransitionTime":"2026-11-20T10:00:00Z"},
                   {"type":"DiskPressure","status":"False","reason":"KubeletHasNoDiskPressure","message":"kubelet has no disk pressure","lastHeartbeatTime":"2026-11-25T10:00:00Z","lastTransitionTime":"2026-11-20T10:00:00Z"},
                   {"type":"PIDPressure","status":"False","reason":"KubeletHasSufficientPID","message":"kubelet has sufficient PID available","lastHeartbeatTime":"2026-11-25T10:00:00Z","lastTransitionTime":"2026-11-20T10:00:00Z"},
                   {"type":"Ready","status":"True","reason":"KubeletReady","message":"kubelet is posting ready status","lastHeartbeatTime":"2026-11-25T10:00:00Z","lastTransitionTime":"2026-11-20T10:00:00Z"}],
                  "addresses":[{"type":"InternalIP","address":"10.200.%d.%d"},{"type":"Hostname","address":"%s"}],
                  "daemonEndpoints":{"kubeletEndpoint":{"Port":10250}},
                  "nodeInfo":{"machineID":"%032x","systemUUID":"%s","bootID":"%s","kernelVersion":"6.1.0-27-cloud-amd64",
                   "osImage":"Debian GNU/Linux 12 (bookworm)","containerRuntimeVersion":"containerd://1.7.22","kubeletVersion":"v1.32.3",
                   "kubeProxyVersion":"v1.32.3","operatingSystem":"linux","architecture":"amd64"}}}
                """.formatted(name, name, group(node / NODES_PER_GROUP), node % 3,
                node / 256, node % 256, node / 256, node % 256, node % 3, node,
                node / 256, node % 256, name, (long) node, new UUID(0, node), new UUID(1, node));
    }

    /** Creates the template pod through the API, gives it a status as a kubelet would, reads it as stored, deletes it. */
    private static ObjectNode podTemplate(HttpLists http, KeyValueStore store) throws Exception {
        String ns = namespace(0);
        http.send("POST", "/api/v1/namespaces/" + ns + "/pods?fieldManager=kube-controller-manager", "application/json", """
                {"apiVersion":"v1","kind":"Pod","metadata":{"name":"template","labels":{"app":"app-00000",
                 "pod-template-hash":"5d8f7c9b4","tier":"web","team":"team-00"},
                 "annotations":{"%s":"","kubectl.kubernetes.io/default-container":"app"},
                 "ownerReferences":[{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"app-00000-5d8f7c9b4",
                  "uid":"00000000-0000-0000-0000-000000000000","controller":true,"blockOwnerDeletion":true}]},
                 "spec":{"nodeName":"node-00000","serviceAccountName":"default","terminationGracePeriodSeconds":30,
                  "containers":[
                   {"name":"app","image":"registry.example.com/shop/app:1.42.7","imagePullPolicy":"IfNotPresent",
                    "ports":[{"name":"http","containerPort":8080,"protocol":"TCP"},{"name":"metrics","containerPort":9090,"protocol":"TCP"}],
                    "env":[{"name":"LOG_LEVEL","value":"info"},{"name":"DB_HOST","value":"postgres.storm.svc"},
                     {"name":"POD_NAME","valueFrom":{"fieldRef":{"fieldPath":"metadata.name"}}},
                     {"name":"POD_IP","valueFrom":{"fieldRef":{"fieldPath":"status.podIP"}}}],
                    "resources":{"requests":{"cpu":"250m","memory":"256Mi"},"limits":{"cpu":"1","memory":"512Mi"}},
                    "readinessProbe":{"httpGet":{"path":"/ready","port":8080},"periodSeconds":10},
                    "livenessProbe":{"httpGet":{"path":"/live","port":8080},"initialDelaySeconds":15,"periodSeconds":20},
                    "volumeMounts":[{"name":"config","mountPath":"/etc/app"}]},
                   {"name":"proxy","image":"registry.example.com/mesh/proxy:1.22.1",
                    "resources":{"requests":{"cpu":"50m","memory":"64Mi"},"limits":{"cpu":"200m","memory":"128Mi"}}}],
                  "volumes":[{"name":"config","configMap":{"name":"app-config"}}],
                  "tolerations":[{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300},
                   {"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}]}}
                """.formatted(PADDING));
        ObjectNode pod = (ObjectNode) JSON.readTree(http.getString("/api/v1/namespaces/" + ns + "/pods/template"));
        ObjectNode status = (ObjectNode) JSON.readTree("""
                {"phase":"Running","qosClass":"Burstable","hostIP":"10.200.0.0","hostIPs":[{"ip":"10.200.0.0"}],
                 "podIP":"10.0.0.1","podIPs":[{"ip":"10.0.0.1"}],"startTime":"2026-11-25T10:00:00Z",
                 "conditions":[
                  {"type":"PodReadyToStartContainers","status":"True","lastTransitionTime":"2026-11-25T10:00:02Z"},
                  {"type":"Initialized","status":"True","lastTransitionTime":"2026-11-25T10:00:00Z"},
                  {"type":"Ready","status":"True","lastTransitionTime":"2026-11-25T10:00:20Z"},
                  {"type":"ContainersReady","status":"True","lastTransitionTime":"2026-11-25T10:00:20Z"},
                  {"type":"PodScheduled","status":"True","lastTransitionTime":"2026-11-25T10:00:00Z"}],
                 "containerStatuses":[
                  {"name":"app","ready":true,"started":true,"restartCount":0,"image":"registry.example.com/shop/app:1.42.7",
                   "imageID":"registry.example.com/shop/app@sha256:3f1c2a","containerID":"containerd://0","state":{"running":{"startedAt":"2026-11-25T10:00:03Z"}}},
                  {"name":"proxy","ready":true,"started":true,"restartCount":0,"image":"registry.example.com/mesh/proxy:1.22.1",
                   "imageID":"registry.example.com/mesh/proxy@sha256:9ab7e1","containerID":"containerd://1","state":{"running":{"startedAt":"2026-11-25T10:00:03Z"}}}]}
                """);
        pod.set("status", status);
        http.send("PUT", "/api/v1/namespaces/" + ns + "/pods/template/status?fieldManager=kubelet", "application/json",
                JSON.writeValueAsString(pod));
        KeyValue stored = store.get(ByteKeys.utf8("/registry/pods/" + ns + "/template"));
        ObjectNode template = (ObjectNode) JSON.readTree(stored.value());
        http.send("DELETE", "/api/v1/namespaces/" + ns + "/pods/template", "application/json", "{}");
        return template;
    }

    /** Writes the pods in transactions within the store's limits; returns the bytes stored. */
    private static long putPods(KeyValueStore store, ObjectNode template, int nodes, int pods) throws Exception {
        int baseBytes = JSON.writeValueAsBytes(pod(template, 0, nodes, "")).length;
        long total = 0;
        List<Op> batch = new ArrayList<>();
        long batchBytes = 0;
        for (int i = 0; i < pods; i++) {
            int target = MIN_POD_BYTES + new Random(i).nextInt(MAX_POD_BYTES - MIN_POD_BYTES);
            ObjectNode pod = pod(template, i, nodes, "x".repeat(Math.max(0, target - baseBytes)));
            byte[] value = JSON.writeValueAsBytes(pod);
            total += value.length;
            batch.add(Op.put(ByteKeys.utf8("/registry/pods/" + namespace(i) + "/" + podName(i)), value));
            batchBytes += value.length + 64;
            if (batchBytes + MAX_POD_BYTES + 64 > BYTES_PER_TXN || batch.size() == PUTS_PER_TXN || i == pods - 1) {
                store.txn(new TxnRequest(List.of(), List.copyOf(batch), List.of()));
                batch.clear();
                batchBytes = 0;
            }
            if ((i + 1) % 25_000 == 0) {
                progress("  " + (i + 1) + " pods stored");
            }
        }
        return total;
    }

    /** The template as pod {@code i}: its own identity, labels' values, owner, node and addresses. */
    static ObjectNode pod(ObjectNode template, int i, int nodes, String padding) {
        ObjectNode pod = template.deepCopy();
        int app = i / PODS_PER_APP;
        int node = i % nodes;
        String hash = String.format("%09x", (app * 2654435761L) & 0xfffffffffL);
        ObjectNode metadata = pod.withObjectProperty("metadata");
        metadata.put("name", podName(i));
        metadata.put("namespace", namespace(i));
        metadata.put("uid", new UUID(0x5eed_0000_0000_0000L, i).toString());
        metadata.put("creationTimestamp", Instant.parse("2026-11-20T00:00:00Z").plusSeconds(i).toString());
        ObjectNode labels = metadata.withObjectProperty("labels");
        labels.put("app", app(app));
        labels.put("pod-template-hash", hash);
        labels.put("tier", List.of("web", "worker", "cache").get(i % 3));
        labels.put("team", "team-" + String.format("%02d", i % 40));
        metadata.withObjectProperty("annotations").put(PADDING, padding);
        ObjectNode owner = (ObjectNode) metadata.withArrayProperty("ownerReferences").get(0);
        owner.put("name", app(app) + "-" + hash);
        owner.put("uid", new UUID(0x0a11_0000_0000_0000L, app).toString());
        pod.withObjectProperty("spec").put("nodeName", nodeName(node));
        ObjectNode status = pod.withObjectProperty("status");
        String hostIp = "10.200." + node / 256 + "." + node % 256;
        String podIp = "10." + (node / 256) + "." + (node % 256) + "." + (i / nodes % 250 + 2);
        status.put("hostIP", hostIp);
        ((ObjectNode) status.withArrayProperty("hostIPs").get(0)).put("ip", hostIp);
        status.put("podIP", podIp);
        ((ObjectNode) status.withArrayProperty("podIPs").get(0)).put("ip", podIp);
        ArrayNode containers = status.withArrayProperty("containerStatuses");
        for (int c = 0; c < containers.size(); c++) {
            ((ObjectNode) containers.get(c)).put("containerID", String.format("containerd://%016x%02d", (long) i, c));
        }
        return pod;
    }

    private static long storedBytes(KeyValueStore store, String prefix) {
        byte[] key = ByteKeys.utf8(prefix);
        long total = 0;
        for (KeyValue kv : store.range(dev.caravel.storage.RangeRequest.interval(key, ByteKeys.prefixEnd(key))).kvs()) {
            total += kv.value().length;
        }
        return total;
    }

    private static void progress(String message) {
        System.err.println("list-storm: " + message);
    }
}
