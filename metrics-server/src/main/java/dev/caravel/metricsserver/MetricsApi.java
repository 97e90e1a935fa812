package dev.caravel.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusDetails;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.printer.IncludeObject;
import dev.caravel.apiserver.selection.FieldSelector;
import dev.caravel.apiserver.selection.InvalidSelectorException;
import dev.caravel.apiserver.selection.LabelSelector;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The {@code metrics.k8s.io/v1beta1} API over a {@link ClusterState}: discovery (legacy and
 * aggregated), and get and list of NodeMetrics ({@code nodes}, cluster-scoped) and PodMetrics
 * ({@code pods}, namespaced), with label and field selectors, answered as the real metrics-server
 * answers (kubernetes-sigs/metrics-server, pkg/api): items sorted as the API sorts them, labels of
 * the object copied, {@code creationTimestamp} the time of the request, errors as Status.
 *
 * <p>Which objects have metrics, as a kubelet would report them: every node; every pod bound to a
 * node ({@code spec.nodeName}) and not finished ({@code Succeeded}, {@code Failed}). Caravel has no
 * kubelet to move a bound pod to Running, so bound stands for running. A pod or node the informers
 * do not know is a 404 of the core resource, as metrics-server's listers answer; a pod known but
 * without metrics is a 404 of {@code podmetrics.metrics.k8s.io} (every node has metrics here).
 */
final class MetricsApi {

    static final String GROUP = "metrics.k8s.io";
    static final String VERSION = "v1beta1";
    static final String GROUP_VERSION = GROUP + "/" + VERSION;
    private static final String VERSION_PATH = "/apis/" + GROUP_VERSION;
    private static final GroupResource POD_METRICS = new GroupResource(GROUP, "podmetrics");
    private static final StatusDetails NO_DETAILS = new StatusDetails("", "", "", "", List.of(), 0);
    private static final DateTimeFormatter RFC3339 = DateTimeFormatter.ISO_INSTANT;

    private final ClusterState cluster;
    private final SimulatedUsage usage;
    private final Clock clock;
    private final Duration resolution;
    private final MetricsServerMetrics metrics;
    private final ObjectMapper mapper = new ObjectMapper();

    /**
     * @param resolution how often usage "is scraped": timestamps are multiples of it and the
     *                   window is its length, as metrics-server's {@code --metric-resolution} (15s)
     */
    MetricsApi(ClusterState cluster, SimulatedUsage usage, Clock clock, Duration resolution, MetricsServerMetrics metrics) {
        this.metrics = metrics;
        this.cluster = cluster;
        this.usage = usage;
        this.clock = clock;
        this.resolution = resolution;
    }

    /** True when the path is one this API answers (discovery or resources), so the caller routes it here. */
    static boolean serves(String path) {
        return path.equals("/apis") || path.equals("/apis/") || path.equals("/apis/" + GROUP) || path.startsWith(VERSION_PATH);
    }

    MetricsResponse handle(MetricsRequest request) {
        String path = request.path().endsWith("/") && request.path().length() > 1
                ? request.path().substring(0, request.path().length() - 1) : request.path();
        if (path.equals("/apis")) {
            return discoveryRoot(request);
        }
        if (path.equals("/apis/" + GROUP)) {
            return json(apiGroup());
        }
        if (path.equals(VERSION_PATH)) {
            return json(resourceList());
        }
        String[] segments = path.substring(VERSION_PATH.length() + 1).split("/", -1);
        // nodes | nodes/NAME | pods | namespaces/NS/pods | namespaces/NS/pods/NAME
        if (segments[0].equals("nodes") && segments.length <= 2) {
            requireRead(request, segments.length == 2);
            return segments.length == 1 ? listAnswer(request, listNodes(request)) : objectAnswer(request, getNode(segments[1]));
        }
        if (segments[0].equals("pods") && segments.length == 1) {
            requireRead(request, false);
            return listAnswer(request, listPods(request, null));
        }
        if (segments[0].equals("namespaces") && segments.length >= 3 && segments.length <= 4 && segments[2].equals("pods")
                && !segments[1].isEmpty()) {
            requireRead(request, segments.length == 4);
            return segments.length == 3 ? listAnswer(request, listPods(request, segments[1]))
                    : objectAnswer(request, getPod(segments[1], segments[3]));
        }
        throw notFound();
    }

    /** The generic 404 of a path nothing serves, as kube-apiserver's. */
    static StatusException notFound() {
        return dev.caravel.apiserver.http.NonResourceEndpoints.notFound();
    }

    /** Only get and list: metrics cannot be written, and this server, like metrics-server by default, has no watch. */
    private static void requireRead(MetricsRequest request, boolean named) {
        boolean watch = !named && (request.parameter("watch").equals("true") || request.parameter("watch").equals("1"));
        if (!request.method().equals("GET") || watch) {
            throw new StatusException(Status.failure(405, StatusReason.METHOD_NOT_ALLOWED,
                    "the server does not allow this method on the requested resource", NO_DETAILS));
        }
    }

    /** A list as JSON, or as the Table kubectl asks for. */
    private MetricsResponse listAnswer(MetricsRequest request, ObjectNode list) {
        String table = MetricsTable.versionAsked(request.accept());
        if (table == null) {
            return json(list);
        }
        List<JsonNode> items = new ArrayList<>();
        list.path("items").forEach(items::add);
        return json(MetricsTable.of(table, items, IncludeObject.parse(request.query().get("includeObject"))));
    }

    private MetricsResponse objectAnswer(MetricsRequest request, ObjectNode object) {
        String table = MetricsTable.versionAsked(request.accept());
        return table == null ? json(object)
                : json(MetricsTable.of(table, List.of(object), IncludeObject.parse(request.query().get("includeObject"))));
    }

    // ---- discovery ----

    private MetricsResponse discoveryRoot(MetricsRequest request) {
        String aggregated = aggregatedVersionAsked(request.accept());
        if (aggregated == null) {
            ObjectNode list = mapper.createObjectNode().put("kind", "APIGroupList").put("apiVersion", "v1");
            list.putArray("groups").add(groupBody(mapper.createObjectNode()));
            return json(list);
        }
        ObjectNode list = mapper.createObjectNode()
                .put("kind", "APIGroupDiscoveryList").put("apiVersion", "apidiscovery.k8s.io/" + aggregated);
        list.putObject("metadata");
        ObjectNode group = list.putArray("items").addObject();
        group.putObject("metadata").put("name", GROUP).putNull("creationTimestamp");
        ObjectNode version = group.putArray("versions").addObject().put("version", VERSION);
        ArrayNode resources = version.putArray("resources");
        discoveryResource(resources, "nodes", "NodeMetrics", "Cluster");
        discoveryResource(resources, "pods", "PodMetrics", "Namespaced");
        version.put("freshness", "Current");
        return new MetricsResponse(200, "application/json;g=apidiscovery.k8s.io;v=" + aggregated + ";as=APIGroupDiscoveryList",
                bytes(list));
    }

    /**
     * The aggregated discovery version the Accept header asks for first ({@code v2}, {@code v2beta1}),
     * or null for the legacy APIGroupList (kube-aggregator asks for both, then plain JSON).
     */
    static String aggregatedVersionAsked(String accept) {
        for (String mediaType : accept.split(",")) {
            Map<String, String> parameters = new HashMap<>();
            String[] parts = mediaType.split(";");
            for (int i = 1; i < parts.length; i++) {
                String[] kv = parts[i].trim().split("=", 2);
                if (kv.length == 2) {
                    parameters.put(kv[0].trim(), kv[1].trim());
                }
            }
            if (parts[0].trim().equals("application/json") && "apidiscovery.k8s.io".equals(parameters.get("g"))
                    && "APIGroupDiscoveryList".equals(parameters.get("as"))) {
                String version = parameters.get("v");
                if ("v2".equals(version) || "v2beta1".equals(version)) {
                    return version;
                }
            } else if (parts[0].trim().equals("application/json") || parts[0].trim().equals("*/*")) {
                return null;
            }
        }
        return null;
    }

    private static void discoveryResource(ArrayNode resources, String resource, String kind, String scope) {
        ObjectNode r = resources.addObject().put("resource", resource);
        r.putObject("responseKind").put("group", "").put("version", "").put("kind", kind);
        r.put("scope", scope).put("singularResource", "");
        r.putArray("verbs").add("get").add("list");
    }

    private ObjectNode apiGroup() {
        return groupBody(mapper.createObjectNode().put("kind", "APIGroup").put("apiVersion", "v1"));
    }

    private static ObjectNode groupBody(ObjectNode group) {
        group.put("name", GROUP);
        group.putArray("versions").addObject().put("groupVersion", GROUP_VERSION).put("version", VERSION);
        group.putObject("preferredVersion").put("groupVersion", GROUP_VERSION).put("version", VERSION);
        return group;
    }

    private ObjectNode resourceList() {
        ObjectNode list = mapper.createObjectNode().put("kind", "APIResourceList").put("apiVersion", "v1")
                .put("groupVersion", GROUP_VERSION);
        ArrayNode resources = list.putArray("resources");
        for (String[] r : new String[][] {{"nodes", "false", "NodeMetrics"}, {"pods", "true", "PodMetrics"}}) {
            ObjectNode resource = resources.addObject().put("name", r[0]).put("singularName", "")
                    .put("namespaced", Boolean.parseBoolean(r[1])).put("kind", r[2]);
            resource.putArray("verbs").add("get").add("list");
        }
        return list;
    }

    // ---- nodes ----

    private ObjectNode listNodes(MetricsRequest request) {
        Selectors selectors = Selectors.of(request);
        Instant now = clock.instant();
        Instant sampled = sampleTime(now);
        Map<String, List<JsonNode>> podsByNode = runningPodsByNode();
        ObjectNode list = listOf("NodeMetricsList");
        ArrayNode items = list.putArray("items");
        for (JsonNode node : cluster.nodes()) {
            if (selectors.matches(node)) {
                items.add(nodeMetrics(node, podsByNode.getOrDefault(name(node), List.of()), now, sampled));
            }
        }
        return list;
    }

    private ObjectNode getNode(String name) {
        JsonNode node = cluster.node(name).orElseThrow(() -> StatusException.notFound(GroupResource.core("node"), name));
        Instant now = clock.instant();
        return nodeMetrics(node, runningPodsByNode().getOrDefault(name, List.of()), now, sampleTime(now));
    }

    private ObjectNode nodeMetrics(JsonNode node, List<JsonNode> pods, Instant now, Instant sampled) {
        SimulatedUsage.NodeUsage use = usage.node(node, pods, sampled);
        served(now, sampled);
        ObjectNode item = objectOf("NodeMetrics", node, now);
        item.put("timestamp", RFC3339.format(sampled)).put("window", goDuration(resolution));
        item.putObject("usage").put("cpu", Quantity.cpu(use.cpuNanocores())).put("memory", Quantity.memory(use.memoryBytes()));
        return item;
    }

    // ---- pods ----

    private ObjectNode listPods(MetricsRequest request, String namespace) {
        Selectors selectors = Selectors.of(request);
        Instant now = clock.instant();
        Instant sampled = sampleTime(now);
        ObjectNode list = listOf("PodMetricsList");
        ArrayNode items = list.putArray("items");
        for (JsonNode pod : cluster.pods(namespace)) {
            if (isRunning(pod) && selectors.matches(pod)) {
                items.add(podMetrics(pod, now, sampled));
            }
        }
        return list;
    }

    private ObjectNode getPod(String namespace, String name) {
        JsonNode pod = cluster.pod(namespace, name).orElseThrow(() -> StatusException.notFound(GroupResource.core("pods"), name));
        if (!isRunning(pod)) {
            throw StatusException.notFound(POD_METRICS, namespace + "/" + name);
        }
        Instant now = clock.instant();
        return podMetrics(pod, now, sampleTime(now));
    }

    private ObjectNode podMetrics(JsonNode pod, Instant now, Instant sampled) {
        served(now, sampled);
        ObjectNode item = objectOf("PodMetrics", pod, now);
        item.put("timestamp", RFC3339.format(sampled)).put("window", goDuration(resolution));
        ArrayNode containers = item.putArray("containers");
        for (SimulatedUsage.ContainerUsage c : usage.pod(pod, sampled)) {
            ObjectNode container = containers.addObject().put("name", c.name());
            container.putObject("usage").put("cpu", Quantity.cpu(c.cpuNanocores())).put("memory", Quantity.memory(c.memoryBytes()));
        }
        return item;
    }

    /** Bound to a node and not finished: what a kubelet would be running and reporting. */
    static boolean isRunning(JsonNode pod) {
        String phase = pod.path("status").path("phase").asText("");
        return !pod.path("spec").path("nodeName").asText("").isEmpty() && !phase.equals("Succeeded") && !phase.equals("Failed");
    }

    private Map<String, List<JsonNode>> runningPodsByNode() {
        Map<String, List<JsonNode>> byNode = new HashMap<>();
        for (JsonNode pod : cluster.pods(null)) {
            if (isRunning(pod)) {
                byNode.computeIfAbsent(pod.path("spec").path("nodeName").asText(), n -> new ArrayList<>()).add(pod);
            }
        }
        return byNode;
    }

    // ---- shared shapes ----

    /** The last "scrape" at or before {@code now}: a multiple of the resolution, so it is the same for every caller. */
    private Instant sampleTime(Instant now) {
        long step = resolution.toMillis();
        return Instant.ofEpochMilli(Math.floorDiv(now.toEpochMilli(), step) * step);
    }

    private ObjectNode listOf(String kind) {
        ObjectNode list = mapper.createObjectNode().put("kind", kind).put("apiVersion", GROUP_VERSION);
        list.putObject("metadata");
        return list;
    }

    /** Counts an item served in the freshness histogram, as metrics-server does for each one. */
    private void served(Instant now, Instant sampled) {
        metrics.metricServed(Duration.between(sampled, now).toMillis() / 1000.0);
    }

    private ObjectNode objectOf(String kind, JsonNode source, Instant now) {
        ObjectNode object = mapper.createObjectNode().put("kind", kind).put("apiVersion", GROUP_VERSION);
        ObjectNode metadata = object.putObject("metadata");
        JsonNode sourceMetadata = source.path("metadata");
        metadata.put("name", sourceMetadata.path("name").asText());
        if (sourceMetadata.has("namespace")) {
            metadata.put("namespace", sourceMetadata.path("namespace").asText());
        }
        metadata.put("creationTimestamp", RFC3339.format(now.truncatedTo(ChronoUnit.SECONDS)));
        if (sourceMetadata.path("labels").isObject() && !sourceMetadata.path("labels").isEmpty()) {
            metadata.set("labels", sourceMetadata.path("labels").deepCopy());
        }
        return object;
    }

    /** Go's time.Duration.String() to the millisecond: {@code 15s}, {@code 1m0s}, {@code 10.5s}, {@code 500ms}. */
    static String goDuration(Duration d) {
        long millis = d.toMillis();
        if (millis == 0) {
            return "0s";
        }
        if (millis < 1000) {
            return millis + "ms";
        }
        long minutes = millis / 60_000;
        long restMillis = millis % 60_000;
        String seconds = restMillis % 1000 == 0 ? Long.toString(restMillis / 1000)
                : java.math.BigDecimal.valueOf(restMillis, 3).stripTrailingZeros().toPlainString();
        return minutes == 0 ? seconds + "s" : minutes / 60 > 0 ? (minutes / 60) + "h" + (minutes % 60) + "m" + seconds + "s"
                : minutes + "m" + seconds + "s";
    }

    private MetricsResponse json(JsonNode body) {
        return MetricsResponse.json(bytes(body));
    }

    private byte[] bytes(JsonNode body) {
        try {
            byte[] json = mapper.writeValueAsBytes(body);
            byte[] withNewline = java.util.Arrays.copyOf(json, json.length + 1);
            withNewline[json.length] = '\n';
            return withNewline;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String name(JsonNode object) {
        return object.path("metadata").path("name").asText();
    }

    /** The request's labelSelector and fieldSelector ({@code metadata.name}, {@code metadata.namespace}). */
    private record Selectors(LabelSelector labels, FieldSelector fields) {

        static Selectors of(MetricsRequest request) {
            try {
                return new Selectors(LabelSelector.parse(request.parameter("labelSelector")),
                        FieldSelector.parse(request.parameter("fieldSelector")));
            } catch (InvalidSelectorException e) {
                throw StatusException.badRequest(e.getMessage());
            }
        }

        boolean matches(JsonNode object) {
            JsonNode metadata = object.path("metadata");
            Map<String, String> labelMap = new LinkedHashMap<>();
            metadata.path("labels").properties().forEach(e -> labelMap.put(e.getKey(), e.getValue().asText()));
            return labels.matches(labelMap) && fields.matches(field -> switch (field) {
                case "metadata.name" -> metadata.path("name").asText();
                case "metadata.namespace" -> metadata.path("namespace").asText();
                default -> null;
            });
        }
    }
}
