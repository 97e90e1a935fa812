package dev.caravel.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.ClientCommand.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/** The real kubectl binary against an in-process server on the memory store. */
class KubectlTest {

    private static LoopbackServer server;
    private static ClientCommand kubectl;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start();
        kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    static Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
        return kubectl.runWithInput(stdin, args);
    }

    static Result ok(String stdin, String... args) throws Exception {
        return kubectl(stdin, args).requireSuccess();
    }

    static final String DEPLOYMENT = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: web
              namespace: shop
              labels:
                app: web
            spec:
              replicas: 2
              selector:
                matchLabels:
                  app: web
              template:
                metadata:
                  labels:
                    app: web
                spec:
                  containers:
                  - name: web
                    image: nginx:1.27
            """;

    @Test
    void kubectlCreatesAppliesGetsLabelsScalesPatchesAndDeletes() throws Exception {
        assertThat(ok(null, "version", "-o", "json").stdout()).contains("v1.32.0-caravel");
        assertThat(ok(null, "api-resources").stdout()).contains("deployments").contains("configmaps");
        assertThat(ok(null, "create", "namespace", "shop").stdout()).contains("namespace/shop created");
        assertThat(ok(null, "-n", "shop", "create", "configmap", "settings", "--from-literal=color=blue").stdout())
                .contains("configmap/settings created");
        assertThat(ok(DEPLOYMENT, "apply", "-f", "-").stdout()).contains("deployment.apps/web created");
        assertThat(ok(DEPLOYMENT.replace("replicas: 2", "replicas: 3"), "apply", "-f", "-").stdout())
                .contains("deployment.apps/web configured");
        assertThat(ok(DEPLOYMENT.replace("name: web", "name: api").replace("app: web", "app: api"),
                "apply", "--server-side", "-f", "-").stdout()).contains("deployment.apps/api serverside-applied");

        assertThat(ok(null, "-n", "shop", "get", "deployments").stdout()).contains("web").contains("api");
        assertThat(ok(null, "-n", "shop", "get", "deployment", "web", "-o", "json").stdout()).contains("\"replicas\": 3");
        assertThat(ok(null, "-n", "shop", "get", "configmap", "settings", "-o", "yaml").stdout()).contains("color: blue");
        assertThat(ok(null, "-n", "shop", "get", "deployments", "-o", "wide").stdout()).contains("nginx:1.27");
        assertThat(ok(null, "-n", "shop", "get", "deployments", "-l", "app=api").stdout()).contains("api").doesNotContain("web ");

        assertThat(ok(null, "-n", "shop", "label", "configmap", "settings", "tier=backend").stdout()).contains("labeled");
        assertThat(ok(null, "-n", "shop", "annotate", "configmap", "settings", "note=hello").stdout()).contains("annotated");
        assertThat(ok(null, "-n", "shop", "get", "configmaps", "-l", "tier=backend", "-o", "name").stdout())
                .contains("configmap/settings");
        assertThat(ok(null, "-n", "shop", "scale", "deployment", "web", "--replicas=5").stdout()).contains("scaled");
        assertThat(ok(null, "-n", "shop", "patch", "deployment", "web", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}").stdout())
                .contains("patched");
        Result web = ok(null, "-n", "shop", "get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}");
        assertThat(web.stdout()).isEqualTo("5 nginx:1.28");

        assertThat(ok(null, "-n", "shop", "get", "deployments", "--field-selector", "metadata.name=api", "-o", "name").stdout())
                .isEqualTo("deployment.apps/api\n");
        assertThat(ok(null, "-n", "shop", "describe", "deployment", "web").stdout())
                .contains("RollingUpdate").contains("nginx:1.28");
        assertThat(ok(null, "-n", "shop", "wait", "--for=jsonpath={.spec.replicas}=5", "deployment/web", "--timeout=10s").stdout())
                .contains("condition met");
        assertThat(ok(null, "api-versions").stdout()).contains("apps/v1").contains("batch/v1");
        assertThat(ok(null, "explain", "deployment.spec.replicas").stdout()).contains("replicas");

        assertThat(ok(null, "-n", "shop", "delete", "configmap", "settings").stdout()).contains("deleted");
        assertThat(ok(null, "-n", "shop", "delete", "deployment", "web", "api").stdout()).contains("deleted");
        Result missing = kubectl(null, "-n", "shop", "get", "configmap", "settings");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("configmaps \"settings\" not found");
    }

    @Test
    void kubectlExposeGivesTheServiceAClusterIpThatGetSvcShows() throws Exception {
        ok(null, "create", "namespace", "edge");
        ok(null, "-n", "edge", "create", "deployment", "proxy", "--image=nginx:1.27");
        assertThat(ok(null, "-n", "edge", "expose", "deployment", "proxy", "--port=80").stdout()).contains("service/proxy exposed");
        String ip = ok(null, "-n", "edge", "get", "svc", "proxy", "-o", "jsonpath={.spec.clusterIP}").stdout();
        // 10.96.0.0/12 is 10.96.0.0 - 10.111.255.255.
        assertThat(ip).matches("10\\.(9[6-9]|10[0-9]|11[01])\\.\\d+\\.\\d+");
        assertThat(ok(null, "-n", "edge", "get", "svc", "proxy").stdout()).contains("CLUSTER-IP").contains(ip).contains("80/TCP");
        ok(null, "-n", "edge", "delete", "svc", "proxy");
    }

    @Test
    void kubectlCreateTokenSendsProtobufAndGetsASignedBoundToken() throws Exception {
        ok(null, "create", "namespace", "tokens");
        ok(null, "-n", "tokens", "create", "serviceaccount", "default");
        String token = ok(null, "-n", "tokens", "create", "token", "default").stdout().trim();
        JsonNode claims = claims(token);
        assertThat(claims.path("sub").asText()).isEqualTo("system:serviceaccount:tokens:default");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(3600);

        ok("""
                apiVersion: v1
                kind: Pod
                metadata:
                  name: p
                  namespace: tokens
                spec:
                  serviceAccountName: default
                  containers:
                  - name: c
                    image: busybox
                """, "apply", "-f", "-");
        String bound = ok(null, "-n", "tokens", "create", "token", "default", "--audience", "x", "--duration", "1h",
                "--bound-object-kind", "Pod", "--bound-object-name", "p").stdout().trim();
        JsonNode boundClaims = claims(bound);
        assertThat(boundClaims.path("aud").get(0).asText()).isEqualTo("x");
        assertThat(boundClaims.path("kubernetes.io").path("pod").path("name").asText()).isEqualTo("p");

        Result missing = kubectl(null, "-n", "tokens", "create", "token", "nobody");
        assertThat(missing.exitCode()).isNotZero();
        assertThat(missing.stderr()).contains("serviceaccounts \"nobody\" not found");
    }

    @Test
    void kubectlAuthCanIListAndWhoamiAnswerForTheUnsecuredUser() throws Exception {
        assertThat(ok(null, "auth", "can-i", "create", "pods").stdout().trim()).isEqualTo("yes");
        assertThat(ok(null, "auth", "can-i", "get", "/healthz").stdout().trim()).isEqualTo("yes");
        assertThat(ok(null, "auth", "can-i", "--list").stdout()).contains("*.*").contains("[*]");
        assertThat(ok(null, "auth", "whoami").stdout()).contains("system:unsecured").contains("system:masters");
    }

    @Test
    void kubectlBindsAPodThenSeesItTerminatingUntilAForcedDelete() throws Exception {
        ok(null, "create", "namespace", "sched");
        ok(null, "-n", "sched", "run", "app", "--image=busybox");
        assertThat(ok("""
                apiVersion: v1
                kind: Binding
                metadata:
                  name: app
                  namespace: sched
                target:
                  apiVersion: v1
                  kind: Node
                  name: node-1
                """, "create", "-f", "-").stdout()).as("the answer is a Success Status, as kube-apiserver's")
                .contains("status/<unknown> created");
        assertThat(ok(null, "-n", "sched", "get", "pod", "app", "-o", "jsonpath={.spec.nodeName}").stdout()).isEqualTo("node-1");

        assertThat(ok(null, "-n", "sched", "delete", "pod", "app", "--wait=false").stdout()).contains("pod \"app\" deleted");
        assertThat(ok(null, "-n", "sched", "get", "pod", "app").stdout()).contains("Terminating");
        assertThat(ok(null, "-n", "sched", "delete", "pod", "app", "--grace-period=0", "--force").stdout()).contains("deleted");
        assertThat(kubectl(null, "-n", "sched", "get", "pod", "app").stderr()).contains("pods \"app\" not found");
    }

    private static JsonNode claims(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).as(token).hasSize(3);
        return new ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
    }
}
