package dev.caravel.apiserver.server;

import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Java client against an in-process server: CRUD, list with selectors, errors. */
class OfficialClientTest {

    private static KeyValueStore store;
    private static CaravelServer server;
    private static CoreV1Api core;

    @BeforeAll
    static void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        ApiClient client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(
                new StringReader(Kubeconfig.render(server.url())))).build();
        core = new CoreV1Api(client);
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void configMapCrudAndNotFoundStatus() throws Exception {
        V1ConfigMap created = core.createNamespacedConfigMap("default", new V1ConfigMap()
                .metadata(new V1ObjectMeta().name("official").labels(Map.of("app", "java")))
                .data(Map.of("k", "v"))).execute();
        assertThat(created.getMetadata().getUid()).isNotEmpty();

        V1ConfigMap read = core.readNamespacedConfigMap("official", "default").execute();
        read.getData().put("k", "w");
        V1ConfigMap replaced = core.replaceNamespacedConfigMap("official", "default", read).execute();
        assertThat(replaced.getData()).containsEntry("k", "w");

        V1ConfigMapList list = core.listNamespacedConfigMap("default").labelSelector("app=java").execute();
        assertThat(list.getItems()).hasSize(1);

        core.deleteNamespacedConfigMap("official", "default").execute();
        assertThatThrownBy(() -> core.readNamespacedConfigMap("official", "default").execute())
                .isInstanceOf(ApiException.class)
                .satisfies(e -> assertThat(((ApiException) e).getCode()).isEqualTo(404));
    }
}
