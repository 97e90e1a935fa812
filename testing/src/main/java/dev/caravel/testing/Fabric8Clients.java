package dev.caravel.testing;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Builds fabric8 clients. Only loaded once {@link ClientLibrary#FABRIC8} is known to be present. */
final class Fabric8Clients {

    private Fabric8Clients() {}

    static KubernetesClient create(String kubeconfig) {
        return new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(kubeconfig)).build();
    }

    static void close(Object client) {
        ((KubernetesClient) client).close();
    }
}
