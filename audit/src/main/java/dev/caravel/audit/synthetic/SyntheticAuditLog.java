package dev.caravel.audit.synthetic;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.caravel.audit.event.MicroTimestamp;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Random;
import java.util.UUID;

/**
 * Writes a realistic kube-apiserver audit log ({@code audit.k8s.io/v1}, Metadata level, one event
 * a line, RequestReceived then ResponseComplete for each request, ResponseStarted for watches),
 * optionally with incident 3's list storm in it.
 *
 * <p>The cluster: kubelets renewing leases and patching node status, controller-manager and
 * scheduler service accounts, people running kubectl, and long-lived watches from all of them.
 * The storm: the node-group controller's deletion-protection webhook listing nodes by label and
 * then each node's pods, every list read from etcd (about 2.6 s each, the incident's figure),
 * started often enough that about {@code stormListsInFlight} are in flight on average.
 *
 * <p>Deterministic for a given seed. Used by tests (the CLI names the culprit) and by the
 * benchmark (a 1 GB log); not a fixture format of its own, just the real one.
 */
public final class SyntheticAuditLog {

    /** The storm's user, as the incident's controller would authenticate: a service account. */
    public static final String STORM_USER = "system:serviceaccount:kube-system:node-group-controller";

    /**
     * @param requestsPerSecond  background request rate, watches included
     * @param stormListsInFlight mean LIST requests the storm keeps in flight while it lasts; 0 for no storm
     * @param stormFrom          storm start, from the log's start
     * @param stormFor           storm length
     * @param nodes              cluster size: kubelets and the node names in requests
     */
    public record Settings(Instant start, Duration length, double requestsPerSecond, double stormListsInFlight,
                           Duration stormFrom, Duration stormFor, int nodes, long seed, String apiVersion) {
        public Settings {
            Objects.requireNonNull(start, "start");
            Objects.requireNonNull(length, "length");
            Objects.requireNonNull(apiVersion, "apiVersion");
            if (requestsPerSecond <= 0 || nodes < 1) {
                throw new IllegalArgumentException("need a positive request rate and at least one node");
            }
        }

        /** Incident 3 in miniature: 20 minutes of a 300-node cluster, a 10-minute storm of ~100 lists in flight. */
        public static Settings nodeGroupStorm(long seed) {
            return new Settings(Instant.parse("2026-11-02T09:00:00Z"), Duration.ofMinutes(20), 150, 100,
                    Duration.ofMinutes(5), Duration.ofMinutes(10), 300, seed, "audit.k8s.io/v1");
        }

        public Settings withLength(Duration newLength) {
            return new Settings(start, newLength, requestsPerSecond, stormListsInFlight, stormFrom, stormFor, nodes,
                    seed, apiVersion);
        }

        public Settings withRate(double newRequestsPerSecond) {
            return new Settings(start, length, newRequestsPerSecond, stormListsInFlight, stormFrom, stormFor, nodes,
                    seed, apiVersion);
        }
    }

    /** What was written. */
    public record Written(long requests, long events, long bytes, long stormRequests) {
    }

    /** A label-selected list of a few pods served from etcd took 2.6 s in the incident. */
    private static final double STORM_LIST_SECONDS = 2.6;
    private static final String K8S = "v1.31.4";

    private final Settings settings;
    private final Random random;

    public SyntheticAuditLog(Settings settings) {
        this.settings = settings;
        this.random = new Random(settings.seed());
    }

    /**
     * Writes requests in order of arrival until the log's length is covered or {@code maxBytes}
     * are written, whichever comes first. The stream is not closed.
     */
    public Written write(OutputStream out, long maxBytes) throws IOException {
        CountingOutputStream counting = new CountingOutputStream(out);
        JsonFactory factory = JsonFactory.builder().build();
        long startMicros = MicroTimestamp.of(settings.start());
        long endMicros = startMicros + settings.length().toNanos() / 1000;
        long stormStart = startMicros + settings.stormFrom().toNanos() / 1000;
        long stormEnd = stormStart + settings.stormFor().toNanos() / 1000;
        double stormRate = settings.stormListsInFlight() / STORM_LIST_SECONDS;
        long requests = 0;
        long events = 0;
        long stormRequests = 0;
        double t = startMicros;
        JsonGenerator json = factory.createGenerator(counting, JsonEncoding.UTF8);
        try {
            json.setRootValueSeparator(null);
            while (t < endMicros && counting.count + json.getOutputBuffered() < maxBytes) {
                boolean inStorm = stormRate > 0 && t >= stormStart && t < stormEnd;
                double rate = settings.requestsPerSecond() + (inStorm ? stormRate : 0);
                t += -Math.log(1 - random.nextDouble()) / rate * 1e6;
                Request request = inStorm && random.nextDouble() < stormRate / rate
                        ? stormList((long) t)
                        : background((long) t);
                if (request.user.equals(STORM_USER)) {
                    stormRequests++;
                }
                events += writeRequest(json, request, endMicros);
                requests++;
            }
        } finally {
            json.flush();
        }
        return new Written(requests, events, counting.count, stormRequests);
    }

    private record Request(String user, String[] groups, String userAgent, String verb, String resource,
                           String subresource, String namespace, String name, String uri, String sourceIp,
                           long receivedMicros, long durationMicros, int code, boolean longRunning) {
    }

    private Request stormList(long at) {
        String node = nodeName(random.nextInt(settings.nodes()));
        boolean nodesByLabel = random.nextInt(20) == 0;
        String uri = nodesByLabel
                ? "/api/v1/nodes?labelSelector=eks.amazonaws.com%2Fnodegroup%3Dng-" + random.nextInt(40)
                : "/api/v1/pods?fieldSelector=spec.nodeName%3D" + node;
        long duration = lognormalMicros(STORM_LIST_SECONDS, 0.25);
        return new Request(STORM_USER, new String[] {"system:serviceaccounts", "system:serviceaccounts:kube-system",
            "system:authenticated"}, "node-group-controller/v2.3.0 (linux/amd64) kubernetes/unknown",
                "list", nodesByLabel ? "nodes" : "pods", null, null, null, uri, "10.0.12.7", at, duration, 200, false);
    }

    private Request background(long at) {
        int roll = random.nextInt(1000);
        int n = random.nextInt(settings.nodes());
        String node = nodeName(n);
        String kubelet = "system:node:" + node;
        String[] nodeGroups = {"system:nodes", "system:authenticated"};
        String kubeletAgent = "kubelet/" + K8S + " (linux/amd64) kubernetes/a1b2c3d";
        String ip = "10.0." + (n / 250) + "." + (n % 250 + 4);
        if (roll < 350) {
            return new Request(kubelet, nodeGroups, kubeletAgent, "update", "leases", null, "kube-node-lease", node,
                    "/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/" + node + "?timeout=10s", ip, at,
                    lognormalMicros(0.006, 0.5), 200, false);
        }
        if (roll < 550) {
            return new Request(kubelet, nodeGroups, kubeletAgent, "patch", "nodes", "status", null, node,
                    "/api/v1/nodes/" + node + "/status?timeout=10s", ip, at, lognormalMicros(0.012, 0.5), 200, false);
        }
        if (roll < 700) {
            String ns = namespace();
            String pod = "web-" + Integer.toHexString(random.nextInt(1 << 20));
            return new Request(kubelet, nodeGroups, kubeletAgent, "get", "pods", null, ns, pod,
                    "/api/v1/namespaces/" + ns + "/pods/" + pod, ip, at, lognormalMicros(0.004, 0.5),
                    random.nextInt(50) == 0 ? 404 : 200, false);
        }
        if (roll < 850) {
            String[] controllers = {"replicaset-controller", "deployment-controller", "endpointslice-controller",
                "daemon-set-controller", "job-controller", "namespace-controller"};
            String sa = controllers[random.nextInt(controllers.length)];
            String user = "system:serviceaccount:kube-system:" + sa;
            String ns = namespace();
            String[] verbs = {"get", "update", "patch", "create"};
            String verb = verbs[random.nextInt(verbs.length)];
            String resource = switch (sa) {
                case "replicaset-controller" -> "replicasets";
                case "deployment-controller" -> "deployments";
                case "endpointslice-controller" -> "endpointslices";
                case "daemon-set-controller" -> "daemonsets";
                case "job-controller" -> "jobs";
                default -> "namespaces";
            };
            String group = resource.equals("endpointslices") ? "/apis/discovery.k8s.io/v1"
                    : resource.equals("jobs") ? "/apis/batch/v1"
                    : resource.equals("namespaces") ? "/api/v1" : "/apis/apps/v1";
            String name = "app-" + random.nextInt(500);
            String uri = resource.equals("namespaces") ? group + "/namespaces/" + ns
                    : group + "/namespaces/" + ns + "/" + resource + (verb.equals("create") ? "" : "/" + name);
            return new Request(user, new String[] {"system:serviceaccounts", "system:serviceaccounts:kube-system",
                "system:authenticated"}, "kube-controller-manager/" + K8S + " (linux/amd64) kubernetes/a1b2c3d/" + sa,
                    verb, resource, null, resource.equals("namespaces") ? null : ns,
                    resource.equals("namespaces") ? ns : name, uri, "10.0.0.10", at,
                    lognormalMicros(0.015, 0.6), random.nextInt(30) == 0 ? 409 : 200, false);
        }
        if (roll < 900) {
            String pod = "web-" + Integer.toHexString(random.nextInt(1 << 20));
            String ns = namespace();
            return new Request("system:kube-scheduler", new String[] {"system:authenticated"},
                    "kube-scheduler/" + K8S + " (linux/amd64) kubernetes/a1b2c3d/scheduler", "create", "pods",
                    "binding", ns, pod, "/api/v1/namespaces/" + ns + "/pods/" + pod + "/binding", "10.0.0.11", at,
                    lognormalMicros(0.008, 0.4), 201, false);
        }
        if (roll < 940) {
            String[] people = {"alice@example.com", "bob@example.com", "carol@example.com"};
            String ns = namespace();
            boolean all = random.nextInt(4) == 0;
            return new Request(people[random.nextInt(people.length)], new String[] {"developers", "system:authenticated"},
                    "kubectl/v1.31.0 (darwin/arm64) kubernetes/9b7e1d2", "list", "pods", null, all ? null : ns, null,
                    all ? "/api/v1/pods?limit=500" : "/api/v1/namespaces/" + ns + "/pods?limit=500", "192.168.4.20", at,
                    lognormalMicros(all ? 1.4 : 0.12, 0.4), 200, false);
        }
        if (roll < 945) {
            String ns = namespace();
            String pod = "web-" + Integer.toHexString(random.nextInt(1 << 20));
            boolean follow = random.nextBoolean();
            return new Request("alice@example.com", new String[] {"developers", "system:authenticated"},
                    "kubectl/v1.31.0 (darwin/arm64) kubernetes/9b7e1d2", "get", "pods", "log", ns, pod,
                    "/api/v1/namespaces/" + ns + "/pods/" + pod + "/log?container=app" + (follow ? "&follow=true" : ""),
                    "192.168.4.20", at, follow ? lognormalMicros(120, 0.5) : lognormalMicros(0.2, 0.5), 200, follow);
        }
        // Watches: kubelets on their own pods, controllers on their types. Held for 5 to 10 minutes
        // (client-go's watch timeout is chosen between 5 and 10 minutes), then re-opened.
        boolean byKubelet = random.nextBoolean();
        long held = (long) ((300 + random.nextDouble() * 300) * 1e6);
        if (byKubelet) {
            return new Request(kubelet, nodeGroups, kubeletAgent, "watch", "pods", null, null, null,
                    "/api/v1/pods?allowWatchBookmarks=true&fieldSelector=spec.nodeName%3D" + node
                            + "&resourceVersion=4528377&timeoutSeconds=" + held / 1_000_000 + "&watch=true",
                    ip, at, held, 200, true);
        }
        return new Request("system:kube-controller-manager", new String[] {"system:authenticated"},
                "kube-controller-manager/" + K8S + " (linux/amd64) kubernetes/a1b2c3d/shared-informers", "watch",
                "replicasets", null, null, null,
                "/apis/apps/v1/replicasets?allowWatchBookmarks=true&resourceVersion=4528377&timeoutSeconds="
                        + held / 1_000_000 + "&watch=true", "10.0.0.10", at, held, 200, true);
    }

    /**
     * Writes the request's events that happen before the log ends: a log cut at its end holds no
     * completion of a watch still open then, as a real log rotated at that instant would not.
     */
    private int writeRequest(JsonGenerator json, Request r, long logEndMicros) throws IOException {
        String auditId = new UUID(random.nextLong(), random.nextLong()).toString();
        String received = MicroTimestamp.format(r.receivedMicros);
        writeEvent(json, r, auditId, "RequestReceived", received, received, false);
        int events = 1;
        long startedAt = r.receivedMicros + 1500;
        if (r.longRunning && startedAt < logEndMicros) {
            writeEvent(json, r, auditId, "ResponseStarted", received, MicroTimestamp.format(startedAt), false);
            events++;
        }
        long completedAt = r.receivedMicros + r.durationMicros;
        if (completedAt < logEndMicros) {
            writeEvent(json, r, auditId, "ResponseComplete", received, MicroTimestamp.format(completedAt), true);
            events++;
        }
        return events;
    }

    private void writeEvent(JsonGenerator json, Request r, String auditId, String stage, String received,
                            String stageAt, boolean complete) throws IOException {
        json.writeStartObject();
        json.writeStringField("kind", "Event");
        json.writeStringField("apiVersion", settings.apiVersion());
        json.writeStringField("level", "Metadata");
        json.writeStringField("auditID", auditId);
        json.writeStringField("stage", stage);
        json.writeStringField("requestURI", r.uri);
        json.writeStringField("verb", r.verb);
        json.writeObjectFieldStart("user");
        json.writeStringField("username", r.user);
        json.writeArrayFieldStart("groups");
        for (String g : r.groups) {
            json.writeString(g);
        }
        json.writeEndArray();
        json.writeEndObject();
        json.writeArrayFieldStart("sourceIPs");
        json.writeString(r.sourceIp);
        json.writeEndArray();
        json.writeStringField("userAgent", r.userAgent);
        if (r.resource != null) {
            json.writeObjectFieldStart("objectRef");
            json.writeStringField("resource", r.resource);
            if (r.namespace != null) {
                json.writeStringField("namespace", r.namespace);
            }
            if (r.name != null) {
                json.writeStringField("name", r.name);
            }
            json.writeStringField("apiVersion", "v1");
            if (r.subresource != null) {
                json.writeStringField("subresource", r.subresource);
            }
            json.writeEndObject();
        }
        if (complete) {
            json.writeObjectFieldStart("responseStatus");
            json.writeObjectFieldStart("metadata");
            json.writeEndObject();
            json.writeNumberField("code", r.code);
            json.writeEndObject();
        }
        json.writeStringField("requestReceivedTimestamp", received);
        json.writeStringField("stageTimestamp", stageAt);
        json.writeObjectFieldStart("annotations");
        json.writeStringField("authorization.k8s.io/decision", "allow");
        json.writeStringField("authorization.k8s.io/reason", "RBAC: allowed by ClusterRoleBinding \"system:"
                + r.verb + "\" of ClusterRole \"system:" + r.verb + "\" to User \"" + r.user + "\"");
        json.writeEndObject();
        json.writeEndObject();
        json.writeRaw('\n');
    }

    private String namespace() {
        String[] namespaces = {"default", "payments", "search", "checkout", "monitoring", "kube-system", "ingress"};
        return namespaces[random.nextInt(namespaces.length)];
    }

    private static String nodeName(int n) {
        return "ip-10-0-" + (n / 250) + "-" + (n % 250 + 4) + ".eu-west-1.compute.internal";
    }

    /** A log-normal duration with the given median in seconds; sigma is the spread of its logarithm. */
    private long lognormalMicros(double medianSeconds, double sigma) {
        return Math.max(1, (long) (medianSeconds * Math.exp(sigma * random.nextGaussian()) * 1e6));
    }

    private static final class CountingOutputStream extends java.io.FilterOutputStream {
        long count;

        CountingOutputStream(OutputStream out) {
            super(out);
        }

        @Override
        public void write(int b) throws IOException {
            out.write(b);
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            count += len;
        }

        @Override
        public void close() throws IOException {
            flush();
        }
    }
}
