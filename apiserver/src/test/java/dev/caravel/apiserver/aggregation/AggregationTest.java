package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.server.ClientCommand;
import dev.caravel.apiserver.server.ClientCommand.Result;
import dev.caravel.apiserver.server.LoopbackServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * APIServices through the API with real clients: a TLS backend on 127.0.0.1 registered by an
 * APIService, a Service and its Endpoints; the proxy (plain HTTP, fabric8, kubectl), the
 * Available condition for each failure and its recovery, and discovery while a backend is down.
 */
class AggregationTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String NAMESPACE = "aggregation";
    private static final Duration WAIT = Duration.ofSeconds(20);

    private static LoopbackServer server;
    private static HttpClient http;
    private static CertificateAuthority authority;
    /** Signs the aggregator's front-proxy client certificate, as a cluster's front-proxy CA does. */
    private static CertificateAuthority frontProxy;
    private static final List<AutoCloseable> backends = new CopyOnWriteArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        frontProxy = CertificateAuthority.create("front-proxy-ca", Duration.ofDays(1));
        IssuedCertificate proxyClient = frontProxy.issueClient("front-proxy-client", List.of(),
                Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofDays(1)));
        server = LoopbackServer.start(config -> config
                .withAggregation(new Aggregator.Config(Duration.ofMillis(300), Duration.ofSeconds(2))
                        .withProxyClient(new Aggregator.ProxyClientCertificate(List.of(proxyClient.certificate()),
                                proxyClient.key()))));
        http = HttpClient.newHttpClient();
        authority = CertificateAuthority.create("aggregation-test-ca", Duration.ofDays(1));
        send("POST", "/api/v1/namespaces", "{\"metadata\":{\"name\":\"" + NAMESPACE + "\"}}");
    }

    @AfterAll
    static void stop() throws Exception {
        for (AutoCloseable backend : backends) {
            backend.close();
        }
        if (server != null) {
            server.close();
        }
    }

    // ---- the tests ----------------------------------------------------------------------------

    @Test
    void everyServedGroupVersionHasALocalApiServiceThatIsAlwaysAvailable() throws Exception {
        JsonNode apps = awaitCondition("v1.apps", "Local");
        assertThat(apps.path("spec").has("service")).isFalse();
        assertThat(apps.path("spec").path("group").asText()).isEqualTo("apps");
        assertThat(apps.path("spec").path("groupPriorityMinimum").asInt()).isEqualTo(17800);
        assertThat(apps.path("spec").path("versionPriority").asInt()).isEqualTo(15);
        assertThat(condition(apps).path("status").asText()).isEqualTo("True");
        assertThat(condition(apps).path("message").asText()).isEqualTo("Local APIServices are always available");
        JsonNode core = awaitCondition("v1.", "Local");
        assertThat(core.path("spec").path("group").asText()).isEmpty();
    }

    @Test
    void aGroupVersionAddedToTheCatalogueGetsALocalApiServiceAndLosesItWhenRemoved() throws Exception {
        GroupVersion widgets = new GroupVersion("widgets.example.com", "v1");
        server.registry().catalogue().put(new ResourceDefinition(widgets, "widgets", "widget", "Widget", true,
                List.of("get", "list"), List.of(), List.of(), List.of(), widgets));
        JsonNode local = awaitCondition("v1.widgets.example.com", "Local");
        assertThat(local.path("spec").path("groupPriorityMinimum").asInt()).as("a CRD's priority").isEqualTo(1000);
        assertThat(local.path("spec").path("versionPriority").asInt()).isEqualTo(100);
        assertThat(local.path("metadata").path("labels").path("kube-aggregator.kubernetes.io/automanaged").asText())
                .isEqualTo("true");

        server.registry().catalogue().remove(widgets, "widgets");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (send("GET", "/apis/apiregistration.k8s.io/v1/apiservices/v1.widgets.example.com", null).statusCode() != 404) {
            assertThat(System.nanoTime()).as("the local APIService is deleted").isLessThan(deadline);
            Thread.sleep(100);
        }
    }

    @Test
    void anApiServiceIsValidatedAsKubeAggregatorValidatesIt() throws Exception {
        HttpResponse<String> wrongName = send("POST", "/apis/apiregistration.k8s.io/v1/apiservices", """
                {"apiVersion":"apiregistration.k8s.io/v1","kind":"APIService","metadata":{"name":"metrics"},
                 "spec":{"group":"metrics.example.com","version":"v1","groupPriorityMinimum":0,"versionPriority":5,
                 "insecureSkipTLSVerify":true,"caBundle":"Zm9v","service":{"namespace":"","name":"m"}}}""");
        assertThat(wrongName.statusCode()).isEqualTo(422);
        JsonNode status = JSON.readTree(wrongName.body());
        assertThat(status.path("reason").asText()).isEqualTo("Invalid");
        assertThat(status.path("message").asText())
                .startsWith("APIService.apiregistration.k8s.io \"metrics\" is invalid: ")
                .contains("metadata.name: Invalid value: \"metrics\": must be `spec.version+\".\"+spec.group`: \"v1.metrics.example.com\"")
                .contains("spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000")
                .contains("spec.service.namespace: Required value")
                .contains("spec.insecureSkipTLSVerify: Invalid value: true: may not be true if caBundle is present");
        assertThat(send("GET", "/apis/apiregistration.k8s.io/v1/apiservices/metrics", null).statusCode()).isEqualTo(404);
    }

    @Test
    void requestsForAnAggregatedGroupAreProxiedToTheBackendWithTheUsersIdentity() throws Exception {
        MetricsBackend backend = register("v1beta1.metrics.k8s.io", "metrics.k8s.io", "v1beta1", "metrics-server",
                authority.certificatePem(), null);
        JsonNode available = awaitCondition("v1beta1.metrics.k8s.io", "Passed");
        assertThat(condition(available).path("status").asText()).isEqualTo("True");
        assertThat(condition(available).path("message").asText()).isEqualTo("all checks passed");

        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(server.url()
                        + "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods"))
                .header("Authorization", "Bearer a-token-the-backend-must-not-see").build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.statusCode()).isEqualTo(200);
        assertThat(list.body()).isEqualTo(MetricsBackend.POD_METRICS_LIST);
        assertThat(list.headers().firstValue("Audit-Id")).as("the audit stage saw the proxied request").isPresent();
        assertThat(backend.remoteUsers).contains("system:unsecured");
        assertThat(backend.remoteGroups).contains(List.of("system:masters", "system:authenticated"));
        assertThat(backend.authorizationHeaders).isEmpty();

        HttpResponse<InputStream> watch = http.send(HttpRequest.newBuilder(URI.create(server.url()
                + "/apis/metrics.k8s.io/v1beta1/namespaces/default/pods?watch=true")).build(), HttpResponse.BodyHandlers.ofInputStream());
        assertThat(watch.statusCode()).isEqualTo(200);
        try (InputStream events = watch.body()) {
            List<String> lines = new String(events.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
            assertThat(lines).hasSize(2);
            assertThat(lines.get(0)).contains("\"type\":\"ADDED\"").contains("\"name\":\"web-1\"");
            assertThat(lines.get(1)).contains("\"name\":\"web-2\"");
        }

        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Kubeconfig.render(server.url()))).build()) {
            List<GenericKubernetesResource> items = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                            .withGroup("metrics.k8s.io").withVersion("v1beta1").withKind("PodMetrics").withPlural("pods")
                            .withNamespaced(true).build())
                    .inNamespace("default").list().getItems();
            assertThat(items).extracting(r -> r.getMetadata().getName()).containsExactly("web-1");
        }

        List<String> watched = new CopyOnWriteArrayList<>();
        java.util.concurrent.CountDownLatch twoEvents = new java.util.concurrent.CountDownLatch(2);
        try (KubernetesClient client = new KubernetesClientBuilder()
                .withConfig(Config.fromKubeconfig(Kubeconfig.render(server.url()))).build();
             io.fabric8.kubernetes.client.Watch ignored = client.genericKubernetesResources(new ResourceDefinitionContext.Builder()
                             .withGroup("metrics.k8s.io").withVersion("v1beta1").withKind("PodMetrics").withPlural("pods")
                             .withNamespaced(true).build())
                     .inNamespace("default").watch(new io.fabric8.kubernetes.client.Watcher<>() {
                         @Override
                         public void eventReceived(Action action, GenericKubernetesResource resource) {
                             watched.add(action + " " + resource.getMetadata().getName());
                             twoEvents.countDown();
                         }

                         @Override
                         public void onClose(io.fabric8.kubernetes.client.WatcherException cause) {
                         }
                     })) {
            assertThat(twoEvents.await(10, TimeUnit.SECONDS)).as("fabric8's watch (over WebSocket) through the proxy").isTrue();
        }
        assertThat(watched).startsWith("ADDED web-1", "ADDED web-2");

        JsonNode groups = JSON.readTree(send("GET", "/apis", null).body());
        List<String> names = new ArrayList<>();
        groups.path("groups").forEach(g -> names.add(g.path("name").asText()));
        assertThat(names).first().isEqualTo("apiregistration.k8s.io");
        assertThat(names.indexOf("metrics.k8s.io")).as("groupPriorityMinimum 100 is lower than every built-in group's")
                .isGreaterThan(names.indexOf("discovery.k8s.io"));
        JsonNode group = JSON.readTree(send("GET", "/apis/metrics.k8s.io", null).body());
        assertThat(group.path("kind").asText()).isEqualTo("APIGroup");
        assertThat(group.path("preferredVersion").path("groupVersion").asText()).isEqualTo("metrics.k8s.io/v1beta1");
        JsonNode metrics = aggregatedGroup("metrics.k8s.io");
        assertThat(metrics.path("versions").path(0).path("freshness").asText()).isEqualTo("Current");
        assertThat(metrics.path("versions").path(0).path("resources").findValuesAsText("resource")).containsExactly("nodes", "pods");
    }

    @Test
    void theAvailableConditionNamesWhyAnApiServiceIsUnavailable() throws Exception {
        createApiService("v1.no-service.example.com", "no-service.example.com", "v1", "absent", 443,
                authority.certificatePem(), false);
        assertThat(message(awaitCondition("v1.no-service.example.com", "ServiceNotFound")))
                .isEqualTo("service/absent in \"aggregation\" is not present");

        createService("wrong-port", 443);
        createApiService("v1.wrong-port.example.com", "wrong-port.example.com", "v1", "wrong-port", 8443,
                authority.certificatePem(), false);
        assertThat(message(awaitCondition("v1.wrong-port.example.com", "ServicePortError")))
                .isEqualTo("service/wrong-port in \"aggregation\" is not listening on port 8443");

        createService("no-endpoints", 443);
        createApiService("v1.no-endpoints.example.com", "no-endpoints.example.com", "v1", "no-endpoints", 443,
                authority.certificatePem(), false);
        assertThat(message(awaitCondition("v1.no-endpoints.example.com", "EndpointsNotFound")))
                .isEqualTo("cannot find endpoints for service/no-endpoints in \"aggregation\"");

        createService("no-addresses", 443);
        send("POST", "/api/v1/namespaces/" + NAMESPACE + "/endpoints",
                "{\"metadata\":{\"name\":\"no-addresses\"},\"subsets\":[]}");
        createApiService("v1.no-addresses.example.com", "no-addresses.example.com", "v1", "no-addresses", 443,
                authority.certificatePem(), false);
        assertThat(message(awaitCondition("v1.no-addresses.example.com", "MissingEndpoints")))
                .isEqualTo("endpoints for service/no-addresses in \"aggregation\" have no addresses with port name \"https\"");

        CertificateAuthority another = CertificateAuthority.create("another-ca", Duration.ofDays(1));
        register("v1.wrong-ca.example.com", "wrong-ca.example.com", "v1", "wrong-ca", another.certificatePem(), null);
        String wrongCa = message(awaitCondition("v1.wrong-ca.example.com", "FailedDiscoveryCheck"));
        assertThat(wrongCa).matches("failing or missing response from https://127\\.0\\.0\\.1:\\d+/apis/wrong-ca\\.example\\.com/v1: "
                + "Get \"https://127\\.0\\.0\\.1:\\d+/apis/wrong-ca\\.example\\.com/v1\": "
                + "tls: failed to verify certificate: x509: certificate signed by unknown authority");

        Instant expiredAt = Instant.now().minus(Duration.ofHours(1)).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
        register("v1.expired.example.com", "expired.example.com", "v1", "expired", authority.certificatePem(),
                expiredAt);
        String expired = message(awaitCondition("v1.expired.example.com", "FailedDiscoveryCheck"));
        assertThat(expired).contains("tls: failed to verify certificate: x509: certificate has expired or is not yet valid: current time ")
                .endsWith(" is after " + expiredAt.toString());

        try (ServerSocket hanging = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread.ofVirtual().start(() -> {
                try {
                    while (true) {
                        accepted.add(hanging.accept());
                    }
                } catch (IOException closed) {
                    // the test is over
                }
            });
            createService("hanging", 443);
            createEndpoints("hanging", hanging.getLocalPort());
            createApiService("v1.hanging.example.com", "hanging.example.com", "v1", "hanging", 443,
                    authority.certificatePem(), false);
            long started = System.nanoTime();
            HttpResponse<String> groups = send("GET", "/apis", null);
            assertThat(groups.statusCode()).isEqualTo(200);
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as("/apis waits for no backend").isLessThan(Duration.ofSeconds(2));
            assertThat(message(awaitCondition("v1.hanging.example.com", "FailedDiscoveryCheck")))
                    .endsWith("context deadline exceeded (Client.Timeout exceeded while awaiting headers)");
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    void aBackendThatOnlyServesTheFrontProxyIsReachedWithTheAggregatorsClientCertificate() throws Exception {
        MetricsBackend backend = MetricsBackend.start("front-proxied.example.com/v1", authority,
                "front-proxied.aggregation.svc", Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofHours(1)),
                frontProxy);
        backends.add(backend);
        HttpClient anonymous = HttpClient.newBuilder()
                .sslContext(dev.caravel.tls.TlsContexts.trustingAnyServer(null, null)).build();
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> anonymous.send(HttpRequest.newBuilder(
                        URI.create("https://127.0.0.1:" + backend.port() + "/apis/front-proxied.example.com/v1")).build(),
                        HttpResponse.BodyHandlers.ofString()))
                .as("the backend refuses a client without the front-proxy certificate").isInstanceOf(IOException.class);
        createService("front-proxied", 443);
        createEndpoints("front-proxied", backend.port());
        createApiService("v1.front-proxied.example.com", "front-proxied.example.com", "v1", "front-proxied", 443,
                authority.certificatePem(), false);
        awaitCondition("v1.front-proxied.example.com", "Passed");
        assertThat(send("GET", "/apis/front-proxied.example.com/v1/namespaces/default/pods", null).body())
                .isEqualTo(MetricsBackend.POD_METRICS_LIST);
        assertThat(backend.remoteUsers).contains("system:unsecured");
    }

    @Test
    void aServiceWithEndpointSlicesAndNoEndpointsIsReachedThroughItsSlices() throws Exception {
        MetricsBackend backend = MetricsBackend.start("sliced.example.com/v1", authority, "sliced.aggregation.svc",
                Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofHours(1)));
        backends.add(backend);
        createService("sliced", 443);
        HttpResponse<String> slice = send("POST", "/apis/discovery.k8s.io/v1/namespaces/" + NAMESPACE + "/endpointslices",
                "{\"metadata\":{\"name\":\"sliced-abcde\",\"labels\":{\"kubernetes.io/service-name\":\"sliced\"}},"
                        + "\"addressType\":\"IPv4\",\"endpoints\":[{\"addresses\":[\"127.0.0.1\"],\"conditions\":{\"ready\":true}}],"
                        + "\"ports\":[{\"name\":\"https\",\"port\":" + backend.port() + "}]}");
        assertThat(slice.statusCode()).as(slice.body()).isEqualTo(201);
        createApiService("v1.sliced.example.com", "sliced.example.com", "v1", "sliced", 443, authority.certificatePem(), false);
        awaitCondition("v1.sliced.example.com", "Passed");
        assertThat(send("GET", "/apis/sliced.example.com/v1/namespaces/default/pods", null).body())
                .isEqualTo(MetricsBackend.POD_METRICS_LIST);
    }

    @Test
    void aBackendThatGoesDownIsUnavailableAndStaleUntilItComesBack() throws Exception {
        MetricsBackend backend = register("v1.flaky.example.com", "flaky.example.com", "v1", "flaky",
                authority.certificatePem(), null);
        JsonNode passed = awaitCondition("v1.flaky.example.com", "Passed");
        String upSince = condition(passed).path("lastTransitionTime").asText();
        int port = backend.port();
        backend.close();

        JsonNode down = awaitCondition("v1.flaky.example.com", "FailedDiscoveryCheck");
        assertThat(message(down)).isEqualTo("failing or missing response from https://127.0.0.1:" + port
                + "/apis/flaky.example.com/v1: Get \"https://127.0.0.1:" + port + "/apis/flaky.example.com/v1\": dial tcp 127.0.0.1:"
                + port + ": connect: connection refused");
        assertThat(condition(down).path("status").asText()).isEqualTo("False");
        assertThat(send("GET", "/metrics", null).body())
                .contains("aggregator_unavailable_apiservice{name=\"v1.flaky.example.com\"} 1.0");

        HttpResponse<String> proxied = send("GET", "/apis/flaky.example.com/v1/things", null);
        assertThat(proxied.statusCode()).isEqualTo(503);
        assertThat(proxied.body()).isEqualTo("service unavailable\n");
        assertThat(proxied.headers().firstValue("Content-Type")).hasValue("text/plain; charset=utf-8");

        assertThat(send("GET", "/apis", null).statusCode()).isEqualTo(200);
        JsonNode stale = aggregatedGroup("flaky.example.com");
        assertThat(stale.path("versions").path(0).path("version").asText()).isEqualTo("v1");
        assertThat(stale.path("versions").path(0).path("freshness").asText()).isEqualTo("Stale");

        MetricsBackend again = MetricsBackend.start("flaky.example.com/v1", authority, "flaky.aggregation.svc",
                Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofHours(1)));
        backends.add(again);
        Thread.sleep(1100); // a new second, so a new transition time differs from the first
        createEndpoints("flaky", again.port());
        JsonNode recovered = awaitCondition("v1.flaky.example.com", "Passed");
        assertThat(condition(recovered).path("lastTransitionTime").asText()).isNotEqualTo(upSince);
        assertThat(condition(recovered).path("lastTransitionTime").asText())
                .isNotEqualTo(condition(down).path("lastTransitionTime").asText());
        assertThat(aggregatedGroup("flaky.example.com").path("versions").path(0).path("freshness").asText()).isEqualTo("Current");
        assertThat(send("GET", "/metrics", null).body()).contains("aggregator_unavailable_apiservice{name=\"v1.flaky.example.com\"} 0.0");
    }

    @Test
    void kubectlListsApiServicesReadsThroughTheProxyAndLeavesOutAStaleGroupAsAgainstKubernetes() throws Exception {
        MetricsBackend backend = register("v1beta1.custom-metrics.example.com", "custom-metrics.example.com", "v1beta1",
                "custom-metrics", authority.certificatePem(), null);
        awaitCondition("v1beta1.custom-metrics.example.com", "Passed");
        ClientCommand kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));

        Result apiServices = kubectl.run("get", "apiservices");
        assertThat(apiServices.exitCode()).as(apiServices.describe()).isZero();
        List<String> lines = apiServices.stdout().lines().toList();
        assertThat(lines.get(0)).matches("NAME\\s+SERVICE\\s+AVAILABLE\\s+AGE");
        assertThat(lines).anyMatch(l -> l.matches("v1\\.apps\\s+Local\\s+True\\s+\\S+"));
        assertThat(lines).anyMatch(l -> l.matches("v1beta1\\.custom-metrics\\.example\\.com\\s+aggregation/custom-metrics\\s+True\\s+\\S+"));

        Result explain = kubectl.run("explain", "apiservices.spec.service");
        assertThat(explain.exitCode()).as(explain.describe()).isZero();
        assertThat(explain.stdout()).contains("GROUP:      apiregistration.k8s.io").contains("port");

        Result raw = kubectl.run("get", "--raw", "/apis/custom-metrics.example.com/v1beta1");
        assertThat(raw.exitCode()).as(raw.describe()).isZero();
        assertThat(raw.stdout()).contains("\"groupVersion\":\"custom-metrics.example.com/v1beta1\"");

        Result resources = kubectl.run("api-resources");
        assertThat(resources.exitCode()).as(resources.describe()).isZero();
        assertThat(resources.stdout()).contains("custom-metrics.example.com/v1beta1");

        backend.close();
        JsonNode down = awaitCondition("v1beta1.custom-metrics.example.com", "FailedDiscoveryCheck");
        assertThat(kubectl.run("get", "apiservices", "v1beta1.custom-metrics.example.com").stdout())
                .matches("(?s).*v1beta1\\.custom-metrics\\.example\\.com\\s+aggregation/custom-metrics\\s+False \\(FailedDiscoveryCheck\\)\\s+\\S+.*");
        assertThat(condition(down).path("status").asText()).isEqualTo("False");

        // kubectl 1.32 reads discovery through its disk cache, which has no aggregated entry point:
        // it asks for the groups only, and client-go leaves a Stale version out of them, so the
        // stale group is silently missing and the command succeeds, against kube-apiserver as here
        // (decision 0023). What kubectl shows of it is the APIService's condition above.
        Result failed = kubectl.run("api-resources");
        assertThat(failed.exitCode()).as(failed.describe()).isZero();
        assertThat(failed.stdout()).doesNotContain("custom-metrics.example.com");
        assertThat(failed.stdout()).as("everything else is still listed").contains("deployments").contains("apiservices");
        assertThat(aggregatedGroup("custom-metrics.example.com").path("versions").path(0).path("freshness").asText())
                .isEqualTo("Stale");

        Result unavailable = kubectl.run("get", "--raw", "/apis/custom-metrics.example.com/v1beta1/namespaces/default/pods");
        assertThat(unavailable.exitCode()).isEqualTo(1);
        assertThat(unavailable.stderr()).contains("the server is currently unable to handle the request");
    }

    // ---- helpers ------------------------------------------------------------------------------

    /**
     * A backend for {@code group}/{@code version} behind service {@code service} (port 443 named
     * https, the backend's port as target) with Endpoints at 127.0.0.1, and its APIService trusting
     * {@code caBundle}. The backend's certificate is {@link #authority}'s for the service's DNS
     * name, expired at {@code expiredAt} when given.
     */
    private static MetricsBackend register(String name, String group, String version, String service, String caBundle,
                                           Instant expiredAt) throws Exception {
        Instant notAfter = expiredAt == null ? Instant.now().plus(Duration.ofHours(1)) : expiredAt;
        MetricsBackend backend = MetricsBackend.start(group + "/" + version, authority, service + "." + NAMESPACE + ".svc",
                notAfter.minus(Duration.ofHours(2)), notAfter);
        backends.add(backend);
        createService(service, 443);
        createEndpoints(service, backend.port());
        createApiService(name, group, version, service, 443, caBundle, false);
        return backend;
    }

    private static void createService(String name, int port) throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/namespaces/" + NAMESPACE + "/services",
                "{\"metadata\":{\"name\":\"" + name + "\"},\"spec\":{\"ports\":[{\"name\":\"https\",\"port\":" + port
                        + ",\"targetPort\":6443}]}}");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** Creates or replaces the service's Endpoints: 127.0.0.1 on {@code port}, named https. */
    private static void createEndpoints(String name, int port) throws Exception {
        String body = "{\"metadata\":{\"name\":\"" + name + "\"},\"subsets\":[{\"addresses\":[{\"ip\":\"127.0.0.1\"}],"
                + "\"ports\":[{\"name\":\"https\",\"port\":" + port + "}]}]}";
        HttpResponse<String> created = send("POST", "/api/v1/namespaces/" + NAMESPACE + "/endpoints", body);
        if (created.statusCode() == 409) {
            created = send("PUT", "/api/v1/namespaces/" + NAMESPACE + "/endpoints/" + name, body);
        }
        assertThat(created.statusCode()).as(created.body()).isBetween(200, 201);
    }

    private static void createApiService(String name, String group, String version, String service, int port,
                                         String caBundle, boolean insecure) throws Exception {
        ObjectNode apiService = JSON.createObjectNode();
        apiService.put("apiVersion", "apiregistration.k8s.io/v1");
        apiService.put("kind", "APIService");
        apiService.putObject("metadata").put("name", name);
        ObjectNode spec = apiService.putObject("spec");
        spec.put("group", group);
        spec.put("version", version);
        spec.put("groupPriorityMinimum", 100);
        spec.put("versionPriority", 100);
        spec.put("insecureSkipTLSVerify", insecure);
        if (caBundle != null) {
            spec.put("caBundle", Base64.getEncoder().encodeToString(caBundle.getBytes(StandardCharsets.US_ASCII)));
        }
        spec.putObject("service").put("namespace", NAMESPACE).put("name", service).put("port", port);
        HttpResponse<String> created = send("POST", "/apis/apiregistration.k8s.io/v1/apiservices", JSON.writeValueAsString(apiService));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
    }

    /** The APIService once its Available condition has {@code reason}. */
    private static JsonNode awaitCondition(String name, String reason) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        JsonNode last = null;
        while (System.nanoTime() < deadline) {
            HttpResponse<String> got = send("GET", "/apis/apiregistration.k8s.io/v1/apiservices/" + name, null);
            if (got.statusCode() == 200) {
                last = JSON.readTree(got.body());
                if (condition(last).path("reason").asText().equals(reason)) {
                    return last;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("APIService " + name + " never had reason " + reason + "; last: " + last);
    }

    private static JsonNode condition(JsonNode apiService) {
        for (JsonNode c : apiService.path("status").path("conditions")) {
            if (c.path("type").asText().equals("Available")) {
                return c;
            }
        }
        return JSON.createObjectNode();
    }

    private static String message(JsonNode apiService) {
        return condition(apiService).path("message").asText();
    }

    private static JsonNode aggregatedGroup(String name) throws Exception {
        HttpResponse<String> list = http.send(HttpRequest.newBuilder(URI.create(server.url() + "/apis"))
                .header("Accept", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json")
                .build(), HttpResponse.BodyHandlers.ofString());
        assertThat(list.headers().firstValue("Content-Type"))
                .hasValue("application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList");
        for (JsonNode item : JSON.readTree(list.body()).path("items")) {
            if (item.path("metadata").path("name").asText().equals(name)) {
                return item;
            }
        }
        throw new AssertionError("no group " + name + " in " + list.body());
    }

    private static HttpResponse<String> send(String method, String path, String body) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.url() + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
