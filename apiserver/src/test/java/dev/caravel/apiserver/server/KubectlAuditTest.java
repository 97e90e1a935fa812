package dev.caravel.apiserver.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.audit.analysis.AnalysisOptions;
import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.GroupSummary;
import dev.caravel.audit.analysis.QueryTimeAnalyser;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.policy.AuditPolicyFile;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

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
    private Path kubeconfig;

    @Test
    void theAnalyserNamesTheUserWhoseListLoopLoadedTheServer() throws Exception {
        String kubectl = ClientBinaries.kubectl();
        warmUp(kubectl);
        Path policyFile = Files.writeString(dir.resolve("policy.yaml"), POLICY);
        Path log = dir.resolve("audit.log");
        KeyValueStore store = MemoryStore.open();
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store).withAudit(
                AuditConfig.of(AuditPolicyFile.load(policyFile), AuditConfig.LogFile.withDefaults(log.toString()))));
        try {
            server.start();
            kubeconfig = Kubeconfig.write(dir.resolve("kubeconfig"), server.url());

            // alice: a few writes and reads.
            for (int i = 0; i < 3; i++) {
                run(kubectl, "--as", "alice", "create", "configmap", "alice-" + i, "--from-literal=k=v" + i);
            }
            run(kubectl, "--as", "alice", "get", "configmap", "alice-0", "-o", "name");
            // carol: a watch held open for two seconds (long-running, reported apart).
            run(kubectl, "--as", "carol", "--as-group", "dev", "get", "configmaps", "--watch", "--request-timeout=2s");
            // bob: the list loop, every kind at once, over and over.
            for (int i = 0; i < 20; i++) {
                run(kubectl, "--as", "bob", "get", "configmaps,secrets,serviceaccounts,services", "-A", "-o", "name");
            }
        } finally {
            server.close();   // flushes the audit log
            store.close();
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
     * The same kinds of requests once against a server that is not audited: the first requests a
     * JVM serves run before its JIT has compiled the handlers and take hundreds of milliseconds,
     * which would charge whoever comes first (alice) with the server's warm-up, not its load.
     */
    private void warmUp(String kubectl) throws Exception {
        KeyValueStore store = MemoryStore.open();
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        try {
            server.start();
            kubeconfig = Kubeconfig.write(dir.resolve("warm-up-kubeconfig"), server.url());
            for (int i = 0; i < 3; i++) {
                run(kubectl, "create", "configmap", "warm-" + i, "--from-literal=k=v");
                run(kubectl, "get", "configmap", "warm-" + i, "-o", "name");
                run(kubectl, "get", "configmaps,secrets,serviceaccounts,services", "-A", "-o", "name");
            }
        } finally {
            server.close();
            store.close();
        }
    }

    private void run(String kubectl, String... args) throws Exception {
        List<String> command = new ArrayList<>();
        command.add(kubectl);
        command.add("--kubeconfig=" + kubeconfig);
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().put("HOME", dir.toString());
        Path out = Files.createTempFile(dir, "out", ".txt");
        pb.redirectOutput(out.toFile()).redirectErrorStream(true);
        Process process = pb.start();
        process.getOutputStream().close();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("kubectl " + String.join(" ", args) + " did not finish in 60 s");
        }
        // A watch ends by its request timeout, which kubectl reports as an error; anything else must succeed.
        if (!List.of(args).contains("--watch")) {
            assertThat(process.exitValue()).as("kubectl " + String.join(" ", args) + "\n" + Files.readString(out)).isZero();
        }
    }
}
