package dev.caravel.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.audit.analysis.AnalysisOptions;
import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.GroupSummary;
import dev.caravel.audit.analysis.QueryTimeAnalyser;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.policy.AuditPolicyFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * End to end: the real kubectl, acting as several users ({@code --as}), against a server auditing
 * under a policy file; the analyser then reads the log Caravel wrote, as it reads kube-apiserver's,
 * and names the user who loaded the server.
 */
class KubectlAuditTest {

    private static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: [RequestReceived]
            omitManagedFields: true
            rules:
            - level: None
              nonResourceURLs: ["/healthz*", "/livez*", "/readyz*"]
            - level: Request
              verbs: [create, update, patch]
              resources: [{group: "", resources: [configmaps]}]
            - level: Metadata
            """;

    @TempDir
    Path dir;
    /** kubectl against the server running now: the warm-up's, then the audited one's. */
    private ClientCommand kubectl;

    @Test
    void theAnalyserNamesTheUserWhoseListLoopLoadedTheServer() throws Exception {
        warmUp();
        Path policyFile = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path log = dir.resolve("audit.log");
        AuditConfig audit = AuditConfig.of(AuditPolicyFile.load(policyFile), AuditConfig.LogFile.withDefaults(log.toString()));
        // Closing the server flushes the audit log.
        try (LoopbackServer server = LoopbackServer.start(config -> config.withAudit(audit))) {
            kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
            seedConfigMapsWithoutHttp(server.server());

            // alice: a few writes and reads.
            for (int i = 0; i < 3; i++) {
                run("--as", "alice", "create", "configmap", "alice-" + i, "--from-literal=k=v" + i);
            }
            run("--as", "alice", "get", "configmap", "alice-0", "-o", "name");
            // carol: a watch held open for two seconds (long-running, reported apart).
            run("--as", "carol", "--as-group", "dev", "get", "configmaps", "--watch", "--request-timeout=2s");
            // bob: the list loop, every kind at once, over and over.
            for (int i = 0; i < 20; i++) {
                run("--as", "bob", "get", "configmaps,secrets,serviceaccounts,services", "-A", "-o", "name");
            }
        }

        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        AnalysisReport report = new QueryTimeAnalyser(AnalysisOptions.byUser()).analyse(List.of(AuditSource.file(log)));

        // The analyser's v1 reader takes every line Caravel wrote as an event, with no problem.
        assertThat(report.problems().total()).isZero();
        assertThat(report.input().events()).isEqualTo(lines.size());
        assertThat(report.input().lines()).isEqualTo(lines.size());
        // bob's lists are the load, counted under the impersonated user, not the authenticated one.
        assertThat(report.groups()).extracting(GroupSummary::key).startsWith("bob").contains("alice")
                .doesNotContain("system:unsecured");
        GroupSummary bob = report.groups().get(0);
        assertThat(bob.requests()).isGreaterThanOrEqualTo(80);
        assertThat(report.longRunning()).extracting(GroupSummary::key).contains("carol");

        ObjectMapper json = new ObjectMapper();
        List<JsonNode> events = new ArrayList<>();
        for (String line : lines) {
            events.add(json.readTree(line));
        }
        assertThat(events).extracting(e -> e.path("stage").asText()).doesNotContain("RequestReceived");
        JsonNode aliceCreate = events.stream()
                .filter(e -> e.path("verb").asText().equals("create") && e.path("objectRef").path("name").asText().equals("alice-0"))
                .findFirst().orElseThrow();
        assertThat(aliceCreate.path("level").asText()).isEqualTo("Request");
        assertThat(aliceCreate.path("impersonatedUser").path("username").asText()).isEqualTo("alice");
        assertThat(aliceCreate.path("user").path("username").asText()).isEqualTo("system:unsecured");
        assertThat(aliceCreate.path("userAgent").asText()).startsWith("kubectl/");
        assertThat(aliceCreate.path("requestObject").path("data").path("k").asText()).isEqualTo("v0");
        assertThat(aliceCreate.path("responseStatus").path("code").asInt()).isEqualTo(201);
        assertThat(events).filteredOn(e -> e.path("verb").asText().equals("watch"))
                .extracting(e -> e.path("stage").asText()).containsExactly("ResponseStarted", "ResponseComplete");
        assertThat(events).filteredOn(e -> e.path("verb").asText().equals("watch")).first()
                .satisfies(e -> assertThat(e.path("impersonatedUser").path("groups").toString())
                        .isEqualTo("[\"dev\",\"system:authenticated\"]"));
    }

    /**
     * What bob's lists read, as in incident 3: a namespace of 400 ConfigMaps of 4 KiB each. They go
     * in through the registry, not HTTP, so they are not audited: the log holds only the users'
     * requests, and bob's 80 lists weigh more than alice's few requests even when the machine is
     * loaded and one of hers waits for a core.
     */
    private static void seedConfigMapsWithoutHttp(CaravelServer server) {
        ObjectMapper json = new ObjectMapper();
        GenericStore.Manager seeder = GenericStore.Manager.update("seeder");
        ObjectNode namespace = json.createObjectNode().put("apiVersion", "v1").put("kind", "Namespace");
        namespace.putObject("metadata").put("name", "bulk");
        server.registry().coreStore("namespaces").create("", namespace, false, seeder);
        String value = "x".repeat(4096);
        for (int i = 0; i < 400; i++) {
            ObjectNode configMap = json.createObjectNode().put("apiVersion", "v1").put("kind", "ConfigMap");
            configMap.putObject("metadata").put("name", "bulk-" + i).put("namespace", "bulk");
            configMap.putObject("data").put("payload", value);
            server.registry().coreStore("configmaps").create("bulk", configMap, false, seeder);
        }
    }

    /**
     * The same kinds of requests once against a server that is not audited: the first requests a
     * JVM serves run before its JIT has compiled the handlers and take hundreds of milliseconds,
     * which would charge whoever comes first (alice) with the server's warm-up, not its load.
     */
    private void warmUp() throws Exception {
        try (LoopbackServer server = LoopbackServer.start()) {
            kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("warm-up-kubeconfig")), dir.resolve("home"));
            for (int i = 0; i < 3; i++) {
                run("create", "configmap", "warm-" + i, "--from-literal=k=v");
                run("get", "configmap", "warm-" + i, "-o", "name");
                run("get", "configmaps,secrets,serviceaccounts,services", "-A", "-o", "name");
            }
        }
    }

    private void run(String... args) throws Exception {
        ClientCommand.Result result = kubectl.run(args);
        // A watch ends by its request timeout, which kubectl reports as an error; anything else must succeed.
        if (!List.of(args).contains("--watch")) {
            result.requireSuccess();
        }
    }
}
