package dev.caravel.apiserver.api;

import dev.caravel.storage.StorageException;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one exception API code throws: it carries the {@link Status} to answer with. The factory
 * methods produce Kubernetes' own messages, codes, reasons and details (apimachinery's
 * {@code api/errors} constructors), because clients and users match on them.
 *
 * <p>Client errors (4xx) are frequent and expected (every failed get is a 404), so they are built
 * without a stack trace; server errors keep theirs for the log.
 */
public final class StatusException extends RuntimeException {

    /** The apiserver registry's word for a stale resourceVersion on update. */
    public static final String OPTIMISTIC_LOCK_MESSAGE =
            "the object has been modified; please apply your changes to the latest version and try again";

    private static final String LIST_TOO_OLD = "The resourceVersion for the provided list is too old.";
    private static final String WATCH_TOO_OLD = "The resourceVersion for the provided watch is too old.";
    private static final String CONTINUE_EXPIRED = "The provided continue parameter is too old "
            + "to display a consistent list result. You can start a new list without "
            + "the continue parameter.";
    private static final String CONTINUE_INCONSISTENT = "The provided continue parameter is too old "
            + "to display a consistent list result. You can start a new list without "
            + "the continue parameter, or use the continue token in this response to "
            + "retrieve the remainder of the results. Continuing with the provided "
            + "token results in an inconsistent list - objects that were created, "
            + "modified, or deleted between the time the first chunk was returned "
            + "and now may show up in the list.";
    private static final String TOO_LARGE_RESOURCE_VERSION_CAUSE = "Too large resource version";
    /** Kubernetes asks clients to retry an unreachable store after this many seconds. */
    private static final int STORAGE_UNREACHABLE_RETRY_SECONDS = 2;
    private static final Pattern FUTURE_REVISION =
            Pattern.compile("required revision (\\d+) is a future revision \\(current revision (\\d+)\\)");

    private final transient Status status;

    public StatusException(Status status) {
        this(status, null);
    }

    public StatusException(Status status, Throwable cause) {
        super(Objects.requireNonNull(status, "status").message(), cause, false, status.code() >= 500);
        this.status = status;
    }

    public Status status() {
        return status;
    }

    public int code() {
        return status.code();
    }

    public StatusReason reason() {
        return status.reason();
    }

    private static StatusException failure(StatusReason reason, String message, StatusDetails details) {
        return new StatusException(Status.failure(reason.code(), reason, message, details));
    }

    // ---- 404, 409 ----------------------------------------------------------------------------

    /** {@code pods "foo" not found}, 404. */
    public static StatusException notFound(GroupResource resource, String name) {
        return failure(StatusReason.NOT_FOUND, resource + " " + GoQuote.quote(name) + " not found",
                StatusDetails.of(resource, name));
    }

    /** {@code pods "foo" already exists}, 409. */
    public static StatusException alreadyExists(GroupResource resource, String name) {
        return failure(StatusReason.ALREADY_EXISTS, resource + " " + GoQuote.quote(name) + " already exists",
                StatusDetails.of(resource, name));
    }

    /** generateName produced a taken name: 409 AlreadyExists with a retry delay. */
    public static StatusException generateNameConflict(GroupResource resource, String name, int retryAfterSeconds) {
        return failure(StatusReason.ALREADY_EXISTS, resource + " " + GoQuote.quote(name)
                        + " already exists, the server was not able to generate a unique name for the object",
                new StatusDetails(name, resource.group(), resource.resource(), "", List.of(), retryAfterSeconds));
    }

    /** {@code Operation cannot be fulfilled on pods "foo": <why>}, 409. */
    public static StatusException conflict(GroupResource resource, String name, String why) {
        return failure(StatusReason.CONFLICT,
                "Operation cannot be fulfilled on " + resource + " " + GoQuote.quote(name) + ": " + why,
                StatusDetails.of(resource, name));
    }

    /** An update or delete with a stale resourceVersion (or failed precondition on it), 409. */
    public static StatusException optimisticLockConflict(GroupResource resource, String name) {
        return conflict(resource, name, OPTIMISTIC_LOCK_MESSAGE);
    }

    /**
     * A delete or update whose precondition on the uid does not hold. Kubernetes passes the
     * storage error's text through, key included, so the message carries the storage key.
     */
    public static StatusException uidPreconditionFailed(GroupResource resource, String name, String storageKey,
                                                        String preconditionUid, String objectUid) {
        return preconditionFailed(resource, name, storageKey,
                "Precondition failed: UID in precondition: " + preconditionUid + ", UID in object meta: " + objectUid);
    }

    /** As {@link #uidPreconditionFailed}, for a precondition on the resourceVersion. */
    public static StatusException resourceVersionPreconditionFailed(GroupResource resource, String name,
                                                                    String storageKey, String preconditionVersion,
                                                                    String objectVersion) {
        return preconditionFailed(resource, name, storageKey,
                "Precondition failed: ResourceVersion in precondition: " + preconditionVersion
                        + ", ResourceVersion in object meta: " + objectVersion);
    }

    /** Kubernetes' storage "invalid object" error (code 4) turned into a Conflict, word for word. */
    private static StatusException preconditionFailed(GroupResource resource, String name, String storageKey,
                                                      String why) {
        return conflict(resource, name, "StorageError: invalid object, Code: 4, Key: " + storageKey
                + ", ResourceVersion: 0, AdditionalErrorMsg: " + why);
    }

    /** Server-side apply conflicts: 409 Conflict, the causes naming the managers and fields. */
    public static StatusException applyConflict(List<StatusCause> causes, String message) {
        return failure(StatusReason.CONFLICT, message,
                new StatusDetails("", "", "", "", causes, 0));
    }

    // ---- 422, 400 ----------------------------------------------------------------------------

    /**
     * {@code Pod "foo" is invalid: spec.containers[0].image: Required value}, 422, one cause per
     * error; several errors are aggregated as {@code [a, b]}.
     */
    public static StatusException invalid(GroupKind kind, String name, List<FieldError> errors) {
        List<StatusCause> causes = new ArrayList<>(errors.size());
        for (FieldError e : errors) {
            causes.add(e.toCause());
        }
        String aggregated = FieldError.aggregate(errors);
        String message = kind + " " + GoQuote.quote(name) + " is invalid"
                + (aggregated.isEmpty() ? "" : ": " + aggregated);
        return failure(StatusReason.INVALID, message,
                new StatusDetails(name, kind.group(), kind.kind(), "", causes, 0));
    }

    /** 400 BadRequest with the message as given. */
    public static StatusException badRequest(String message) {
        return failure(StatusReason.BAD_REQUEST, message, null);
    }

    // ---- 400s of the write handlers: a body that does not fit the URL ----------------------

    /** The body's apiVersion is not the one of the URL: {@code the API version in the data (apps/v1) does not match the expected API version (v1)}. */
    public static StatusException apiVersionMismatch(String dataGroupVersion, String expectedGroupVersion) {
        return badRequest("the API version in the data (" + dataGroupVersion
                + ") does not match the expected API version (" + expectedGroupVersion + ")");
    }

    /** A create whose object names another namespace than the URL. */
    public static StatusException namespaceMismatch() {
        return badRequest("the namespace of the provided object does not match the namespace sent on the request");
    }

    /** An update whose object names another namespace than the URL. */
    public static StatusException objectNamespaceMismatch(String objectNamespace, String requestNamespace) {
        return badRequest("the namespace of the object (" + objectNamespace
                + ") does not match the namespace on the request (" + requestNamespace + ")");
    }

    /** An update or patch whose object has another name than the URL. */
    public static StatusException nameMismatch(String objectName, String urlName) {
        return badRequest("the name of the object (" + objectName + ") does not match the name on the URL (" + urlName + ")");
    }

    /**
     * A body of a known kind that could not be decoded as the URL's kind:
     * {@code Service in version "v1" cannot be handled as a Pod: <why>}.
     */
    public static StatusException cannotBeHandledAs(String kind, String version, String expectedKind, String why) {
        return badRequest(kind + " in version " + GoQuote.quote(version) + " cannot be handled as a " + expectedKind
                + ": " + why);
    }

    /**
     * A body whose kind could not even be read (malformed JSON or YAML, no kind):
     * {@code the object provided is unrecognized (must be of type Pod): <why> (<first 30 bytes>)}.
     */
    public static StatusException unrecognizedObject(String expectedKind, String why, byte[] body) {
        return badRequest("the object provided is unrecognized (must be of type " + expectedKind + "): " + why
                + " (" + summarize(body, 30) + ")");
    }

    /** Kubernetes' summarizeData: a JSON object's first bytes as text, anything else in hex. */
    private static String summarize(byte[] data, int maxLength) {
        if (data == null || data.length == 0) {
            return "<empty>";
        }
        boolean cut = data.length > maxLength;
        byte[] head = cut ? java.util.Arrays.copyOf(data, maxLength) : data;
        String text = data[0] == '{'
                ? new String(head, java.nio.charset.StandardCharsets.UTF_8)
                : java.util.HexFormat.of().formatHex(head);
        return cut ? text + " ..." : text;
    }

    // ---- 401, 403 ----------------------------------------------------------------------------

    public static StatusException unauthorized(String message) {
        return failure(StatusReason.UNAUTHORIZED, message == null || message.isEmpty() ? "not authorized" : message, null);
    }

    /**
     * 403: {@code pods "foo" is forbidden: <why>}, {@code pods is forbidden: <why>} without a name,
     * {@code forbidden: <why>} without a resource.
     */
    public static StatusException forbidden(GroupResource resource, String name, String why) {
        String message;
        if (resource.isEmpty()) {
            message = "forbidden: " + why;
        } else if (name == null || name.isEmpty()) {
            message = resource + " is forbidden: " + why;
        } else {
            message = resource + " " + GoQuote.quote(name) + " is forbidden: " + why;
        }
        return failure(StatusReason.FORBIDDEN, message, StatusDetails.of(resource, name));
    }

    /** Namespace lifecycle admission refusing new content in a Terminating namespace. */
    public static StatusException namespaceTerminating(GroupResource resource, String name, String namespace) {
        StatusException forbidden = forbidden(resource, name,
                "unable to create new content in namespace " + namespace + " because it is being terminated");
        StatusCause cause = new StatusCause(CauseType.NAMESPACE_TERMINATING,
                "namespace " + namespace + " is being terminated", "metadata.namespace");
        Status s = forbidden.status();
        return new StatusException(s.withDetails(s.details().withCauses(List.of(cause))));
    }

    // ---- 405, 406, 413, 415 ------------------------------------------------------------------

    /** {@code <action> is not supported on resources of kind "pods"}, 405. */
    public static StatusException methodNotSupported(GroupResource resource, String action) {
        return failure(StatusReason.METHOD_NOT_ALLOWED,
                action + " is not supported on resources of kind " + GoQuote.quote(resource.toString()),
                new StatusDetails("", resource.group(), resource.resource(), "", List.of(), 0));
    }

    /** The Accept header named nothing the server writes, 406. */
    public static StatusException notAcceptable(List<String> acceptedMediaTypes) {
        return failure(StatusReason.NOT_ACCEPTABLE,
                "only the following media types are accepted: " + String.join(", ", acceptedMediaTypes), null);
    }

    /** The Content-Type is one the server does not decode, 415. */
    public static StatusException unsupportedMediaType(List<String> acceptedMediaTypes) {
        return failure(StatusReason.UNSUPPORTED_MEDIA_TYPE,
                "the body of the request was in an unknown format - accepted media types include: "
                        + String.join(", ", acceptedMediaTypes), null);
    }

    /** {@code Request entity too large: <why>}, 413. */
    public static StatusException requestEntityTooLarge(String why) {
        return failure(StatusReason.REQUEST_ENTITY_TOO_LARGE, "Request entity too large: " + why, null);
    }

    /** A body over the server's limit: {@code Request entity too large: limit is 3145728}. */
    public static StatusException requestEntityTooLarge(long limitBytes) {
        return requestEntityTooLarge("limit is " + limitBytes);
    }

    // ---- 410 ---------------------------------------------------------------------------------

    /** 410 Gone; Kubernetes deprecated it for {@link #expired}, but a few paths still send it. */
    public static StatusException gone(String message) {
        return failure(StatusReason.GONE, message, null);
    }

    /** 410 Expired: the content asked for (by resourceVersion or continue token) is no longer kept. */
    public static StatusException expired(String message) {
        return failure(StatusReason.EXPIRED, message, null);
    }

    /** The watch cache's answer to a watch from before its window: {@code too old resource version: 5 (12)}. */
    public static StatusException tooOldResourceVersion(long requested, long oldestAvailable) {
        return expired("too old resource version: " + requested + " (" + oldestAvailable + ")");
    }

    /** A continue token whose revision is compacted, when no fresh token can be offered. */
    public static StatusException continueExpired() {
        return expired(CONTINUE_EXPIRED);
    }

    /**
     * A continue token whose revision is compacted: 410 with a fresh token in metadata.continue
     * that continues the list at the latest revision, as Kubernetes offers it.
     */
    public static StatusException continueExpired(String freshContinueToken) {
        Status s = expired(CONTINUE_INCONSISTENT).status();
        return new StatusException(s.withMetadata(new Status.ListMeta("", freshContinueToken)));
    }

    // ---- 429, 5xx ----------------------------------------------------------------------------

    /** 429 with the message as given and a retry delay (details always present, as Kubernetes sends them). */
    public static StatusException tooManyRequests(String message, int retryAfterSeconds) {
        return failure(StatusReason.TOO_MANY_REQUESTS, message, StatusDetails.retryAfter(retryAfterSeconds));
    }

    /** 429 {@code Too many requests: <why>}, without details (NewTooManyRequestsError). */
    public static StatusException tooManyRequestsError(String why) {
        return failure(StatusReason.TOO_MANY_REQUESTS, "Too many requests: " + why, null);
    }

    /** {@code Internal error occurred: <why>}, 500, the reason repeated as a cause. */
    public static StatusException internalError(String why) {
        return failure(StatusReason.INTERNAL_ERROR, "Internal error occurred: " + why,
                new StatusDetails("", "", "", "", List.of(new StatusCause(null, why, "")), 0));
    }

    public static StatusException internalError(Throwable cause) {
        String why = String.valueOf(cause.getMessage());
        StatusException e = internalError(why);
        return new StatusException(e.status(), cause);
    }

    /** 503 with the message as given. */
    public static StatusException serviceUnavailable(String message) {
        return failure(StatusReason.SERVICE_UNAVAILABLE, message, null);
    }

    /**
     * A transient failure, 500 ServerTimeout: {@code The get operation against pods could not be
     * completed at this time, please try again.} Kubernetes puts the operation in details.name.
     */
    public static StatusException serverTimeout(GroupResource resource, String operation, int retryAfterSeconds) {
        return failure(StatusReason.SERVER_TIMEOUT, "The " + operation + " operation against " + resource
                        + " could not be completed at this time, please try again.",
                new StatusDetails(operation, resource.group(), resource.resource(), "", List.of(), retryAfterSeconds));
    }

    /** 504 {@code Timeout: <why>}; details are always present, carrying the retry delay. */
    public static StatusException timeout(String why, int retryAfterSeconds) {
        return failure(StatusReason.TIMEOUT, "Timeout: " + why, StatusDetails.retryAfter(retryAfterSeconds));
    }

    /**
     * A read at a resourceVersion the server has not reached (after waiting for it, in the watch
     * cache): 504 {@code Timeout: Too large resource version: 20, current: 10} with the
     * ResourceVersionTooLarge cause client-go's reflector looks for.
     */
    public static StatusException tooLargeResourceVersion(long requested, long current, int retryAfterSeconds) {
        StatusException e = timeout("Too large resource version: " + requested + ", current: " + current,
                retryAfterSeconds);
        Status s = e.status();
        return new StatusException(s.withDetails(s.details().withCauses(
                List.of(StatusCause.of(CauseType.RESOURCE_VERSION_TOO_LARGE, TOO_LARGE_RESOURCE_VERSION_CAUSE)))));
    }

    /**
     * What Kubernetes answers for an error that is not a Status (a bug, or an unmapped backend
     * failure): 500, no reason, the error's own text.
     */
    public static StatusException unknown(Throwable error) {
        return new StatusException(Status.failure(500, StatusReason.UNKNOWN, String.valueOf(error.getMessage()), null), error);
    }

    /**
     * The Status to answer for any failure reaching HTTP, as Kubernetes' ErrorToAPIStatus makes
     * it: a StatusException's own (a missing code filled in: 500 for a failure, 200 for a
     * success); anything else is a bug and becomes a bare 500 with the error's text, which the
     * caller should log with the request.
     */
    public static Status statusOf(Throwable error) {
        if (error instanceof StatusException e) {
            Status s = e.status();
            if (s.code() != 0) {
                return s;
            }
            int code = s.outcome() == Status.Outcome.SUCCESS ? 200 : 500;
            return new Status(s.outcome(), s.message(), s.reason(), s.details(), code, s.metadata());
        }
        return unknown(error).status();
    }

    // ---- the storage edge --------------------------------------------------------------------

    /**
     * Translates a storage failure at the registry edge, as Kubernetes' etcd3 store and
     * {@code storage/errors} do:
     * <ul>
     *   <li>COMPACTED: 410 Expired, worded for a list or for a watch (etcd compaction never
     *       reaches a plain get, which reads the latest revision; a get at an old revision is
     *       answered like a list);</li>
     *   <li>FUTURE_REVISION: 504 Timeout with cause ResourceVersionTooLarge;</li>
     *   <li>UNAVAILABLE: 500 ServerTimeout naming the operation, retry after 2 s (Kubernetes'
     *       answer for an unreachable store);</li>
     *   <li>REQUEST_TOO_LARGE: 413. Kubernetes passes etcd's "request is too large" through as a
     *       bare 500 (kubernetes/kubernetes#112152, a known bug); a 413 tells the client not to
     *       retry, which is what that issue asks for;</li>
     *   <li>anything else: 500 InternalError.</li>
     * </ul>
     * A list continued from a compacted token is better served by {@link #continueExpired(String)},
     * which only the caller can build (it needs the key to continue from).
     * Why we differ from Kubernetes here: docs/decisions/0008-status-messages-and-deviations.md.
     */
    public static StatusException fromStorage(StorageException e, GroupResource resource, StorageOperation operation) {
        String why = storageMessage(e);
        StatusException translated = switch (e.kind()) {
            case COMPACTED -> expired(operation == StorageOperation.WATCH ? WATCH_TOO_OLD : LIST_TOO_OLD);
            case FUTURE_REVISION -> {
                Matcher m = FUTURE_REVISION.matcher(why);
                yield m.find()
                        ? tooLargeResourceVersion(Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), 0)
                        : timeout(why, 0);
            }
            case UNAVAILABLE -> serverTimeout(resource, operation.verb(), STORAGE_UNREACHABLE_RETRY_SECONDS);
            case REQUEST_TOO_LARGE -> requestEntityTooLarge(why);
            default -> internalError(why);
        };
        return new StatusException(translated.status(), e);
    }

    /** The storage message without the kind prefix StorageException puts on it. */
    private static String storageMessage(StorageException e) {
        String message = String.valueOf(e.getMessage());
        String prefix = e.kind() + ": ";
        return message.startsWith(prefix) ? message.substring(prefix.length()) : message;
    }
}
