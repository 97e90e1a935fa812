package dev.caravel.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** The real kubectl binary against an in-process server on the memory store. */
class KubectlTest {

    private static KeyValueStore store;
    private static CaravelServer server;
    private static Path kubeconfig;
    private static String kubectl;

    @TempDir
    static Path dir;

    record Result(int exit, String out, String err) {
        @Override
        public String toString() {
            return "exit " + exit + "\nstdout:\n" + out + "\nstderr:\n" + err;
        }
    }

    @BeforeAll
    static void start() throws Exception {
        kubectl = ClientBinaries.kubectl();
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), server.url());
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


    static Result kubectl(String stdin, String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(kubectl);
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", dir.toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        Path err = Files.createTempFile(dir, "err", ".txt");
        pb.redirectOutput(out.toFile()).redirectError(err.toFile());
        Process process = pb.start();
        if (stdin != null) {
            process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        return new Result(process.exitValue(), Files.readString(out), Files.readString(err));
    }

    static Result ok(String stdin, String... args) throws Exception {
        Result r = kubectl(stdin, args);
        assertThat(r.exit()).as("kubectl " + String.join(" ", args) + "\n" + r).isZero();
        return r;
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
        assertThat(ok(null, "version", "-o", "json").out()).contains("v1.32.0-caravel");
        assertThat(ok(null, "api-resources").out()).contains("deployments").contains("configmaps");
        assertThat(ok(null, "create", "namespace", "shop").out()).contains("namespace/shop created");
        assertThat(ok(null, "-n", "shop", "create", "configmap", "settings", "--from-literal=color=blue").out())
                .contains("configmap/settings created");
        assertThat(ok(DEPLOYMENT, "apply", "-f", "-").out()).contains("deployment.apps/web created");
        assertThat(ok(DEPLOYMENT.replace("replicas: 2", "replicas: 3"), "apply", "-f", "-").out())
                .contains("deployment.apps/web configured");
        assertThat(ok(DEPLOYMENT.replace("name: web", "name: api").replace("app: web", "app: api"),
                "apply", "--server-side", "-f", "-").out()).contains("deployment.apps/api serverside-applied");

        assertThat(ok(null, "-n", "shop", "get", "deployments").out()).contains("web").contains("api");
        assertThat(ok(null, "-n", "shop", "get", "deployment", "web", "-o", "json").out()).contains("\"replicas\": 3");
        assertThat(ok(null, "-n", "shop", "get", "configmap", "settings", "-o", "yaml").out()).contains("color: blue");
        assertThat(ok(null, "-n", "shop", "get", "deployments", "-o", "wide").out()).contains("nginx:1.27");
        assertThat(ok(null, "-n", "shop", "get", "deployments", "-l", "app=api").out()).contains("api").doesNotContain("web ");

        assertThat(ok(null, "-n", "shop", "label", "configmap", "settings", "tier=backend").out()).contains("labeled");
        assertThat(ok(null, "-n", "shop", "annotate", "configmap", "settings", "note=hello").out()).contains("annotated");
        assertThat(ok(null, "-n", "shop", "get", "configmaps", "-l", "tier=backend", "-o", "name").out())
                .contains("configmap/settings");
        assertThat(ok(null, "-n", "shop", "scale", "deployment", "web", "--replicas=5").out()).contains("scaled");
        assertThat(ok(null, "-n", "shop", "patch", "deployment", "web", "-p",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1.28\"}]}}}}").out())
                .contains("patched");
        Result web = ok(null, "-n", "shop", "get", "deployment", "web", "-o", "jsonpath={.spec.replicas} {.spec.template.spec.containers[0].image}");
        assertThat(web.out()).isEqualTo("5 nginx:1.28");

        assertThat(ok(null, "-n", "shop", "get", "deployments", "--field-selector", "metadata.name=api", "-o", "name").out())
                .isEqualTo("deployment.apps/api\n");
        assertThat(ok(null, "-n", "shop", "describe", "deployment", "web").out())
                .contains("RollingUpdate").contains("nginx:1.28");
        assertThat(ok(null, "-n", "shop", "wait", "--for=jsonpath={.spec.replicas}=5", "deployment/web", "--timeout=10s").out())
                .contains("condition met");
        assertThat(ok(null, "api-versions").out()).contains("apps/v1").contains("batch/v1");
        assertThat(ok(null, "explain", "deployment.spec.replicas").out()).contains("replicas");

        assertThat(ok(null, "-n", "shop", "delete", "configmap", "settings").out()).contains("deleted");
        assertThat(ok(null, "-n", "shop", "delete", "deployment", "web", "api").out()).contains("deleted");
        Result missing = kubectl(null, "-n", "shop", "get", "configmap", "settings");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("configmaps \"settings\" not found");
    }

    @Test
    void kubectlExposeGivesTheServiceAClusterIpThatGetSvcShows() throws Exception {
        ok(null, "create", "namespace", "edge");
        ok(null, "-n", "edge", "create", "deployment", "proxy", "--image=nginx:1.27");
        assertThat(ok(null, "-n", "edge", "expose", "deployment", "proxy", "--port=80").out()).contains("service/proxy exposed");
        String ip = ok(null, "-n", "edge", "get", "svc", "proxy", "-o", "jsonpath={.spec.clusterIP}").out();
        // 10.96.0.0/12 is 10.96.0.0 - 10.111.255.255.
        assertThat(ip).matches("10\\.(9[6-9]|10[0-9]|11[01])\\.\\d+\\.\\d+");
        assertThat(ok(null, "-n", "edge", "get", "svc", "proxy").out()).contains("CLUSTER-IP").contains(ip).contains("80/TCP");
        ok(null, "-n", "edge", "delete", "svc", "proxy");
    }

    @Test
    void kubectlCreateTokenSendsProtobufAndGetsASignedBoundToken() throws Exception {
        ok(null, "create", "namespace", "tokens");
        ok(null, "-n", "tokens", "create", "serviceaccount", "default");
        String token = ok(null, "-n", "tokens", "create", "token", "default").out().trim();
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
                "--bound-object-kind", "Pod", "--bound-object-name", "p").out().trim();
        JsonNode boundClaims = claims(bound);
        assertThat(boundClaims.path("aud").get(0).asText()).isEqualTo("x");
        assertThat(boundClaims.path("kubernetes.io").path("pod").path("name").asText()).isEqualTo("p");

        Result missing = kubectl(null, "-n", "tokens", "create", "token", "nobody");
        assertThat(missing.exit()).isNotZero();
        assertThat(missing.err()).contains("serviceaccounts \"nobody\" not found");
    }

    @Test
    void kubectlAuthCanIListAndWhoamiAnswerForTheUnsecuredUser() throws Exception {
        assertThat(ok(null, "auth", "can-i", "create", "pods").out().trim()).isEqualTo("yes");
        assertThat(ok(null, "auth", "can-i", "get", "/healthz").out().trim()).isEqualTo("yes");
        assertThat(ok(null, "auth", "can-i", "--list").out()).contains("*.*").contains("[*]");
        assertThat(ok(null, "auth", "whoami").out()).contains("system:unsecured").contains("system:masters");
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
                """, "create", "-f", "-").out()).as("the answer is a Success Status, as kube-apiserver's")
                .contains("status/<unknown> created");
        assertThat(ok(null, "-n", "sched", "get", "pod", "app", "-o", "jsonpath={.spec.nodeName}").out()).isEqualTo("node-1");

        assertThat(ok(null, "-n", "sched", "delete", "pod", "app", "--wait=false").out()).contains("pod \"app\" deleted");
        assertThat(ok(null, "-n", "sched", "get", "pod", "app").out()).contains("Terminating");
        assertThat(ok(null, "-n", "sched", "delete", "pod", "app", "--grace-period=0", "--force").out()).contains("deleted");
        assertThat(kubectl(null, "-n", "sched", "get", "pod", "app").err()).contains("pods \"app\" not found");
    }

    private static JsonNode claims(String token) throws Exception {
        String[] parts = token.split("\\.");
        assertThat(parts).as(token).hasSize(3);
        return new ObjectMapper().readTree(java.util.Base64.getUrlDecoder().decode(parts[1]));
    }
}
