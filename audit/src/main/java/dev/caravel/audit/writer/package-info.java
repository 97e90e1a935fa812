/**
 * Writing audit events: the event model ({@link dev.caravel.audit.writer.AuditEvent}) written
 * byte for byte as kube-apiserver writes it ({@link dev.caravel.audit.writer.AuditEventJson}),
 * the sink with its three modes ({@link dev.caravel.audit.writer.BufferedAuditSink}), the
 * backends ({@link dev.caravel.audit.writer.LogFileBackend},
 * {@link dev.caravel.audit.writer.WebhookBackend}) and the per-request entry point for the API
 * server's audit stage ({@link dev.caravel.audit.writer.RequestAuditor}).
 * See docs/decisions/0014-audit-writer.md.
 */
package dev.caravel.audit.writer;
