package dev.caravel.testing;

import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import java.io.IOException;
import java.io.StringReader;
import java.io.UncheckedIOException;
import okhttp3.OkHttpClient;

/** Builds official-client {@link ApiClient}s. Only loaded once {@link ClientLibrary#OFFICIAL} is known to be present. */
final class OfficialClients {

    private OfficialClients() {}

    static ApiClient create(String kubeconfig) {
        try {
            return ClientBuilder.kubeconfig(KubeConfig.loadKubeConfig(new StringReader(kubeconfig))).build();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot build an ApiClient from Caravel's kubeconfig", e);
        }
    }

    /**
     * ApiClient has no close: its OkHttp dispatcher threads and pooled connections would outlive
     * the server, one set per test class, so they are released here.
     */
    static void close(Object client) {
        OkHttpClient http = ((ApiClient) client).getHttpClient();
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
    }
}
