package dev.caravel.audit.event;

import java.util.Objects;

/**
 * The fields of one audit event that the analysis needs; the rest of the event (request and
 * response objects, annotations, source IPs) is skipped by the parser, never decoded.
 *
 * <p>Absent string fields are null. Timestamps are microseconds since the epoch, the precision
 * of the Kubernetes {@code MicroTime} the API server writes; the parser only builds an event
 * whose two timestamps are present and valid.
 *
 * @param apiVersion {@code audit.k8s.io/v1} or {@code audit.k8s.io/v1beta1}
 * @param objectResource {@code objectRef.resource}, null for non-resource requests (/healthz...)
 */
public record AuditEvent(
        String apiVersion,
        AuditStage stage,
        String verb,
        String username,
        String userAgent,
        String objectResource,
        String objectSubresource,
        String objectNamespace,
        String requestUri,
        long requestReceivedMicros,
        long stageMicros) {

    public AuditEvent {
        Objects.requireNonNull(apiVersion, "apiVersion");
        Objects.requireNonNull(stage, "stage");
    }

    /** Microseconds from receiving the request to this stage. Never negative: the parser rejects such events. */
    public long durationMicros() {
        return stageMicros - requestReceivedMicros;
    }
}
