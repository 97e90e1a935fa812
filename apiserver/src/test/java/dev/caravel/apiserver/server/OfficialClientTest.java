package dev.caravel.apiserver.server;

import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.kubernetes.client.openapi.ApiClient;
import io.kubernetes.client.openapi.ApiException;
import io.kubernetes.client.openapi.apis.AuthenticationV1Api;
import io.kubernetes.client.openapi.apis.AuthorizationV1Api;
import io.kubernetes.client.openapi.apis.CoreV1Api;
import io.kubernetes.client.openapi.models.AuthenticationV1TokenRequest;
import io.kubernetes.client.openapi.models.V1Binding;
import io.kubernetes.client.openapi.models.V1BoundObjectReference;
import io.kubernetes.client.openapi.models.V1Container;
import io.kubernetes.client.openapi.models.V1ObjectReference;
import io.kubernetes.client.openapi.models.V1Pod;
import io.kubernetes.client.openapi.models.V1PodSpec;
import io.kubernetes.client.openapi.models.V1ResourceAttributes;
import io.kubernetes.client.openapi.models.V1SelfSubjectAccessReview;
import io.kubernetes.client.openapi.models.V1SelfSubjectAccessReviewSpec;
import io.kubernetes.client.openapi.models.V1ServiceAccount;
import io.kubernetes.client.openapi.models.V1TokenRequestSpec;
import io.kubernetes.client.openapi.models.V1TokenReview;
import io.kubernetes.client.openapi.models.V1TokenReviewSpec;
import io.kubernetes.client.openapi.models.V1ConfigMap;
import io.kubernetes.client.openapi.models.V1ConfigMapList;
import io.kubernetes.client.openapi.models.V1ObjectMeta;
import io.kubernetes.client.util.ClientBuilder;
import io.kubernetes.client.util.KubeConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.StringReader;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The official Java client against an in-process server: CRUD, list with selectors, errors, binding, tokens and reviews. */
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

    @Test
    void schedulersAndAuthenticatorsBindPodsRequestTokensAndReviewThem() throws Exception {
        ApiClient client = core.getApiClient();
        core.createNamespacedServiceAccount("default", new V1ServiceAccount().metadata(new V1ObjectMeta().name("java"))).execute();
        core.createNamespacedPod("default", new V1Pod().metadata(new V1ObjectMeta().name("java-pod"))
                .spec(new V1PodSpec().serviceAccountName("java")
                        .addContainersItem(new V1Container().name("c").image("busybox")))).execute();
        // kube-apiserver answers a binding with a Success Status where its OpenAPI promises a
        // Binding (kubernetes/kubernetes#140490), so the generated client cannot read the answer
        // of a binding that worked; Caravel answers the same.
        assertThatThrownBy(() -> core.createNamespacedPodBinding("java-pod", "default", new V1Binding()
                .metadata(new V1ObjectMeta().name("java-pod"))
                .target(new V1ObjectReference().kind("Node").name("node-3"))).execute())
                .hasMessageContaining("\"status\":\"Success\"");
        assertThat(core.readNamespacedPod("java-pod", "default").execute().getSpec().getNodeName()).isEqualTo("node-3");

        AuthenticationV1TokenRequest request = core.createNamespacedServiceAccountToken("java", "default",
                new AuthenticationV1TokenRequest().spec(new V1TokenRequestSpec().expirationSeconds(1200L)
                        .boundObjectRef(new V1BoundObjectReference().apiVersion("v1").kind("Pod").name("java-pod")))).execute();
        String token = request.getStatus().getToken();

        V1TokenReview review = new AuthenticationV1Api(client).createTokenReview(
                new V1TokenReview().spec(new V1TokenReviewSpec().token(token))).execute();
        assertThat(review.getStatus().getAuthenticated()).isTrue();
        assertThat(review.getStatus().getUser().getUsername()).isEqualTo("system:serviceaccount:default:java");
        assertThat(review.getStatus().getUser().getExtra()).containsEntry("authentication.kubernetes.io/pod-name", List.of("java-pod"));

        V1SelfSubjectAccessReview access = new AuthorizationV1Api(client).createSelfSubjectAccessReview(
                new V1SelfSubjectAccessReview().spec(new V1SelfSubjectAccessReviewSpec().resourceAttributes(
                        new V1ResourceAttributes().namespace("default").verb("delete").resource("pods")))).execute();
        assertThat(access.getStatus().getAllowed()).isTrue();
    }
}
