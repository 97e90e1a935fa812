package dev.caravel.apiserver.audit;

import dev.caravel.audit.policy.AuditPolicy;
import dev.caravel.audit.writer.AuditBackend;
import dev.caravel.audit.writer.AuditMetrics;
import dev.caravel.audit.writer.AuditSink;
import dev.caravel.audit.writer.BufferConfig;
import dev.caravel.audit.writer.BufferedAuditSink;
import dev.caravel.audit.writer.LogFileBackend;
import dev.caravel.audit.writer.LogRotation;
import dev.caravel.audit.writer.RequestAuditor;
import dev.caravel.audit.writer.UnionAuditSink;
import dev.caravel.audit.writer.WebhookBackend;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Whether and how the API server audits: the policy (kube-apiserver's --audit-policy-file) and
 * the backends events go to (--audit-log-* and --audit-webhook-*). Auditing is on when there is a
 * policy and at least one backend, as in kube-apiserver; {@link #OFF} audits nothing, though every
 * response still carries its Audit-Id header.
 *
 * @param policy   null when auditing is off
 * @param backends where events go, each behind its own buffer
 */
public record AuditConfig(AuditPolicy policy, List<Backend> backends) {

    public static final AuditConfig OFF = new AuditConfig(null, List.of());

    /** One backend and its buffer (mode, batch sizes, throttle). */
    public sealed interface Backend {
        BufferConfig buffer();

        AuditBackend open() throws IOException;
    }

    /**
     * --audit-log-path: JSON lines in a rotated file, or standard output for {@code -}.
     * kube-apiserver's log backend defaults to blocking mode.
     */
    public record LogFile(String path, LogRotation rotation, BufferConfig buffer) implements Backend {
        public LogFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(rotation, "rotation");
            Objects.requireNonNull(buffer, "buffer");
        }

        public static LogFile withDefaults(String path) {
            return new LogFile(path, LogRotation.fromFlags(0, 0, 0, false), BufferConfig.logDefaults());
        }

        @Override
        public AuditBackend open() throws IOException {
            return LogFileBackend.open(path, rotation);
        }
    }

    /** --audit-webhook-config-file: batches POSTed as EventLists; batch mode by default. */
    public record Webhook(WebhookBackend.Config webhook, BufferConfig buffer) implements Backend {
        public Webhook {
            Objects.requireNonNull(webhook, "webhook");
            Objects.requireNonNull(buffer, "buffer");
        }

        @Override
        public AuditBackend open() {
            return new WebhookBackend(webhook);
        }
    }

    public AuditConfig {
        backends = List.copyOf(backends);
        if (policy == null && !backends.isEmpty()) {
            throw new IllegalArgumentException("audit backends need an audit policy");
        }
    }

    /** Audits by {@code policy} to {@code backends}. */
    public static AuditConfig of(AuditPolicy policy, Backend... backends) {
        return new AuditConfig(Objects.requireNonNull(policy, "policy"), List.of(backends));
    }

    /** Whether events are written at all. */
    public boolean enabled() {
        return policy != null && !backends.isEmpty();
    }

    /**
     * Opens the backends behind their buffers; null when auditing is off. The caller closes the
     * auditor, which flushes and closes every backend.
     *
     * @throws UncheckedIOException if a log file cannot be opened (the server must not start then)
     */
    public RequestAuditor openAuditor(AuditMetrics metrics) {
        if (!enabled()) {
            return null;
        }
        List<AuditSink> sinks = new ArrayList<>();
        try {
            for (Backend backend : backends) {
                AuditMetrics counted = sinks.isEmpty() ? metrics : UnionAuditSink.withoutEventCount(metrics);
                sinks.add(new BufferedAuditSink(backend.open(), backend.buffer(), counted));
            }
        } catch (IOException e) {
            sinks.forEach(AuditSink::close);
            throw new UncheckedIOException("cannot open the audit backend: " + e.getMessage(), e);
        }
        return new RequestAuditor(policy, UnionAuditSink.of(sinks), metrics);
    }
}
