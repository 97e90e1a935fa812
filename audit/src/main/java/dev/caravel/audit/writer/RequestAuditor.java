package dev.caravel.audit.writer;

import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.AuditPolicy;
import dev.caravel.audit.policy.RequestAttributes;
import dev.caravel.audit.policy.RequestAuditConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Objects;

/**
 * What the API server's audit stage calls: the policy, the sink and the counters, shared by all
 * requests (stateless, thread-safe). Per request it hands out an {@link AuditedRequest}, which
 * writes each stage's event unless the policy's level is None or the stage is omitted.
 *
 * <pre>
 * AuditedRequest audit = auditor.begin(attributes, AuditEvent.builder()
 *         .auditId(id).requestUri(uri).verb(verb).user(user).sourceIps(ips).userAgent(agent)
 *         .objectRef(ref).requestReceivedMicros(receivedAt));
 * audit.requestReceived();                 // AuditWriteException here: answer 500, do not run the request
 * audit.requestObject(body);               // kept at level Request and above
 * audit.responseStarted(now);              // long-running requests (watch) only, when headers are sent
 * audit.responseComplete(status, responseBody, now);   // or audit.panic(message, now)
 * </pre>
 */
public final class RequestAuditor {

    private static final Logger LOG = LoggerFactory.getLogger(RequestAuditor.class);

    private final AuditPolicy policy;
    private final AuditSink sink;
    private final AuditMetrics metrics;

    public RequestAuditor(AuditPolicy policy, AuditSink sink, AuditMetrics metrics) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sink = Objects.requireNonNull(sink, "sink");
        this.metrics = Objects.requireNonNull(metrics, "metrics");
    }

    /**
     * Decides the request's level and starts its audit. {@code event} holds what is known when the
     * request arrives (auditID, URI, verb, user, source IPs, user agent, objectRef, received time);
     * the returned request owns it from now on.
     */
    public AuditedRequest begin(RequestAttributes attributes, AuditEvent.Builder event) {
        return begin(decide(attributes), event);
    }

    /**
     * The policy's decision for a request, counted in {@code apiserver_audit_level_total}. A caller
     * that gets level None can stop here: nothing of the request needs to be collected.
     */
    public RequestAuditConfig decide(RequestAttributes attributes) {
        RequestAuditConfig config = policy.evaluate(attributes);
        metrics.levelDecided(config.level());
        return config;
    }

    /** Starts the audit of a request whose level {@link #decide} returned. */
    public AuditedRequest begin(RequestAuditConfig config, AuditEvent.Builder event) {
        return new AuditedRequest(config, event.config(config), sink);
    }

    /** Stops the sink: writes what is queued (bounded in time) and closes the backends. */
    public void close() {
        sink.close();
    }

    /**
     * One request's audit; owned by the thread handling the request, not thread-safe. A failure to
     * write after RequestReceived is logged, never thrown: the response is already decided (as in
     * kube-apiserver, only the RequestReceived event can fail a request in blocking-strict mode).
     */
    public static final class AuditedRequest {
        private final RequestAuditConfig config;
        private final AuditEvent.Builder event;
        private final AuditSink sink;

        private AuditedRequest(RequestAuditConfig config, AuditEvent.Builder event, AuditSink sink) {
            this.config = config;
            this.event = event;
            this.sink = sink;
        }

        public RequestAuditConfig config() {
            return config;
        }

        /** False at level None: the caller may skip collecting bodies. */
        public boolean audited() {
            return config.level() != AuditLevel.NONE;
        }

        /**
         * Writes the RequestReceived event.
         *
         * @throws AuditWriteException in blocking-strict mode when it was not written: fail the request with 500
         */
        public void requestReceived() {
            if (config.writes(AuditStage.REQUEST_RECEIVED)) {
                sink.process(build(event.requestReceivedStage()));
            }
        }

        /** The decoded request body as JSON; ignored below level Request. */
        public void requestObject(byte[] json) {
            if (config.level().includes(AuditLevel.REQUEST)) {
                event.requestObject(json);
            }
        }

        /** Annotations such as authorization.k8s.io/decision, written with every later stage. */
        public void annotation(String key, String value) {
            event.annotation(key, value);
        }

        /** A long-running request (watch) sent its headers. */
        public void responseStarted(long stageMicros, ResponseStatus status) {
            event.responseStatus(status);
            writeLater(AuditStage.RESPONSE_STARTED, stageMicros);
        }

        /** The response was sent; {@code responseObject} may be null and is kept only at RequestResponse. */
        public void responseComplete(ResponseStatus status, byte[] responseObject, long stageMicros) {
            event.responseStatus(status);
            if (responseObject != null && config.level().includes(AuditLevel.REQUEST_RESPONSE)) {
                event.responseObject(responseObject);
            }
            writeLater(AuditStage.RESPONSE_COMPLETE, stageMicros);
        }

        /** The handler failed unexpectedly; written instead of ResponseComplete, as a 500. */
        public void panic(String message, long stageMicros) {
            event.responseStatus(ResponseStatus.failure(500, "InternalError", "APIServer panic'd: " + message));
            writeLater(AuditStage.PANIC, stageMicros);
        }

        /**
         * Builds the event; a body that is not JSON (a handler's bug) is left out of the event
         * rather than failing the request over its audit record.
         */
        private AuditEvent build(AuditEvent.Builder builder) {
            try {
                return builder.build();
            } catch (IllegalArgumentException e) {
                LOG.warn("audit event {}: dropping a request or response body that is not JSON: {}",
                        builder.auditId(), e.getMessage());
                builder.requestObject(null).responseObject(null);
                return builder.build();
            }
        }

        private void writeLater(AuditStage stage, long stageMicros) {
            if (!config.writes(stage)) {
                return;
            }
            try {
                sink.process(build(event.stage(stage, stageMicros)));
            } catch (AuditWriteException e) {
                LOG.warn("audit event for stage {} not written: {}", stage.wireName(), e.getMessage());
            }
        }
    }
}
