package dev.caravel.testing;

import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** Per class, a @BeforeAll can seed the server the tests then share. */
@ExtendWith(CaravelExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LifecycleInjectionTest {

    private static String seededOn;

    @BeforeAll
    static void seedANamespace(KubernetesClient client, CaravelCluster cluster) {
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
        seededOn = cluster.url();
    }

    @Test
    @Order(1)
    void theTestsSeeWhatBeforeAllCreated(KubernetesClient client, CaravelCluster cluster) {
        assertThat(cluster.url()).isEqualTo(seededOn);
        assertThat(client.namespaces().withName("shop").get().getStatus().getPhase()).isEqualTo("Active");
    }

    @Test
    @Order(2)
    void andWhatEarlierTestsCreated(KubernetesClient client) {
        client.configMaps().inNamespace("shop").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("kept").endMetadata().build()).create();
        assertThat(client.configMaps().inNamespace("shop").list().getItems()).extracting(c -> c.getMetadata().getName())
                .contains("kept");
    }
}
