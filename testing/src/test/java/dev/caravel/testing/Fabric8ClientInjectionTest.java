package dev.caravel.testing;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's fabric8 test: the client comes in a field and as a parameter, from one server per class. */
@ExtendWith(CaravelExtension.class)
class Fabric8ClientInjectionTest {

    KubernetesClient client;

    @Test
    void aCreatedConfigMapIsSeenByAWatch() throws Exception {
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (Watch ignored = client.configMaps().inNamespace("default").withLabel("app", "shop")
                .watch(new Watcher<ConfigMap>() {
                    @Override
                    public void eventReceived(Action action, ConfigMap configMap) {
                        events.add(action + " " + configMap.getMetadata().getName() + " " + configMap.getData());
                    }

                    @Override
                    public void onClose(WatcherException cause) {
                    }
                })) {
            client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                    .withNewMetadata().withName("shop-settings").addToLabels("app", "shop").endMetadata()
                    .addToData("color", "blue").build()).create();
            client.configMaps().inNamespace("default").withName("shop-settings")
                    .edit(cm -> new ConfigMapBuilder(cm).addToData("color", "red").build());

            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("ADDED shop-settings {color=blue}");
            assertThat(events.poll(10, TimeUnit.SECONDS)).isEqualTo("MODIFIED shop-settings {color=red}");
        }
    }

    @Test
    void theFieldAndTheParameterAreTheSameClientOfTheSameServer(KubernetesClient parameter, CaravelCluster cluster) {
        assertThat(parameter).isSameAs(client);
        assertThat(client.getMasterUrl().toString()).startsWith(cluster.url());
        assertThat(cluster.url()).matches("http://127\\.0\\.0\\.1:\\d+");
    }
}
