package dev.caravel.cli;

import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.audit.writer.BufferMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** {@code caravel serve}'s --audit-* flags, read as kube-apiserver reads its own. */
class ServeAuditFlagsTest {

    @TempDir
    Path dir;

    private AuditFlags parse(String... args) {
        AuditFlags flags = new AuditFlags();
        new CommandLine(flags).parseArgs(args);
        return flags;
    }

    private Path policy(String yaml) throws Exception {
        return Files.writeString(dir.resolve("policy.yaml"), yaml);
    }

    @Test
    void aPolicyAndALogPathAuditToARotatedLogInBlockingMode() throws Exception {
        Path policy = policy("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n");
        AuditConfig config = parse("--audit-policy-file", policy.toString(), "--audit-log-path", dir.resolve("a.log").toString(),
                "--audit-log-maxsize", "5", "--audit-log-maxbackup", "3").toConfig();

        assertThat(config.enabled()).isTrue();
        assertThat(config.backends()).singleElement().isInstanceOfSatisfying(AuditConfig.LogFile.class, log -> {
            assertThat(log.rotation().maxSizeBytes()).isEqualTo(5L * 1024 * 1024);
            assertThat(log.rotation().maxBackups()).isEqualTo(3);
            assertThat(log.buffer().mode()).isEqualTo(BufferMode.BLOCKING);
        });
    }

    @Test
    void aWebhookKubeconfigAuditsInBatchModeWithKubeApiserversBatching() throws Exception {
        Path policy = policy("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n");
        Path kubeconfig = Files.writeString(dir.resolve("webhook.kubeconfig"), """
                apiVersion: v1
                kind: Config
                clusters:
                - name: sink
                  cluster: {server: "http://127.0.0.1:9999/audit"}
                users:
                - name: caravel
                  user: {token: secret}
                contexts:
                - name: default
                  context: {cluster: sink, user: caravel}
                current-context: default
                """);
        AuditConfig config = parse("--audit-policy-file", policy.toString(), "--audit-webhook-config-file",
                kubeconfig.toString(), "--audit-webhook-batch-max-wait", "5s").toConfig();
        AuditConfig unthrottled = parse("--audit-policy-file", policy.toString(), "--audit-webhook-config-file",
                kubeconfig.toString(), "--audit-webhook-batch-throttle-enable=false").toConfig();
        assertThat(unthrottled.backends().get(0).buffer().throttleQps()).isZero();

        assertThat(config.backends()).singleElement().isInstanceOfSatisfying(AuditConfig.Webhook.class, webhook -> {
            assertThat(webhook.webhook().url().toString()).isEqualTo("http://127.0.0.1:9999/audit");
            assertThat(webhook.webhook().bearerToken()).isEqualTo("secret");
            assertThat(webhook.buffer().mode()).isEqualTo(BufferMode.BATCH);
            assertThat(webhook.buffer().maxBatchSize()).isEqualTo(400);
            assertThat(webhook.buffer().maxBatchWait()).isEqualTo(Duration.ofSeconds(5));
            assertThat(webhook.buffer().throttleQps()).isEqualTo(10);
        });
    }

    @Test
    void withoutAPolicyOrABackendNothingIsAudited() throws Exception {
        assertThat(parse("--audit-log-path", "x.log").toConfig().enabled()).isFalse();
        Path policy = policy("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n");
        assertThat(parse("--audit-policy-file", policy.toString()).toConfig().enabled()).isFalse();
    }

    @Test
    void aBadModeOrDurationNamesItsFlag() {
        assertThatThrownBy(() -> parse("--audit-log-mode", "sometimes").toConfig())
                .hasMessageContaining("--audit-log-mode").hasMessageContaining("sometimes");
        assertThat(GoDuration.parse("f", "1m30s")).isEqualTo(Duration.ofSeconds(90));
        assertThat(GoDuration.parse("f", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThatThrownBy(() -> GoDuration.parse("--audit-webhook-batch-max-wait", "30 seconds"))
                .hasMessageContaining("--audit-webhook-batch-max-wait");
    }

    @Test
    void aBadPolicyFileStopsTheServerBeforeItStartsWithTheFileAndTheProblemNamed() throws Exception {
        Path policy = policy("apiVersion: audit.k8s.io/v1\nkind: Policy\nrules:\n- level: Metadata\n  verb: [get]\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new CaravelCommand());
        cli.setErr(new PrintWriter(err, true));

        int code = cli.execute("serve", "--data-dir", dir.resolve("data").toString(), "--port", "0",
                "--audit-policy-file", policy.toString(), "--audit-log-path", dir.resolve("audit.log").toString());

        assertThat(code).isEqualTo(1);
        assertThat(err.toString()).contains(policy.toString()).contains("rules[0].verb");
        assertThat(dir.resolve("data")).doesNotExist();
    }
}
