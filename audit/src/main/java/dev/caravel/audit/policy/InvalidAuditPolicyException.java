package dev.caravel.audit.policy;

/** An audit policy file that cannot be used; the message names the file and the offending field. */
public final class InvalidAuditPolicyException extends RuntimeException {

    public InvalidAuditPolicyException(String message) {
        super(message);
    }

    public InvalidAuditPolicyException(String message, Throwable cause) {
        super(message, cause);
    }
}
