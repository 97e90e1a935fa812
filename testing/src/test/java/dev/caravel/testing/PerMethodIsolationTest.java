package dev.caravel.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** Per method, each test starts on an empty store: what one test creates, the next never sees. */
class PerMethodIsolationTest {

    @RegisterExtension
    static CaravelExtension caravel = CaravelExtension.create().perMethod();

    private static final Set<String> kubeconfigs = new HashSet<>();

    KubernetesClient client;

    @RepeatedTest(3)
    void eachTestStartsWithoutTheObjectsOfTheOthers(CaravelCluster cluster) {
        kubeconfigs.add(cluster.kubeconfigPath().toString());
        assertThat(client.configMaps().inNamespace("default").withName("marker").get()).isNull();

        client.configMaps().inNamespace("default").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("marker").endMetadata().build()).create();

        assertThat(client.configMaps().inNamespace("default").withName("marker").get()).isNotNull();
    }

    @AfterAll
    static void eachTestHadItsOwnServer() {
        assertThat(kubeconfigs).hasSize(3);
    }
}
