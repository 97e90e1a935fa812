package dev.caravel.controllers.client;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Predicate;
import javax.net.ssl.SSLContext;

/**
 * A small client of the Kubernetes API over {@link HttpClient} and JSON: discovery, list, get,
 * delete, deletecollection, the namespace {@code finalize} subresource and watch streams. It knows
 * nothing of Caravel's server, so what uses it runs against any Kubernetes API server too.
 *
 * <p>HTTP or HTTPS: {@link Config} carries a bearer token and an {@link SSLContext} (trusting the
 * cluster's CA, presenting a client certificate), which {@link Config#fromKubeconfig} reads from a kubeconfig.
 */
public final class ApiClient implements AutoCloseable {

    /**
     * Where and how to reach the API.
     *
     * @param baseUrl        e.g. {@code http://127.0.0.1:6443}
     * @param bearerToken    sent as {@code Authorization: Bearer ...}; null for none
     * @param sslContext     for {@code https} (a CA bundle's trust); null for the JVM's default
     * @param requestTimeout for every request but watches
     */
    public record Config(URI baseUrl, String bearerToken, SSLContext sslContext, Duration requestTimeout) {
        public Config {
            Objects.requireNonNull(baseUrl, "baseUrl");
            String s = baseUrl.toString();
            if (s.endsWith("/")) {
                baseUrl = URI.create(s.substring(0, s.length() - 1));
            }
            requestTimeout = requestTimeout == null ? Duration.ofSeconds(30) : requestTimeout;
        }

        public static Config of(String baseUrl) {
            return new Config(URI.create(baseUrl), null, null, null);
        }

        /**
         * The server, CA and credentials of {@code context} (null: the current one) in a kubeconfig
         * file, as kubectl reads them; see {@link KubeconfigFile}.
         */
        public static Config fromKubeconfig(java.nio.file.Path kubeconfig, String context) throws IOException {
            return KubeconfigFile.read(kubeconfig, context);
        }

        public Config withBearerToken(String token) {
            return new Config(baseUrl, token, sslContext, requestTimeout);
        }

        public Config withSslContext(SSLContext context) {
            return new Config(baseUrl, bearerToken, context, requestTimeout);
        }
    }

    private static final String JSON = "application/json";

    private final Config config;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    public ApiClient(Config config) {
        this.config = config;
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10));
        if (config.sslContext() != null) {
            builder.sslContext(config.sslContext());
        }
        this.http = builder.build();
    }

    public Config config() {
        return config;
    }

    // ---- discovery ----

    /** Aggregated discovery (one document for /api, one for /apis) when the server has it, else the legacy documents. */
    static final String DISCOVERY_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json";

    /**
     * Discovers every group version and its resources, as client-go's ServerPreferredResources
     * does: aggregated discovery (apidiscovery.k8s.io/v2) when the server answers with it, where a
     * version marked {@code freshness: Stale} fails with "stale GroupVersion discovery: GV";
     * otherwise {@code /api}, {@code /apis} and then every version of every group, where a version
     * whose document does not come fails with the server's message. Each group/resource is kept
     * once, in the group's preferred version when that version serves it, else in the first version
     * that does. The versions that failed are in {@link Discovery#failures()}, the others are still
     * returned; only a failure of {@code /api} or {@code /apis} themselves throws.
     */
    public Discovery discover() throws IOException, InterruptedException {
        PreferredResources found = new PreferredResources();
        JsonNode core = send(request("/api").setHeader("Accept", DISCOVERY_ACCEPT).GET());
        if (isAggregated(core)) {
            found.addAggregated(core);
        } else {
            List<String> versions = new ArrayList<>();
            core.path("versions").forEach(v -> versions.add(v.asText()));
            found.addLegacyGroup("", versions, versions.isEmpty() ? "" : versions.get(0));
        }
        JsonNode groups = send(request("/apis").setHeader("Accept", DISCOVERY_ACCEPT).GET());
        if (isAggregated(groups)) {
            found.addAggregated(groups);
        } else {
            for (JsonNode group : groups.path("groups")) {
                List<String> versions = new ArrayList<>();
                group.path("versions").forEach(v -> versions.add(v.path("version").asText()));
                String preferred = group.path("preferredVersion").path("version").asText(versions.isEmpty() ? "" : versions.get(0));
                found.addLegacyGroup(group.path("name").asText(), versions, preferred);
            }
        }
        return found.discovery();
    }

    private static boolean isAggregated(JsonNode document) {
        return "APIGroupDiscoveryList".equals(document.path("kind").asText());
    }

    /** Collects group versions in discovery's order and keeps each group/resource once (ServerPreferredResources' rule). */
    private final class PreferredResources {
        private final Map<String, ApiResource> byGroupResource = new LinkedHashMap<>();
        private final Map<GroupVersion, String> failures = new LinkedHashMap<>();
        private final List<String> unparsable = new ArrayList<>();

        void addLegacyGroup(String group, List<String> versions, String preferred) throws InterruptedException {
            for (String version : versions) {
                GroupVersion gv = new GroupVersion(group, version);
                try {
                    add(gv, preferred, resourcesOf(gv));
                } catch (ApiException e) {
                    failures.put(gv, e.statusMessage());
                } catch (IOException e) {
                    failures.put(gv, String.valueOf(e.getMessage()));
                }
            }
        }

        void addAggregated(JsonNode list) {
            for (JsonNode item : list.path("items")) {
                String group = item.path("metadata").path("name").asText("");
                JsonNode versions = item.path("versions");
                // the versions come in the server's order of preference: the first is the preferred one
                String preferred = versions.size() > 0 ? versions.get(0).path("version").asText() : "";
                for (JsonNode version : versions) {
                    GroupVersion gv = new GroupVersion(group, version.path("version").asText());
                    if ("Stale".equals(version.path("freshness").asText())) {
                        failures.put(gv, "stale GroupVersion discovery: " + gv);
                        continue;
                    }
                    List<ApiResource> resources = new ArrayList<>();
                    for (JsonNode r : version.path("resources")) {
                        Set<String> verbs = new LinkedHashSet<>();
                        r.path("verbs").forEach(v -> verbs.add(v.asText()));
                        resources.add(new ApiResource(gv, r.path("resource").asText(), r.path("responseKind").path("kind").asText(),
                                "Namespaced".equals(r.path("scope").asText()), Set.copyOf(verbs)));
                    }
                    add(gv, preferred, resources);
                }
            }
        }

        private void add(GroupVersion gv, String preferred, List<ApiResource> resources) {
            if (gv.toString().chars().filter(c -> c == '/').count() > 1) {
                unparsable.add(gv.toString());
            }
            for (ApiResource resource : resources) {
                if (resource.name().isEmpty()) {
                    continue;
                }
                String key = resource.groupResource();
                if (byGroupResource.containsKey(key) && !gv.version().equals(preferred)) {
                    continue; // only the preferred version replaces one already found
                }
                byGroupResource.put(key, resource);
            }
        }

        Discovery discovery() {
            return new Discovery(new ArrayList<>(byGroupResource.values()), failures, unparsable);
        }
    }

    /** The resources of one group version (its APIResourceList), subresources left out. */
    public List<ApiResource> resourcesOf(GroupVersion gv) throws IOException, InterruptedException {
        List<ApiResource> resources = new ArrayList<>();
        for (JsonNode r : get(gv.path()).path("resources")) {
            String name = r.path("name").asText();
            if (name.isEmpty() || name.contains("/")) {
                continue;
            }
            Set<String> verbs = new LinkedHashSet<>();
            r.path("verbs").forEach(v -> verbs.add(v.asText()));
            resources.add(new ApiResource(gv, name, r.path("kind").asText(), r.path("namespaced").asBoolean(), Set.copyOf(verbs)));
        }
        return resources;
    }

    // ---- reads and writes ----

    public JsonNode get(String path) throws IOException, InterruptedException {
        return send(request(path).GET());
    }

    public JsonNode list(ApiResource resource, String namespace) throws IOException, InterruptedException {
        return get(resource.collectionPath(namespace));
    }

    /** DELETE on the collection: deletes every object of the resource in the namespace. */
    public JsonNode deleteCollection(ApiResource resource, String namespace) throws IOException, InterruptedException {
        return send(request(resource.collectionPath(namespace)).DELETE());
    }

    public JsonNode delete(ApiResource resource, String namespace, String name) throws IOException, InterruptedException {
        return send(request(resource.collectionPath(namespace) + "/" + segment(name)).DELETE());
    }

    public JsonNode put(String path, JsonNode body) throws IOException, InterruptedException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        return send(request(path).header("Content-Type", JSON).PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    public JsonNode post(String path, JsonNode body) throws IOException, InterruptedException {
        byte[] bytes = mapper.writeValueAsBytes(body);
        return send(request(path).header("Content-Type", JSON).POST(HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    public JsonNode delete(String path) throws IOException, InterruptedException {
        return send(request(path).DELETE());
    }

    /** PATCH with a JSON patch ({@code application/json-patch+json}), which every kind accepts. */
    public JsonNode jsonPatch(String path, JsonNode operations) throws IOException, InterruptedException {
        byte[] bytes = mapper.writeValueAsBytes(operations);
        return send(request(path).header("Content-Type", "application/json-patch+json")
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** DELETE with a DeleteOptions body (grace period, preconditions, propagation policy). */
    public JsonNode delete(String path, JsonNode deleteOptions) throws IOException, InterruptedException {
        byte[] bytes = mapper.writeValueAsBytes(deleteOptions);
        return send(request(path).header("Content-Type", JSON)
                .method("DELETE", HttpRequest.BodyPublishers.ofByteArray(bytes)));
    }

    /** PUT to {@code /api/v1/namespaces/NAME/finalize}: only spec.finalizers of the body count. */
    public JsonNode finalizeNamespace(ObjectNode namespace) throws IOException, InterruptedException {
        String name = namespace.path("metadata").path("name").asText();
        return put("/api/v1/namespaces/" + segment(name) + "/finalize", namespace);
    }

    // ---- watch ----

    /** An open watch stream; closing it ends {@link #watch}'s loop. */
    public interface Watch extends AutoCloseable {
        @Override
        void close();
    }

    /**
     * Watches a collection from a resourceVersion and hands each event (an object with
     * {@code type} and {@code object}) to the consumer, on the calling thread, until the stream
     * ends (server timeout), the consumer returns false, the watch is closed or the thread is
     * interrupted. An ERROR event is handed over like any other: the caller decides (a 410 means relist).
     *
     * @param opened receives the handle as soon as the stream is open, so another thread can close it
     */
    public void watch(String collectionPath, String resourceVersion, int timeoutSeconds,
                      Consumer<Watch> opened, Predicate<JsonNode> events) throws IOException, InterruptedException {
        String query = "?watch=true&allowWatchBookmarks=true&timeoutSeconds=" + timeoutSeconds
                + (resourceVersion == null || resourceVersion.isEmpty() ? "" : "&resourceVersion=" + encode(resourceVersion));
        HttpRequest req = builder(collectionPath + query).GET().build();
        HttpResponse<InputStream> response = http.send(req, HttpResponse.BodyHandlers.ofInputStream());
        try (InputStream body = response.body()) {
            if (response.statusCode() >= 300) {
                throw error(response.statusCode(), body.readAllBytes());
            }
            opened.accept(() -> {
                try {
                    body.close();
                } catch (IOException ignored) {
                    // closing is best effort: the reader sees the end either way
                }
            });
            JsonParser parser = mapper.getFactory().createParser(body);
            try (MappingIterator<JsonNode> it = mapper.readerFor(JsonNode.class).readValues(parser)) {
                while (it.hasNextValue()) {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                    if (!events.test(it.nextValue())) {
                        return;
                    }
                }
            }
        }
    }

    // ---- plumbing ----

    private HttpRequest.Builder request(String path) {
        return builder(path).timeout(config.requestTimeout());
    }

    private HttpRequest.Builder builder(String pathAndQuery) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(config.baseUrl() + pathAndQuery)).header("Accept", JSON);
        if (config.bearerToken() != null) {
            b.header("Authorization", "Bearer " + config.bearerToken());
        }
        return b;
    }

    private JsonNode send(HttpRequest.Builder builder) throws IOException, InterruptedException {
        HttpResponse<byte[]> response = http.send(builder.build(), HttpResponse.BodyHandlers.ofByteArray());
        if (response.statusCode() >= 300) {
            throw error(response.statusCode(), response.body());
        }
        byte[] body = response.body();
        return body.length == 0 ? mapper.createObjectNode() : mapper.readTree(body);
    }

    private ApiException error(int code, byte[] body) {
        String reason = "";
        String message = new String(body, StandardCharsets.UTF_8);
        try {
            JsonNode status = mapper.readTree(body);
            if (status != null && "Status".equals(status.path("kind").asText())) {
                reason = status.path("reason").asText("");
                message = status.path("message").asText(message);
            } else {
                message = genericMessage(code, message);
            }
        } catch (IOException notJson) {
            message = genericMessage(code, message);
        }
        return new ApiException(code, reason, message);
    }

    /** client-go's words for an error whose body is not a Status (a proxy's or a load balancer's page). */
    private static String genericMessage(int code, String body) {
        return switch (code) {
            case 503 -> "the server is currently unable to handle the request";
            case 404 -> "the server could not find the requested resource";
            case 401 -> "Unauthorized";
            case 403 -> "Forbidden";
            case 500 -> "an error on the server (\"" + body.strip() + "\") has prevented the request from succeeding";
            default -> body;
        };
    }

    /** A name as one path segment (percent-encoded). */
    public static String pathSegment(String s) {
        return encode(s);
    }

    static String segment(String s) {
        return encode(s);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    public ObjectMapper mapper() {
        return mapper;
    }

    @Override
    public void close() {
        http.shutdownNow();
    }
}
