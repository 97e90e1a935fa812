package dev.caravel.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.cli.GoDuration;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.ApiException;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Incident 1 of MISSION.md, replayed on a Caravel of its own with the real helm and kubectl: a
 * chart whose version 1 owns a namespace; the metrics API down because its serving certificate
 * expired; {@code helm upgrade} to a version without the namespace, which deletes it; the namespace
 * stuck Terminating with its conditions saying why; the certificate renewed and reloaded; then where
 * Kubernetes deleted everything at once, Caravel's deletion latch holds the deletion until someone
 * confirms it; and the audit log telling who did what.
 *
 * <p>Every step checks what it expects and the replay stops at the first miss (exit 1), so the
 * end-to-end test is this command run as a user runs it.
 */
@Command(name = "incident-1", mixinStandardHelpOptions = true,
        description = "Replay incident 1: a namespace deleted by helm upgrade, stuck while an aggregated API is down, "
                + "held by the deletion latch when the API comes back.")
public final class IncidentOneCommand implements Callable<Integer> {

    static final String NAMESPACE = "shop";
    private static final String RESOURCES = "/dev/caravel/cli/replay/incident-1/";
    private static final String APISERVICE = "v1beta1.metrics.k8s.io";
    private static final Duration WAIT = Duration.ofSeconds(90);

    @Option(names = "--kubectl", description = "The kubectl binary. Default: $CARAVEL_KUBECTL, else kubectl on the PATH.")
    private Path kubectl;

    @Option(names = "--helm", description = "The helm binary. Default: $CARAVEL_HELM, else helm on the PATH.")
    private Path helm;

    @Option(names = "--work-dir", description = "Where the store, certificates, logs and audit log go. Default: a new temporary folder.")
    private Path workDir;

    @Option(names = "--latch", defaultValue = "20s",
            description = "How long the namespace's deletion stays blocked before the latch engages (Go duration). "
                    + "The incident lasted four days; the replay needs seconds. Default: ${DEFAULT-VALUE}")
    private String latchText;

    private Duration latch;

    private Narrator narrator;
    private Tool kubectlTool;
    private Tool helmTool;
    private ApiClient api;

    @Override
    public Integer call() throws Exception {
        narrator = new Narrator(System.out);
        latch = GoDuration.parse("--latch", latchText);
        Path dir = workDir != null ? Files.createDirectories(workDir.toAbsolutePath()) : Files.createTempDirectory("caravel-incident-1-");
        List<ChildProcess> children = new ArrayList<>();
        try {
            replay(dir, children);
            System.out.printf("%nReplay finished: every expectation met. Logs, certificates and the audit log are in %s%n", dir);
            return 0;
        } catch (Narrator.Missed missed) {
            System.out.printf("%nREPLAY FAILED: expected %s%n", missed.getMessage());
            for (ChildProcess child : children) {
                System.out.printf("--- last lines of %s (%s):%n%s%n", child.name(), child.log(), child.tail(40));
            }
            return 1;
        } finally {
            if (api != null) {
                api.close();
            }
            for (ChildProcess child : children.reversed()) {
                child.close();
            }
        }
    }

    private void replay(Path dir, List<ChildProcess> children) throws Exception {
        System.out.println("""
                Incident 1 (MISSION.md): a namespace deleted by `helm upgrade` sat undeleted for four days because
                discovery of an aggregated API (metrics.k8s.io) failed; when the API came back, everything in it
                was deleted at once. This replays it on a Caravel of its own, with the real helm and kubectl.""");
        Path binaries = tools(dir);

        narrator.step("Caravel starts on its embedded store, auditing every write, with a deletion latch of " + latchText + ".");
        int port = freePort();
        Path data = dir.resolve("data");
        Path auditLog = dir.resolve("audit.log");
        Path policy = copyResource("audit-policy.yaml", dir.resolve("audit-policy.yaml"));
        children.add(ChildProcess.start("caravel serve", dir.resolve("caravel.log"), List.of("serve",
                "--data-dir", data.toString(), "--port", Integer.toString(port),
                "--audit-policy-file", policy.toString(), "--audit-log-path", auditLog.toString(),
                "--namespace-deletion-latch", latchText)));
        Path kubeconfig = data.resolve("kubeconfig");
        api = new ApiClient(ApiClient.Config.of("http://127.0.0.1:" + port));
        ChildProcess caravel = children.get(0);
        // The kubeconfig is written once the controllers have started, after /readyz first answers.
        awaitThat("Caravel is ready and has written its kubeconfig",
                () -> readyz(port) && caravel.output().contains("Caravel is ready"), caravel);
        Map<String, String> env = Map.of("KUBECONFIG", kubeconfig.toString(), "HELM_CACHE_HOME", dir.resolve("helm/cache").toString(),
                "HELM_CONFIG_HOME", dir.resolve("helm/config").toString(), "HELM_DATA_HOME", dir.resolve("helm/data").toString());
        kubectlTool = new Tool("kubectl", binaries.resolve("kubectl"), env, narrator);
        helmTool = new Tool("helm", binaries.resolve("helm"), env, narrator);
        narrator.say("export KUBECONFIG=" + kubeconfig);
        kubectlTool.must("apply", "-f", copyResource("nodes.yaml", dir.resolve("nodes.yaml")).toString());

        narrator.step("The metrics server starts with a serving certificate that expired yesterday, and is registered as an APIService.");
        CertificateAuthority ca = CertificateAuthority.create("metrics-server-ca", Duration.ofDays(3650));
        Path tlsDir = Files.createDirectories(dir.resolve("metrics-tls"));
        Path cert = tlsDir.resolve("tls.crt");
        Path key = tlsDir.resolve("tls.key");
        servingCertificate(ca, Instant.now().minus(30, ChronoUnit.DAYS), Instant.now().minus(1, ChronoUnit.DAYS)).writeTo(cert, key);
        narrator.say("certificate " + cert + ": valid until yesterday");
        int metricsPort = freePort();
        ChildProcess metrics = ChildProcess.start("caravel metrics-server", dir.resolve("metrics-server.log"), List.of("metrics-server",
                "--kubeconfig", kubeconfig.toString(), "--secure-port", Integer.toString(metricsPort),
                "--tls-cert-file", cert.toString(), "--tls-private-key-file", key.toString()));
        children.add(metrics);
        String manifest = resource("metrics-apiservice.yaml")
                .replace("${METRICS_PORT}", Integer.toString(metricsPort))
                .replace("${CA_BUNDLE}", Base64.getEncoder().encodeToString(ca.certificatePem().getBytes(StandardCharsets.US_ASCII)));
        Path apiserviceFile = dir.resolve("metrics-apiservice.yaml");
        Files.writeString(apiserviceFile, manifest);
        kubectlTool.must("apply", "-f", apiserviceFile.toString());
        JsonNode unavailable = awaitCondition("/apis/apiregistration.k8s.io/v1/apiservices/" + APISERVICE, "Available",
                c -> c.path("status").asText().equals("False") && c.path("message").asText().contains("expired"), metrics);
        narrator.say("Available=False, reason " + unavailable.path("reason").asText() + ": " + unavailable.path("message").asText());
        kubectlTool.run("get", "apiservice", APISERVICE);

        narrator.step("Discovery is incomplete, as it was in the incident.");
        narrator.say("The aggregated discovery document lists metrics.k8s.io/v1beta1 as Stale, as kube-aggregator does:");
        JsonNode aggregated = api.mapper().readTree(rawGet(port, "/apis", "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList"));
        String freshness = "";
        for (JsonNode group : aggregated.path("items")) {
            if (group.path("metadata").path("name").asText().equals("metrics.k8s.io")) {
                freshness = group.path("versions").path(0).path("freshness").asText();
            }
        }
        narrator.expect(freshness.equals("Stale"), "metrics.k8s.io/v1beta1 is listed with freshness Stale");
        narrator.say("kubectl 1.32 reads discovery through its disk cache, which drops a stale group-version without an error,"
                + " against Kubernetes as here:");
        Tool.Result apiResources = kubectlTool.run("api-resources", "--api-group=metrics.k8s.io");
        narrator.expect(!apiResources.stdout().contains("NodeMetrics"), "kubectl api-resources does not list the metrics API's resources");
        Tool.Result top = kubectlTool.run("top", "nodes");
        narrator.expect(!top.succeeded(), "kubectl top nodes fails while the metrics API is down");

        narrator.step("helm installs version 1 of the shop chart: its release owns the namespace \"" + NAMESPACE + "\".");
        helmTool.must("install", "shop", extractChart("shop-v1", dir).toString(), "--namespace", "default", "--wait=false");
        kubectlTool.must("get", "configmaps,secrets,services,deployments,pods", "-n", NAMESPACE);

        narrator.step("helm upgrade to version 2, which no longer holds the Namespace: helm deletes it.");
        helmTool.must("upgrade", "shop", extractChart("shop-v2", dir).toString(), "--namespace", "default");
        JsonNode terminating = await("namespace " + NAMESPACE + " is Terminating", () -> getOptional("/api/v1/namespaces/" + NAMESPACE)
                .filter(ns -> ns.path("status").path("phase").asText().equals("Terminating")), children.get(0));
        narrator.say("deletionTimestamp " + terminating.path("metadata").path("deletionTimestamp").asText());

        narrator.step("The namespace is stuck: the controller deletes what it can discover, but cannot finish while a group fails discovery.");
        JsonNode discoveryFailure = awaitCondition("/api/v1/namespaces/" + NAMESPACE, "NamespaceDeletionDiscoveryFailure",
                c -> c.path("status").asText().equals("True"), children.get(0));
        narrator.say("NamespaceDeletionDiscoveryFailure=True, " + discoveryFailure.path("reason").asText() + ": "
                + discoveryFailure.path("message").asText());
        awaitThat("the shop's ConfigMap, Deployment and Pods are deleted (Kubernetes 1.16+ deletes what it can discover)",
                () -> getOptional("/api/v1/namespaces/" + NAMESPACE + "/configmaps/shop-config").isEmpty()
                        && getOptional("/apis/apps/v1/namespaces/" + NAMESPACE + "/deployments/shop").isEmpty()
                        && api.get("/api/v1/namespaces/" + NAMESPACE + "/pods").path("items").isEmpty(), children.get(0));
        Thread.sleep(2000);
        narrator.expect(getOptional("/api/v1/namespaces/" + NAMESPACE).isPresent(),
                "the namespace itself stays Terminating: its finalizer is not removed while discovery is incomplete");
        kubectlTool.run("get", "namespace", NAMESPACE);

        narrator.step("Time passes (four days in the incident; " + latchText + " here): the block outlasts the latch.");
        Thread.sleep(latch.plusSeconds(3).toMillis());
        kubectlTool.run("get", "namespace", NAMESPACE, "-o", "jsonpath={range .status.conditions[*]}{.type}={.status} {.reason}{\"\\n\"}{end}");

        narrator.step("The certificate is renewed; the metrics server reloads it and the APIService becomes Available.");
        servingCertificate(ca, Instant.now().minus(1, ChronoUnit.HOURS), Instant.now().plus(365, ChronoUnit.DAYS)).writeTo(cert, key);
        JsonNode available = awaitCondition("/apis/apiregistration.k8s.io/v1/apiservices/" + APISERVICE, "Available",
                c -> c.path("status").asText().equals("True"), metrics);
        narrator.say("Available=True, reason " + available.path("reason").asText());
        awaitThat("kubectl top nodes answers", () -> kubectlQuiet("top", "nodes"), metrics);
        kubectlTool.must("top", "nodes");

        narrator.step("Kubernetes would now finish the deletion at once, four days late. Caravel's latch holds it.");
        JsonNode latched = awaitCondition("/api/v1/namespaces/" + NAMESPACE, "NamespaceDeletionLatched",
                c -> c.path("status").asText().equals("True"), children.get(0));
        narrator.say("NamespaceDeletionLatched=True, " + latched.path("reason").asText() + ": " + latched.path("message").asText());
        Thread.sleep(3000);
        narrator.expect(getOptional("/api/v1/namespaces/" + NAMESPACE).isPresent(),
                "the namespace is still there a few seconds later, waiting for a confirmation");
        kubectlTool.run("get", "events", "-n", "default", "--field-selector",
                "involvedObject.kind=Namespace,involvedObject.name=" + NAMESPACE);

        narrator.step("An operator confirms the deletion; the controller finishes it.");
        kubectlTool.must("annotate", "namespace", NAMESPACE, "caravel.dev/confirm-deletion=" + Instant.now().truncatedTo(ChronoUnit.SECONDS), "--overwrite");
        awaitThat("namespace " + NAMESPACE + " is gone", () -> getOptional("/api/v1/namespaces/" + NAMESPACE).isEmpty(), children.get(0));
        kubectlTool.run("get", "namespace", NAMESPACE);

        narrator.step("The audit log tells the story: who deleted the namespace, what the controller did, and when.");
        AuditTimeline.print(auditLog, NAMESPACE, System.out);
    }

    // ---- waiting ----

    private interface Check<T> {
        Optional<T> poll() throws Exception;
    }

    private interface Condition {
        boolean holds() throws Exception;
    }

    private <T> T await(String what, Check<T> check, ChildProcess watched) throws Exception {
        Instant deadline = Instant.now().plus(WAIT);
        while (Instant.now().isBefore(deadline)) {
            if (!watched.isAlive()) {
                throw new Narrator.Missed(what + ", but " + watched.name() + " exited");
            }
            Optional<T> value = check.poll();
            if (value.isPresent()) {
                narrator.expect(true, what);
                return value.get();
            }
            Thread.sleep(250);
        }
        throw new Narrator.Missed(what + " within " + WAIT.toSeconds() + " s");
    }

    private void awaitThat(String what, Condition condition, ChildProcess watched) throws Exception {
        await(what, () -> condition.holds() ? Optional.of(Boolean.TRUE) : Optional.empty(), watched);
    }

    private JsonNode awaitCondition(String path, String type, Predicate<JsonNode> matches, ChildProcess watched) throws Exception {
        return await(path.substring(path.lastIndexOf('/') + 1) + " has condition " + type + " as expected", () -> {
            Optional<JsonNode> object = getOptional(path);
            if (object.isEmpty()) {
                return Optional.empty();
            }
            for (JsonNode condition : object.get().path("status").path("conditions")) {
                if (condition.path("type").asText().equals(type) && matches.test(condition)) {
                    return Optional.of(condition);
                }
            }
            return Optional.empty();
        }, watched);
    }

    private Optional<JsonNode> getOptional(String path) throws IOException, InterruptedException {
        try {
            return Optional.of(api.get(path));
        } catch (ApiException e) {
            if (e.isNotFound()) {
                return Optional.empty();
            }
            throw e;
        }
    }

    private static boolean readyz(int port) throws InterruptedException {
        try {
            rawGet(port, "/readyz", "text/plain");
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** A GET with the given Accept header, for what the JSON client does not ask for; the body as text. */
    private static String rawGet(int port, String path, String accept) throws IOException, InterruptedException {
        try (java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient()) {
            java.net.http.HttpResponse<String> answer = http.send(java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + port + path)).header("Accept", accept)
                            .timeout(Duration.ofSeconds(5)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() != 200) {
                throw new IOException("GET " + path + " answered " + answer.statusCode());
            }
            return answer.body();
        }
    }

    /** kubectl run without telling: a poll until a command starts to work. */
    private boolean kubectlQuiet(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(resolvedKubectl.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().put("KUBECONFIG", kubeconfigPath.toString());
        builder.redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        return builder.start().waitFor() == 0;
    }

    // ---- set-up ----

    private Path resolvedKubectl;
    private Path resolvedHelm;
    private Path kubeconfigPath;

    /** Links the two binaries into one folder, so the tools are named as users type them. */
    private Path tools(Path dir) throws IOException {
        resolvedKubectl = binary(kubectl, "CARAVEL_KUBECTL", "kubectl");
        resolvedHelm = binary(helm, "CARAVEL_HELM", "helm");
        kubeconfigPath = dir.resolve("data").resolve("kubeconfig");
        Path bin = Files.createDirectories(dir.resolve("bin"));
        link(bin.resolve("kubectl"), resolvedKubectl);
        link(bin.resolve("helm"), resolvedHelm);
        return bin;
    }

    private static void link(Path link, Path target) throws IOException {
        Files.deleteIfExists(link);
        Files.createSymbolicLink(link, target.toAbsolutePath());
    }

    private static Path binary(Path given, String variable, String name) {
        if (given != null) {
            return requireExecutable(given, "--" + name);
        }
        String fromEnv = System.getenv(variable);
        if (fromEnv != null && !fromEnv.isBlank()) {
            return requireExecutable(Path.of(fromEnv), "$" + variable);
        }
        for (String entry : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(entry, name);
            if (Files.isExecutable(candidate)) {
                return candidate;
            }
        }
        throw new Narrator.Missed("a " + name + " binary: pass --" + name + ", set $" + variable
                + ", or run ./scripts/replay-incident-1, which installs kubectl 1.32 and helm 3.17");
    }

    private static Path requireExecutable(Path path, String from) {
        if (!Files.isExecutable(path)) {
            throw new Narrator.Missed(from + " to name an executable file, not " + path);
        }
        return path;
    }

    private static IssuedCertificate servingCertificate(CertificateAuthority ca, Instant notBefore, Instant notAfter) {
        return ca.issueServing(List.of("metrics-server.kube-system.svc", "metrics-server.kube-system.svc.cluster.local"),
                List.of("127.0.0.1"), notBefore, notAfter);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = IncidentOneCommand.class.getResourceAsStream(RESOURCES + name)) {
            if (in == null) {
                throw new IllegalStateException("classpath resource " + RESOURCES + name + " is missing");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static Path copyResource(String name, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Files.writeString(target, resource(name));
        return target;
    }

    /** Writes a chart from the jar's resources into {@code dir}: helm reads charts from folders. */
    private static Path extractChart(String chart, Path dir) throws IOException {
        Path root = dir.resolve(chart);
        List<String> files = new ArrayList<>(List.of("Chart.yaml", "values.yaml", "templates/app.yaml"));
        if (chart.equals("shop-v1")) {
            files.add("templates/namespace.yaml");
        }
        for (String file : files) {
            copyResource(chart + "/" + file, root.resolve(file));
        }
        return root;
    }
}
