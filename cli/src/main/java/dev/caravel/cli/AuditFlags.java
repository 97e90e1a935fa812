package dev.caravel.cli;

import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.apiserver.audit.WebhookKubeconfig;
import dev.caravel.audit.policy.AuditPolicy;
import dev.caravel.audit.policy.AuditPolicyFile;
import dev.caravel.audit.writer.BufferConfig;
import dev.caravel.audit.writer.BufferMode;
import dev.caravel.audit.writer.LogRotation;
import dev.caravel.audit.writer.WebhookBackend;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code caravel serve}'s audit flags, named, defaulted and combined as kube-apiserver's: auditing
 * is on when a policy file is given and a log path or a webhook config file is; the log backend
 * defaults to blocking mode and the webhook to batch mode with kube-apiserver's batch sizes,
 * waits and throttle. Only {@code json} log format and {@code audit.k8s.io/v1} events are written.
 */
final class AuditFlags {

    @Option(names = "--audit-policy-file", paramLabel = "FILE",
            description = "Audit policy (audit.k8s.io/v1 Policy, YAML or JSON). Without it nothing is audited.")
    Path policyFile;

    @Option(names = "--audit-log-path", paramLabel = "PATH",
            description = "Write audit events as JSON lines to this file, rotated; '-' is standard output.")
    String logPath;

    @Option(names = "--audit-log-maxsize", paramLabel = "MB", defaultValue = "0",
            description = "Rotate the audit log before it passes this many megabytes (0: 100). Default: ${DEFAULT-VALUE}")
    int logMaxSize;

    @Option(names = "--audit-log-maxage", paramLabel = "DAYS", defaultValue = "0",
            description = "Remove rotated audit logs older than this many days (0: keep). Default: ${DEFAULT-VALUE}")
    int logMaxAge;

    @Option(names = "--audit-log-maxbackup", paramLabel = "N", defaultValue = "0",
            description = "Keep at most this many rotated audit logs (0: all). Default: ${DEFAULT-VALUE}")
    int logMaxBackup;

    @Option(names = "--audit-log-compress", description = "Gzip rotated audit logs.")
    boolean logCompress;

    @Option(names = "--audit-log-format", paramLabel = "FORMAT", defaultValue = "json",
            description = "Only json is supported. Default: ${DEFAULT-VALUE}")
    String logFormat;

    @Option(names = "--audit-log-version", paramLabel = "VERSION", defaultValue = "audit.k8s.io/v1",
            description = "Only audit.k8s.io/v1 is supported. Default: ${DEFAULT-VALUE}")
    String logVersion;

    @Option(names = "--audit-log-mode", paramLabel = "MODE", defaultValue = "blocking",
            description = "blocking, batch or blocking-strict. Default: ${DEFAULT-VALUE}")
    String logMode;

    @Option(names = "--audit-log-batch-buffer-size", paramLabel = "N", defaultValue = "10000",
            description = "Events held before the mode decides. Default: ${DEFAULT-VALUE}")
    int logBufferSize;

    @Option(names = "--audit-log-batch-max-size", paramLabel = "N", defaultValue = "400",
            description = "Most events written at once. Default: ${DEFAULT-VALUE}")
    int logBatchMaxSize;

    @Option(names = "--audit-log-batch-max-wait", paramLabel = "DURATION", defaultValue = "0s",
            description = "How long a partial batch waits for more events (Go duration: 500ms, 30s). Default: ${DEFAULT-VALUE}")
    String logBatchMaxWait;

    @Option(names = "--audit-log-batch-throttle-enable", arity = "0..1", fallbackValue = "true",
            description = "Throttle the log's batches (=false to turn off, as kube-apiserver takes it).")
    boolean logThrottle;

    @Option(names = "--audit-log-batch-throttle-qps", paramLabel = "QPS", defaultValue = "10",
            description = "Batches per second when throttled. Default: ${DEFAULT-VALUE}")
    double logThrottleQps;

    @Option(names = "--audit-log-batch-throttle-burst", paramLabel = "N", defaultValue = "15",
            description = "Batches allowed at once above the rate when throttled. Default: ${DEFAULT-VALUE}")
    int logThrottleBurst;

    @Option(names = "--audit-webhook-config-file", paramLabel = "FILE",
            description = "A kubeconfig naming the webhook that receives audit events as EventLists.")
    Path webhookConfigFile;

    @Option(names = "--audit-webhook-mode", paramLabel = "MODE", defaultValue = "batch",
            description = "blocking, batch or blocking-strict. Default: ${DEFAULT-VALUE}")
    String webhookMode;

    @Option(names = "--audit-webhook-initial-backoff", paramLabel = "DURATION", defaultValue = "10s",
            description = "Wait before retrying a failed batch; 1.5 times longer each retry. Default: ${DEFAULT-VALUE}")
    String webhookInitialBackoff;

    @Option(names = "--audit-webhook-batch-buffer-size", paramLabel = "N", defaultValue = "10000",
            description = "Events held before the mode decides. Default: ${DEFAULT-VALUE}")
    int webhookBufferSize;

    @Option(names = "--audit-webhook-batch-max-size", paramLabel = "N", defaultValue = "400",
            description = "Most events sent in one request. Default: ${DEFAULT-VALUE}")
    int webhookBatchMaxSize;

    @Option(names = "--audit-webhook-batch-max-wait", paramLabel = "DURATION", defaultValue = "30s",
            description = "How long a partial batch waits for more events. Default: ${DEFAULT-VALUE}")
    String webhookBatchMaxWait;

    @Option(names = "--audit-webhook-batch-throttle-enable", defaultValue = "true", arity = "0..1", fallbackValue = "true",
            description = "Throttle the webhook's batches; =false turns it off. Default: ${DEFAULT-VALUE}")
    boolean webhookThrottle;

    @Option(names = "--audit-webhook-batch-throttle-qps", paramLabel = "QPS", defaultValue = "10",
            description = "Batches per second when throttled. Default: ${DEFAULT-VALUE}")
    double webhookThrottleQps;

    @Option(names = "--audit-webhook-batch-throttle-burst", paramLabel = "N", defaultValue = "15",
            description = "Batches allowed at once above the rate when throttled. Default: ${DEFAULT-VALUE}")
    int webhookThrottleBurst;

    /** How long a blocking request waits for the buffer before its event is dropped (or, strict, the request fails). */
    private static final Duration BLOCKING_WAIT = Duration.ofSeconds(10);

    /**
     * The server's audit configuration.
     *
     * @throws IllegalArgumentException for a flag value kube-apiserver would refuse, or a policy or
     *                                  webhook file that cannot be used; the message names the flag or file
     */
    AuditConfig toConfig() {
        if (!"json".equals(logFormat)) {
            throw new IllegalArgumentException("--audit-log-format " + logFormat + " is not supported: only json is");
        }
        if (!"audit.k8s.io/v1".equals(logVersion)) {
            throw new IllegalArgumentException("--audit-log-version " + logVersion + " is not supported: only audit.k8s.io/v1 is");
        }
        // Every flag is checked, used or not, as kube-apiserver validates its options before starting.
        BufferMode logBufferMode = mode("--audit-log-mode", logMode);
        BufferMode webhookBufferMode = mode("--audit-webhook-mode", webhookMode);
        Duration logWait = GoDuration.parse("--audit-log-batch-max-wait", logBatchMaxWait);
        Duration webhookWait = GoDuration.parse("--audit-webhook-batch-max-wait", webhookBatchMaxWait);
        Duration webhookBackoff = GoDuration.parse("--audit-webhook-initial-backoff", webhookInitialBackoff);
        if (policyFile == null) {
            return AuditConfig.OFF;
        }
        AuditPolicy policy = AuditPolicyFile.load(policyFile);
        List<AuditConfig.Backend> backends = new ArrayList<>();
        if (logPath != null && !logPath.isEmpty()) {
            BufferConfig buffer = new BufferConfig(logBufferMode, logBufferSize, logBatchMaxSize, logWait, BLOCKING_WAIT,
                    logThrottle ? logThrottleQps : 0, logThrottle ? logThrottleBurst : 0);
            backends.add(new AuditConfig.LogFile(logPath,
                    LogRotation.fromFlags(logMaxSize, logMaxAge, logMaxBackup, logCompress), buffer));
        }
        if (webhookConfigFile != null) {
            WebhookBackend.Config webhook = WebhookKubeconfig.load(webhookConfigFile).withInitialBackoff(webhookBackoff);
            BufferConfig buffer = new BufferConfig(webhookBufferMode, webhookBufferSize, webhookBatchMaxSize, webhookWait,
                    BLOCKING_WAIT, webhookThrottle ? webhookThrottleQps : 0, webhookThrottle ? webhookThrottleBurst : 0);
            backends.add(new AuditConfig.Webhook(webhook, buffer));
        }
        return backends.isEmpty() ? AuditConfig.OFF : new AuditConfig(policy, backends);
    }

    /** Where events go, for the ready line: "/var/log/audit.log and webhook https://...". */
    String destinations() {
        List<String> where = new ArrayList<>();
        if (logPath != null && !logPath.isEmpty()) {
            where.add(logPath.equals("-") ? "standard output" : logPath);
        }
        if (webhookConfigFile != null) {
            where.add("the webhook of " + webhookConfigFile);
        }
        return String.join(" and ", where);
    }

    private static BufferMode mode(String flag, String value) {
        try {
            return BufferMode.fromFlag(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(flag + ": " + e.getMessage(), e);
        }
    }
}
