package dev.caravel.audit.writer;

import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.RequestAuditConfig;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * One audit event as written (audit.k8s.io/v1 {@code Event}); {@link AuditEventJson} writes it
 * in Kubernetes' field order. The reader's model is {@link dev.caravel.audit.event.AuditEvent}.
 *
 * <p>Built by a per-request {@link Builder}: the audit stage fills it as the request goes and
 * calls {@link Builder#build()} once per stage, so the RequestReceived and ResponseComplete
 * events share auditID, user and timestamps. The builder applies the level: no request object
 * below Request, no response object below RequestResponse.
 *
 * @param auditId               a UUID unless the client sent its own {@code Audit-ID} header, which
 *                              kube-apiserver keeps as it is (any non-empty string)
 * @param requestReceivedMicros microseconds since the epoch, written as a MicroTime
 * @param annotations           sorted by key, as Go writes a map
 */
public record AuditEvent(
        AuditLevel level,
        String auditId,
        AuditStage stage,
        String requestUri,
        String verb,
        UserInfo user,
        UserInfo impersonatedUser,
        List<String> sourceIps,
        String userAgent,
        ObjectReference objectRef,
        ResponseStatus responseStatus,
        RawJson requestObject,
        RawJson responseObject,
        long requestReceivedMicros,
        long stageMicros,
        Map<String, String> annotations) {

    public AuditEvent {
        Objects.requireNonNull(level, "level");
        if (level == AuditLevel.NONE) {
            throw new IllegalArgumentException("an event at level None is never written");
        }
        Objects.requireNonNull(auditId, "auditId");
        if (auditId.isEmpty()) {
            throw new IllegalArgumentException("auditId must not be empty");
        }
        Objects.requireNonNull(stage, "stage");
        requestUri = requestUri == null ? "" : requestUri;
        verb = verb == null ? "" : verb;
        user = user == null ? new UserInfo("", "", null, null) : user;
        sourceIps = sourceIps == null ? List.of() : List.copyOf(sourceIps);
        userAgent = userAgent == null ? "" : userAgent;
        annotations = annotations == null ? Map.of()
                : java.util.Collections.unmodifiableSortedMap(new TreeMap<>(annotations));
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Mutable, owned by one request; each {@link #build()} returns an immutable event. */
    public static final class Builder {
        private AuditLevel level = AuditLevel.METADATA;
        private boolean omitManagedFields;
        private String auditId;
        private AuditStage stage = AuditStage.REQUEST_RECEIVED;
        private String requestUri;
        private String verb;
        private UserInfo user;
        private UserInfo impersonatedUser;
        private List<String> sourceIps;
        private String userAgent;
        private ObjectReference objectRef;
        private ResponseStatus responseStatus;
        private byte[] requestJson;
        private byte[] responseJson;
        private RawJson requestObject;
        private RawJson responseObject;
        private long requestReceivedMicros = Long.MIN_VALUE;
        private long stageMicros = Long.MIN_VALUE;
        private final TreeMap<String, String> annotations = new TreeMap<>();

        private Builder() {
        }

        /** Level and managedFields choice from the policy's decision for this request. */
        public Builder config(RequestAuditConfig config) {
            this.level = config.level();
            this.omitManagedFields = config.omitManagedFields();
            this.requestObject = null;
            this.responseObject = null;
            return this;
        }

        public Builder level(AuditLevel level) {
            this.level = level;
            return this;
        }

        public Builder omitManagedFields(boolean omit) {
            this.omitManagedFields = omit;
            this.requestObject = null;
            this.responseObject = null;
            return this;
        }

        public Builder auditId(UUID auditId) {
            this.auditId = auditId.toString();
            return this;
        }

        /** An auditID as the client sent it in its Audit-ID header. */
        public Builder auditId(String auditId) {
            this.auditId = auditId;
            return this;
        }

        /** The auditID set so far, or null. */
        public String auditId() {
            return auditId;
        }

        /** The stage and when it was reached (for RequestReceived, the same as the received time). */
        public Builder stage(AuditStage stage, long stageMicros) {
            this.stage = stage;
            this.stageMicros = stageMicros;
            return this;
        }

        /** The RequestReceived stage: its stage timestamp is the received time. */
        public Builder requestReceivedStage() {
            this.stage = AuditStage.REQUEST_RECEIVED;
            this.stageMicros = Long.MIN_VALUE;
            return this;
        }

        public Builder requestUri(String requestUri) {
            this.requestUri = requestUri;
            return this;
        }

        public Builder verb(String verb) {
            this.verb = verb;
            return this;
        }

        public Builder user(UserInfo user) {
            this.user = user;
            return this;
        }

        public Builder impersonatedUser(UserInfo impersonatedUser) {
            this.impersonatedUser = impersonatedUser;
            return this;
        }

        public Builder sourceIps(List<String> sourceIps) {
            this.sourceIps = sourceIps;
            return this;
        }

        public Builder userAgent(String userAgent) {
            this.userAgent = userAgent;
            return this;
        }

        public Builder objectRef(ObjectReference objectRef) {
            this.objectRef = objectRef;
            return this;
        }

        public Builder responseStatus(ResponseStatus responseStatus) {
            this.responseStatus = responseStatus;
            return this;
        }

        /**
         * The request body as JSON. Kept only at level Request and above; re-encoded at most once,
         * at the first {@link #build()} whose level keeps it.
         */
        public Builder requestObject(byte[] json) {
            this.requestJson = json;
            this.requestObject = null;
            return this;
        }

        /** The response body as JSON. Kept only at level RequestResponse. */
        public Builder responseObject(byte[] json) {
            this.responseJson = json;
            this.responseObject = null;
            return this;
        }

        public Builder requestReceivedMicros(long micros) {
            this.requestReceivedMicros = micros;
            return this;
        }

        /** An annotation (authorization.k8s.io/decision, ...); a later value for the key replaces it. */
        public Builder annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        /**
         * The event at the current stage.
         *
         * @throws IllegalArgumentException if a kept request or response body is not JSON
         */
        public AuditEvent build() {
            if (requestReceivedMicros == Long.MIN_VALUE) {
                throw new IllegalStateException("requestReceivedMicros not set");
            }
            long stageAt = stageMicros == Long.MIN_VALUE ? requestReceivedMicros : stageMicros;
            boolean keepRequest = level.includes(AuditLevel.REQUEST);
            boolean keepResponse = level.includes(AuditLevel.REQUEST_RESPONSE);
            if (keepRequest && requestObject == null && requestJson != null) {
                requestObject = RawJson.of(requestJson, omitManagedFields);
            }
            if (keepResponse && responseObject == null && responseJson != null) {
                responseObject = RawJson.of(responseJson, omitManagedFields);
            }
            return new AuditEvent(level, auditId, stage, requestUri, verb, user, impersonatedUser, sourceIps,
                    userAgent, objectRef, responseStatus, keepRequest ? requestObject : null,
                    keepResponse ? responseObject : null, requestReceivedMicros, stageAt, annotations);
        }
    }
}
