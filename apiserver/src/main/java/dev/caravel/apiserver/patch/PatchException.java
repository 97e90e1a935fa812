package dev.caravel.apiserver.patch;

import java.util.Objects;
import java.util.Optional;

/**
 * A patch that cannot be applied, carrying what the API layer needs for the {@code Status}
 * Kubernetes would answer: the HTTP code, the {@code reason}, the {@code message} in Kubernetes'
 * words, and the underlying error ({@link #detail()}) with the field it concerns, if known.
 *
 * <p>Kubernetes' answers differ by patch type, and this mirrors them (apiserver
 * {@code endpoints/handlers/patch.go}):
 * <ul>
 *   <li>a patch body that does not decode: 400 BadRequest with the decoder's message;
 *   <li>a JSON patch whose operation fails: 422 Invalid with the generic message "the server
 *       rejected our request due to an error in our request" (the operation's own error is only
 *       the detail);
 *   <li>strategic merge patch format errors: 400 BadRequest; lists of lists and content outside
 *       {@code $retainKeys}: 422 Invalid;
 *   <li>other strategic merge patch errors (missing merge key, unknown {@code $patch}): these
 *       reach Kubernetes' error writer as plain errors, so they are 500 with an empty reason
 *       and the error text as message.
 * </ul>
 * Unchecked: the patch functions are called from request handling, which maps every
 * {@code PatchException} to a Status in one place.
 */
public final class PatchException extends RuntimeException {

    /** Kubernetes' generic message for a 422 built by {@code NewGenericServerResponse}. */
    public static final String REJECTED_MESSAGE = "the server rejected our request due to an error in our request";

    private final int code;
    private final String reason;
    private final String detail;
    private final String field;

    private PatchException(int code, String reason, String message, String detail, String field) {
        super(message);
        this.code = code;
        this.reason = Objects.requireNonNull(reason, "reason");
        this.detail = Objects.requireNonNull(detail, "detail");
        this.field = field;
    }

    /** 400 BadRequest: the patch is malformed; the message is the decoder's or Kubernetes' text. */
    public static PatchException badRequest(String message) {
        return new PatchException(400, "BadRequest", message, message, null);
    }

    /** 422 Invalid with Kubernetes' generic message; {@code detail} says what went wrong where. */
    public static PatchException rejected(String detail, String field) {
        return new PatchException(422, "Invalid", REJECTED_MESSAGE, detail, field);
    }

    /** 413 RequestEntityTooLarge, e.g. a JSON patch of more than 10,000 operations. */
    public static PatchException tooLarge(String message) {
        return new PatchException(413, "RequestEntityTooLarge", message, message, null);
    }

    /** 500 with no reason: what Kubernetes answers for patch errors it never classified. */
    public static PatchException unclassified(String message) {
        return new PatchException(500, "", message, message, null);
    }

    /** The HTTP status code Kubernetes answers with. */
    public int code() {
        return code;
    }

    /** The Status reason: BadRequest, Invalid, RequestEntityTooLarge, or "" (unknown). */
    public String reason() {
        return reason;
    }

    /** What went wrong, for logs and causes; equal to the message unless the message is generic. */
    public String detail() {
        return detail;
    }

    /** The JSON pointer or field path concerned, when one is known. */
    public Optional<String> field() {
        return Optional.ofNullable(field);
    }
}
