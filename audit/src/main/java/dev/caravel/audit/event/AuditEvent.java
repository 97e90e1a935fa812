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
 * @param username   {@code user.username}: who authenticated
 * @param impersonatedUsername {@code impersonatedUser.username}, null unless the request impersonated
 *                   someone ({@code kubectl --as}); see {@link #effectiveUsername()}
 * @param objectResource {@code objectRef.resource}, null for non-resource requests (/healthz...)
 */
public record AuditEvent(
        String apiVersion,
        AuditStage stage,
        String verb,
        String username,
        String impersonatedUsername,
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

    /** An event without impersonation. */
    public AuditEvent(String apiVersion, AuditStage stage, String verb, String username, String userAgent,
                      String objectResource, String objectSubresource, String objectNamespace, String requestUri,
                      long requestReceivedMicros, long stageMicros) {
        this(apiVersion, stage, verb, username, null, userAgent, objectResource, objectSubresource,
                objectNamespace, requestUri, requestReceivedMicros, stageMicros);
    }

    /**
     * The user the request acted as: the impersonated user when there is one, else the
     * authenticated user. The analyser groups and filters by it: behind a proxy that impersonates
     * its end users (or kubectl {@code --as}), the authenticated user is the same for everyone and
     * says nothing about who sent the load. kube-apiserver's own policy and authorization use the
     * same split: the policy sees the authenticated user, the handlers the impersonated one.
     */
    public String effectiveUsername() {
        return impersonatedUsername != null && !impersonatedUsername.isEmpty() ? impersonatedUsername : username;
    }

    /** Microseconds from receiving the request to this stage. Never negative: the parser rejects such events. */
    public long durationMicros() {
        return stageMicros - requestReceivedMicros;
    }
}
