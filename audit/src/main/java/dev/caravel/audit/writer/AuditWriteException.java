package dev.caravel.audit.writer;

/**
 * An event could not be written in blocking-strict mode. The audit stage turns it into a 500
 * when it comes from the RequestReceived event (the request has not run yet), as kube-apiserver
 * fails such a request; at later stages the response is already decided and it is only logged.
 */
public final class AuditWriteException extends RuntimeException {

    public AuditWriteException(String message, Throwable cause) {
        super(message, cause);
    }
}
