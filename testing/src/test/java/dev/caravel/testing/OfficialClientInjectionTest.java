package dev.caravel.testing;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.V1Namespace;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/** A user's official-client test, registering the extension in a static field. */
class OfficialClientInjectionTest {

    @RegisterExtension
    static CaravelExtension caravel = CaravelExtension.create();

    @Test
    void theSystemNamespacesExist(ApiClient client) throws Exception {
        var namespaces = new CoreV1Api(client).listNamespace().execute().getItems().stream()
                .map(V1Namespace::getMetadata).map(m -> m.getName()).toList();

        assertThat(namespaces).contains("default", "kube-system", "kube-public", "kube-node-lease");
    }
}
