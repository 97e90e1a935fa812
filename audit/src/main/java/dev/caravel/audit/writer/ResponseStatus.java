package dev.caravel.audit.writer;

/**
 * The response status of an audit event: a metav1.Status holding only the fields kube-apiserver
 * copies into the event (status, message, reason, details, code), written with the empty
 * {@code "metadata":{}} that Go writes for the embedded ListMeta. A success is just the code:
 * {@code {"metadata":{},"code":200}}.
 *
 * @param details the Status details as JSON, or null
 */
public record ResponseStatus(String status, String message, String reason, RawJson details, int code) {

    public ResponseStatus {
        status = status == null ? "" : status;
        message = message == null ? "" : message;
        reason = reason == null ? "" : reason;
    }

    /** The status kube-apiserver records for a response that is not a Status object. */
    public static ResponseStatus ofCode(int code) {
        return new ResponseStatus("", "", "", null, code);
    }

    /** A failure, as recorded when the handler returned a Status: {@code status} is "Failure". */
    public static ResponseStatus failure(int code, String reason, String message) {
        return new ResponseStatus("Failure", message, reason, null, code);
    }
}
