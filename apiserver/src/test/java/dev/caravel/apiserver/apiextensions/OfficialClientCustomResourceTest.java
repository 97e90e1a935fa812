package dev.caravel.apiserver.apiextensions;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.ApiextensionsV1Api;
import io.kubernetes.client.openapi.apis.CustomObjectsApi;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinition;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionNames;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionSpec;
import io.kubernetes.client.openapi.models.V1CustomResourceDefinitionVersion;
import io.kubernetes.client.openapi.models.V1CustomResourceValidation;
import io.kubernetes.client.openapi.models.V1JSONSchemaProps;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Java client: a cluster-scoped CRD through ApiextensionsV1Api, its objects through CustomObjectsApi. */
class OfficialClientCustomResourceTest {

    private static KeyValueStore store;
    private static CaravelServer server;
    private static ApiextensionsV1Api extensions;
    private static CustomObjectsApi objects;

    @BeforeAll
    static void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        ApiClient client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(
                new StringReader(Kubeconfig.render(server.url())))).build();
        extensions = new ApiextensionsV1Api(client);
        objects = new CustomObjectsApi(client);
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    @Test
    void aClusterScopedCustomResourceIsCreatedListedAndValidated() throws Exception {
        extensions.createCustomResourceDefinition(new V1CustomResourceDefinition()
                .metadata(new V1ObjectMeta().name("regions.geo.example.com"))
                .spec(new V1CustomResourceDefinitionSpec().group("geo.example.com").scope("Cluster")
                        .names(new V1CustomResourceDefinitionNames().plural("regions").kind("Region"))
                        .versions(List.of(new V1CustomResourceDefinitionVersion().name("v1alpha1").served(true).storage(true)
                                .schema(new V1CustomResourceValidation().openAPIV3Schema(new V1JSONSchemaProps().type("object")
                                        .properties(Map.of("spec", new V1JSONSchemaProps().type("object")
                                                .required(List.of("zone"))
                                                .properties(Map.of("zone", new V1JSONSchemaProps().type("string")
                                                        ._enum(List.of("north", "south")))))))))))).execute();
        long deadline = System.nanoTime() + 5_000_000_000L;
        while (true) {
            try {
                objects.listClusterCustomObject("geo.example.com", "v1alpha1", "regions").execute();
                break;
            } catch (ApiException e) {
                assertThat(System.nanoTime()).as("served within 5 s").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        objects.createClusterCustomObject("geo.example.com", "v1alpha1", "regions", Map.of(
                "apiVersion", "geo.example.com/v1alpha1", "kind", "Region",
                "metadata", Map.of("name", "nordic"), "spec", Map.of("zone", "north"))).execute();
        @SuppressWarnings("unchecked")
        Map<String, Object> list = (Map<String, Object>) objects.listClusterCustomObject("geo.example.com", "v1alpha1", "regions")
                .execute();
        assertThat(list.get("kind")).isEqualTo("RegionList");
        assertThat((List<?>) list.get("items")).hasSize(1);

        assertThatThrownBy(() -> objects.createClusterCustomObject("geo.example.com", "v1alpha1", "regions", Map.of(
                "apiVersion", "geo.example.com/v1alpha1", "kind", "Region",
                "metadata", Map.of("name", "eastern"), "spec", Map.of("zone", "east"))).execute())
                .isInstanceOfSatisfying(ApiException.class, e -> {
                    assertThat(e.getCode()).isEqualTo(422);
                    assertThat(e.getResponseBody()).contains("Region.geo.example.com \\\"eastern\\\" is invalid")
                            .contains("spec.zone: Unsupported value: \\\"east\\\": supported values: \\\"north\\\", \\\"south\\\"");
                });
    }
}
