package dev.caravel.apiserver.server;

import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;


import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * fabric8's client against an in-process server: CRUD, patches, server-side apply and scale.
 * Its watches go over WebSocket.
 */
class Fabric8ClientTest {

    private static KeyValueStore store;
    private static CaravelServer server;
    private static KubernetesClient client;

    @BeforeAll
    static void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Kubeconfig.render(server.url()))).build();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("fabric").endMetadata().build()).create();
    }

    @AfterAll
    static void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    @Test
    void configMapCrudWithOptimisticConcurrency() {
        ConfigMap created = client.configMaps().inNamespace("fabric").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("settings").addToLabels("app", "shop").endMetadata()
                .addToData("color", "blue").build()).create();
        assertThat(created.getMetadata().getUid()).isNotEmpty();

        ConfigMap edited = client.configMaps().inNamespace("fabric").withName("settings")
                .edit(cm -> new ConfigMapBuilder(cm).addToData("size", "L").build());
        assertThat(edited.getData()).containsEntry("size", "L");

        ConfigMap stale = new ConfigMapBuilder(created).addToData("x", "y").build();
        assertThatThrownBy(() -> client.configMaps().inNamespace("fabric").resource(stale).update())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> assertThat(((KubernetesClientException) e).getCode()).isEqualTo(409));

        assertThat(client.configMaps().inNamespace("fabric").withLabel("app", "shop").list().getItems()).hasSize(1);
        assertThat(client.configMaps().inNamespace("fabric").withName("settings").delete()).hasSize(1);
        assertThat(client.configMaps().inNamespace("fabric").withName("settings").get()).isNull();
    }

    @Test
    void patchesAndServerSideApply() {
        Deployment deployment = new DeploymentBuilder()
                .withNewMetadata().withName("web").withNamespace("fabric").endMetadata()
                .withNewSpec().withReplicas(1)
                .withNewSelector().addToMatchLabels("app", "web").endSelector()
                .withNewTemplate().withNewMetadata().addToLabels("app", "web").endMetadata()
                .withNewSpec().addNewContainer().withName("web").withImage("nginx:1.27").endContainer().endSpec()
                .endTemplate().endSpec().build();
        Deployment applied = client.apps().deployments().inNamespace("fabric").resource(deployment)
                .fieldManager("fabric-test").forceConflicts().serverSideApply();
        assertThat(applied.getMetadata().getManagedFields()).isNotEmpty();

        Deployment merged = client.apps().deployments().inNamespace("fabric").withName("web")
                .patch(PatchContext.of(PatchType.JSON_MERGE), "{\"spec\":{\"replicas\":3}}");
        assertThat(merged.getSpec().getReplicas()).isEqualTo(3);
        Deployment strategic = client.apps().deployments().inNamespace("fabric").withName("web")
                .patch(PatchContext.of(PatchType.STRATEGIC_MERGE),
                        "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}");
        assertThat(strategic.getSpec().getTemplate().getSpec().getContainers()).hasSize(1);
        assertThat(strategic.getSpec().getTemplate().getSpec().getContainers().get(0).getImage()).isEqualTo("nginx:1.28");
        Deployment scaled = client.apps().deployments().inNamespace("fabric").withName("web").scale(5);
        assertThat(scaled.getSpec().getReplicas()).isEqualTo(5);
    }

    @Test
    void watchSeesAddsModificationsAndDeletes() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (Watch watch = client.configMaps().inNamespace("fabric").withLabel("watched", "yes").watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, ConfigMap resource) {
                events.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            client.configMaps().inNamespace("fabric").resource(new ConfigMapBuilder().withNewMetadata()
                    .withName("w").withLabels(Map.of("watched", "yes")).endMetadata().build()).create();
            client.configMaps().inNamespace("fabric").withName("w").edit(cm -> new ConfigMapBuilder(cm).addToData("a", "b").build());
            client.configMaps().inNamespace("fabric").withName("w").delete();
            List<String> seen = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                seen.add(events.poll(10, TimeUnit.SECONDS));
            }
            assertThat(seen).containsExactly("ADDED w", "MODIFIED w", "DELETED w");
        }
    }
}
