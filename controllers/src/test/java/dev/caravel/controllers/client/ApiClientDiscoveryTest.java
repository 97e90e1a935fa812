package dev.caravel.controllers.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.caravel.testing.CaravelCluster;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Discovery as client-go's ServerPreferredResources: every version read, each group/resource once, preferred version first. */
class ApiClientDiscoveryTest {

    @Test
    void eachGroupResourceIsKeptOnceInThePreferredVersionAndOnesOnlyAnOlderVersionServesAreKeptToo() throws Exception {
        Map<String, String> documents = Map.of(
                "/api", """
                        {"kind":"APIVersions","versions":["v1"]}""",
                "/apis", """
                        {"kind":"APIGroupList","groups":[{"name":"example.com",
                          "versions":[{"groupVersion":"example.com/v1","version":"v1"},{"groupVersion":"example.com/v1beta1","version":"v1beta1"}],
                          "preferredVersion":{"groupVersion":"example.com/v1","version":"v1"}}]}""",
                "/api/v1", """
                        {"kind":"APIResourceList","groupVersion":"v1","resources":[
                         {"name":"configmaps","namespaced":true,"kind":"ConfigMap","verbs":["delete","list"]}]}""",
                "/apis/example.com/v1", """
                        {"kind":"APIResourceList","groupVersion":"example.com/v1","resources":[
                         {"name":"widgets","namespaced":true,"kind":"Widget","verbs":["delete","list"]},
                         {"name":"widgets/status","namespaced":true,"kind":"Widget","verbs":["update"]}]}""",
                "/apis/example.com/v1beta1", """
                        {"kind":"APIResourceList","groupVersion":"example.com/v1beta1","resources":[
                         {"name":"widgets","namespaced":true,"kind":"Widget","verbs":["delete","list"]},
                         {"name":"gadgets","namespaced":false,"kind":"Gadget","verbs":["delete","list"]}]}""");
        HttpServer fake = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        fake.createContext("/", exchange -> reply(exchange, documents.get(exchange.getRequestURI().getPath())));
        fake.start();
        try (ApiClient client = new ApiClient(ApiClient.Config.of("http://127.0.0.1:" + fake.getAddress().getPort()))) {
            Discovery discovery = client.discover();

            assertThat(discovery.complete()).isTrue();
            assertThat(discovery.resources()).extracting(r -> r.groupVersion() + " " + r.name())
                    .containsExactly("v1 configmaps", "example.com/v1 widgets", "example.com/v1beta1 gadgets");
        } finally {
            fake.stop(0);
        }
    }

    @Test
    void againstCaravelDiscoveryFindsEachBuiltInResourceOnceWithItsVerbs() throws Exception {
        try (CaravelCluster cluster = CaravelCluster.start();
             ApiClient client = new ApiClient(ApiClient.Config.of(cluster.url()))) {
            Discovery discovery = client.discover();

            assertThat(discovery.complete()).isTrue();
            List<String> names = discovery.resources().stream().map(ApiResource::groupResource).toList();
            assertThat(names).contains("configmaps", "pods", "deployments.apps", "namespaces").doesNotHaveDuplicates();
            assertThat(discovery.resources()).filteredOn(r -> r.groupResource().equals("deployments.apps")).singleElement()
                    .satisfies(r -> {
                        assertThat(r.namespaced()).isTrue();
                        assertThat(r.kind()).isEqualTo("Deployment");
                        assertThat(r.verbs()).contains("delete", "deletecollection", "list");
                    });
        }
    }

    private static void reply(HttpExchange exchange, String body) throws IOException {
        byte[] bytes = (body == null ? "{\"kind\":\"Status\",\"code\":404}" : body).getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().add("Content-Type", "application/json");
        exchange.sendResponseHeaders(body == null ? 404 : 200, bytes.length);
        exchange.getResponseBody().write(bytes);
        exchange.close();
    }
}
