package dev.caravel.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.Reader;
import java.nio.file.Files;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import static org.assertj.core.api.Assertions.assertThat;

/** The kubeconfig file is what a tool given KUBECONFIG would read; a static field receives the cluster. */
@ExtendWith(CaravelExtension.class)
class KubeconfigFileTest {

    static CaravelCluster cluster;

    @Test
    void theFileNamesTheServerAndMatchesTheText() throws Exception {
        JsonNode config = new ObjectMapper(new YAMLFactory()).readTree(cluster.kubeconfigPath().toFile());

        assertThat(config.path("current-context").asText()).isEqualTo("caravel");
        assertThat(config.path("clusters").get(0).path("cluster").path("server").asText()).isEqualTo(cluster.url());
        assertThat(Files.readString(cluster.kubeconfigPath())).isEqualTo(cluster.kubeconfig());
    }

    @Test
    void aClientLoadedFromTheFileReachesTheServer() throws Exception {
        ApiClient client;
        try (Reader reader = Files.newBufferedReader(cluster.kubeconfigPath())) {
            client = ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(reader)).build();
        }

        assertThat(new CoreV1Api(client).readNamespace("default").execute().getStatus().getPhase()).isEqualTo("Active");
        OfficialClients.close(client);
    }
}
