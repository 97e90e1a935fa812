package dev.caravel.apiserver.audit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.http.HttpServer;
import dev.caravel.apiserver.http.Stage;
import dev.caravel.apiserver.request.RequestInfo;
import dev.caravel.apiserver.request.RequestUser;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.RequestAttributes;
import dev.caravel.audit.policy.RequestAuditConfig;
import dev.caravel.audit.writer.AuditEvent;
import dev.caravel.audit.writer.AuditWriteException;
import dev.caravel.audit.writer.ObjectReference;
import dev.caravel.audit.writer.RawJson;
import dev.caravel.audit.writer.RequestAuditor;
import dev.caravel.audit.writer.RequestAuditor.AuditedRequest;
import dev.caravel.audit.writer.ResponseStatus;
import dev.caravel.audit.writer.UserInfo;

import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * The audit stage: it gives every request its audit ID (the client's {@code Audit-ID} header, or
 * a new UUID), answers it in the {@code Audit-Id} response header, and, when auditing is on,
 * writes the request's audit.k8s.io/v1 events at the level the policy decides.
 *
 * <pre>
 *   RequestReceived   before the handler runs (blocking-strict: if it cannot be written, 500 and
 *                     the handler does not run)
 *   ResponseStarted   long-running requests only (watch, proxy; exec, attach, portforward, log,
 *                     proxy subresources): when the response starts, a watch's stream included
 *   ResponseComplete  when the response is complete; a watch's when its stream ends
 *   Panic             instead of ResponseComplete when the handler failed with something other
 *                     than a Status (a bug, answered 500)
 * </pre>
 *
 * <p>As in kube-apiserver, the policy sees the authenticated user (Caravel's one
 * {@link RequestUser#UNSECURED} identity) and the event records any impersonated user apart, in
 * {@code impersonatedUser}. A request the policy puts at level None costs the policy's scan and
 * the header: no event is built and no body is read. Errors thrown by later stages are turned
 * into their Status answer here, so that they too carry the Audit-Id header and are audited with
 * their code, reason and message.
 */
public final class AuditStage implements Stage {

    /** The request and response header of the audit ID (kube-apiserver's HeaderAuditID, Go-canonical spelling). */
    public static final String AUDIT_ID_HEADER = "Audit-Id";

    /** kube-apiserver's long-running check: these verbs, and these subresources of any verb. */
    private static final Set<String> LONG_RUNNING_VERBS = Set.of("watch", "proxy");
    private static final Set<String> LONG_RUNNING_SUBRESOURCES = Set.of("attach", "exec", "proxy", "log", "portforward");
    private static final Set<String> VERBS_WITH_OBJECT_BODY = Set.of("create", "update");
    private static final byte[] STATUS_PREFIX = "{\"kind\":\"Status\"".getBytes(java.nio.charset.StandardCharsets.UTF_8);
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Turns a request body the stage cannot read as JSON or YAML (protobuf) into JSON; null if it cannot. */
    @FunctionalInterface
    public interface BodyDecoder {
        byte[] toJson(ApiRequest request);

        BodyDecoder NONE = request -> null;
    }

    private final RequestAuditor auditor;
    private final Clock clock;
    private final BodyDecoder protobufBodies;
    private final RequestUser user = RequestUser.UNSECURED;
    private final UserInfo userInfo = UserInfo.of(user.name(), user.groups());

    /** @param auditor null when auditing is off: only the Audit-Id header is set */
    public AuditStage(RequestAuditor auditor, Clock clock) {
        this(auditor, clock, BodyDecoder.NONE);
    }

    /** @param protobufBodies reads protobuf request bodies (see {@link #forServer}) */
    public AuditStage(RequestAuditor auditor, Clock clock, BodyDecoder protobufBodies) {
        this.auditor = auditor;
        this.clock = clock;
        this.protobufBodies = protobufBodies;
    }

    /** The stage of a server serving {@code catalogue}, reading protobuf bodies as its REST handler does. */
    public static AuditStage forServer(RequestAuditor auditor, dev.caravel.apiserver.resource.ResourceCatalogue catalogue,
                                       dev.caravel.apiserver.protobuf.ProtobufDecoder protobuf) {
        return new AuditStage(auditor, Clock.systemUTC(), ProtobufRequestObjects.of(catalogue, protobuf));
    }

    public static AuditStage off() {
        return new AuditStage(null, Clock.systemUTC());
    }

    @Override
    public ApiResponse handle(ApiRequest request, Chain next) throws Exception {
        String auditId = request.header(AUDIT_ID_HEADER);
        if (auditId.isEmpty()) {
            auditId = newAuditId();
        }
        if (auditor == null) {
            return unaudited(request, next, auditId);
        }
        long receivedMicros = micros(clock.instant());
        // The pipeline runs request info first; a pipeline built without it still gets audited.
        RequestInfo info = request.info() != null ? request.info()
                : RequestInfo.parse(request.method(), request.path(), request.query());
        RequestAuditConfig config = auditor.decide(attributes(request, info));
        if (config.level() == AuditLevel.NONE) {
            return unaudited(request, next, auditId);
        }
        return audited(request, next, auditId, receivedMicros, info, config);
    }

    private static ApiResponse unaudited(ApiRequest request, Chain next, String auditId) {
        ApiResponse response;
        try {
            response = next.proceed(request);
        } catch (Throwable e) {
            response = HttpServer.errorResponse(request, e);
        }
        return response.withHeader(AUDIT_ID_HEADER, auditId);
    }

    private ApiResponse audited(ApiRequest request, Chain next, String auditId, long receivedMicros,
                                RequestInfo info, RequestAuditConfig config) {
        UserInfo impersonated = null;
        StatusException badImpersonation = null;
        try {
            impersonated = Impersonation.of(request);
        } catch (StatusException e) {
            badImpersonation = e;
        }
        boolean objectBody = info.resourceRequest() && VERBS_WITH_OBJECT_BODY.contains(info.verb());
        byte[] requestJson = objectBody || config.level().includes(AuditLevel.REQUEST)
                ? RequestBodies.requestJson(request, protobufBodies) : null;
        ObjectReference ref = null;
        if (info.resourceRequest()) {
            ref = ObjectReference.of(info.apiGroup(), info.apiVersion(), info.resource(), info.subresource(),
                    info.namespace(), info.name());
            if (objectBody) {
                ref = RequestBodies.withBodyMetadata(ref, requestJson);
            }
        }
        AuditedRequest audit = auditor.begin(config, AuditEvent.builder()
                .auditId(auditId)
                .requestUri(request.rawQuery().isEmpty() ? request.path() : request.path() + "?" + request.rawQuery())
                .verb(info.verb())
                .user(userInfo)
                .impersonatedUser(impersonated)
                .sourceIps(SourceIps.of(request))
                .userAgent(request.header("User-Agent"))
                .objectRef(ref)
                .requestReceivedMicros(receivedMicros));
        try {
            audit.requestReceived();
        } catch (AuditWriteException e) {
            // blocking-strict: a request whose audit could not be stored must not run.
            return HttpServer.errorResponse(request, StatusException.internalError("failed to store audit event"))
                    .withHeader(AUDIT_ID_HEADER, auditId);
        }
        if (requestJson != null) {
            audit.requestObject(requestJson);
        }
        boolean longRunning = isLongRunning(info);
        ApiResponse response;
        ResponseStatus status;
        try {
            if (badImpersonation != null) {
                throw badImpersonation;
            }
            response = next.proceed(request);
            status = null;
        } catch (StatusException e) {
            response = HttpServer.errorResponse(request, e);
            status = responseStatus(StatusException.statusOf(e));
        } catch (Throwable e) {
            response = HttpServer.errorResponse(request, e);
            audit.panic(e.getMessage() == null ? e.toString() : e.getMessage(), micros(clock.instant()));
            return response.withHeader(AUDIT_ID_HEADER, auditId);
        }
        if (response.streamer() != null) {
            return streamed(response, audit).withHeader(AUDIT_ID_HEADER, auditId);
        }
        if (status == null) {
            status = responseStatus(response);
        }
        long completedMicros = micros(clock.instant());
        if (longRunning) {
            audit.responseStarted(completedMicros, status);
        }
        byte[] responseJson = info.resourceRequest() && config.level().includes(AuditLevel.REQUEST_RESPONSE)
                && response.body().length > 0 && RequestBodies.isJson(contentType(response))
                ? response.body() : null;
        audit.responseComplete(status, responseJson, completedMicros);
        return response.withHeader(AUDIT_ID_HEADER, auditId);
    }

    /**
     * The same response whose stream writes ResponseStarted when it starts (the headers are out)
     * and ResponseComplete when it ends, or Panic if it fails. It runs on the request's thread,
     * which owns {@code audit}.
     */
    private ApiResponse streamed(ApiResponse response, AuditedRequest audit) {
        ApiResponse.Streamer inner = response.streamer();
        ResponseStatus status = ResponseStatus.ofCode(response.code());
        return new ApiResponse(response.code(), response.headers(), response.body(), out -> {
            audit.responseStarted(micros(clock.instant()), status);
            try {
                inner.stream(out);
            } catch (Throwable e) {
                audit.panic(e.getMessage() == null ? e.toString() : e.getMessage(), micros(clock.instant()));
                throw e;
            }
            audit.responseComplete(status, null, micros(clock.instant()));
        });
    }

    private RequestAttributes attributes(ApiRequest request, RequestInfo info) {
        if (!info.resourceRequest()) {
            return RequestAttributes.nonResource(user.name(), user.groups(), info.verb(), request.path());
        }
        return RequestAttributes.resource(user.name(), user.groups(), info.verb(), info.namespace(),
                info.apiGroup(), info.resource(), info.subresource(), info.name());
    }

    static boolean isLongRunning(RequestInfo info) {
        return LONG_RUNNING_VERBS.contains(info.verb())
                || (info.resourceRequest() && LONG_RUNNING_SUBRESOURCES.contains(info.subresource()));
    }

    /** The fields of a Status kube-apiserver copies into the event: status, message, reason, details, code. */
    static ResponseStatus responseStatus(Status status) {
        RawJson details = null;
        if (status.details() != null) {
            try {
                JsonNode node = JSON.readTree(status.toJsonBytes()).get("details");
                details = node == null ? null : RawJson.of(node, false);
            } catch (IOException e) {
                details = null;
            }
        }
        return new ResponseStatus(status.outcome().wireName(), status.message(), status.reason().wireName(), details,
                status.code());
    }

    /** A returned Status body is recorded field by field; any other response by its code alone. */
    private static ResponseStatus responseStatus(ApiResponse response) {
        byte[] body = response.body();
        if (startsWith(body, STATUS_PREFIX) && RequestBodies.isJson(contentType(response))) {
            try {
                return responseStatus(Status.fromJson(JSON.readTree(body)));
            } catch (IOException | RuntimeException e) {
                return ResponseStatus.ofCode(response.code());
            }
        }
        return ResponseStatus.ofCode(response.code());
    }

    private static String contentType(ApiResponse response) {
        List<String> values = response.headers().get("Content-Type");
        return values == null || values.isEmpty() ? "" : values.get(0);
    }

    private static boolean startsWith(byte[] body, byte[] prefix) {
        if (body.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (body[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    /**
     * A random (version 4) UUID from the thread's own generator: an audit ID must be unique, not
     * unguessable, and {@link UUID#randomUUID()} draws on the shared SecureRandom, which every
     * request would then contend for.
     */
    static String newAuditId() {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        long high = (random.nextLong() & ~0xF000L) | 0x4000L;
        long low = (random.nextLong() & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(high, low).toString();
    }

    /** Microseconds since the epoch: the precision of the MicroTime timestamps of an audit event. */
    static long micros(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000L), instant.getNano() / 1_000L);
    }
}
