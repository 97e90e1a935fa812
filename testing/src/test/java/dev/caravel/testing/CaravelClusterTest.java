package dev.caravel.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A cluster managed by hand, without the extension. */
class CaravelClusterTest {

    @Test
    void closingTheClusterStopsTheServerAndDeletesTheKubeconfig() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        CaravelCluster cluster = CaravelCluster.start();
        Path kubeconfig = cluster.kubeconfigPath();
        HttpRequest readyz = HttpRequest.newBuilder(URI.create(cluster.url() + "/readyz")).build();
        assertThat(http.send(readyz, HttpResponse.BodyHandlers.ofString()).body()).isEqualTo("ok");

        cluster.close();
        cluster.close();

        assertThat(kubeconfig).doesNotExist();
        assertThat(kubeconfig.getParent()).doesNotExist();
        assertThatThrownBy(() -> http.send(readyz, HttpResponse.BodyHandlers.ofString())).isInstanceOf(java.io.IOException.class);
        assertThatThrownBy(cluster::fabric8Client).hasMessageContaining("is closed");
    }

    @Test
    void twoClustersShareNothing() throws Exception {
        try (CaravelCluster first = CaravelCluster.start(); CaravelCluster second = CaravelCluster.start()) {
            assertThat(first.url()).isNotEqualTo(second.url());
            assertThat(Files.readString(first.kubeconfigPath())).contains(first.url()).doesNotContain(second.url());
        }
    }
}
