package dev.caravel.controllers.client;

import java.io.IOException;

/** A request the API answered with an error status; {@link #reason()} is the Status reason when it sent one. */
public final class ApiException extends IOException {

    private final int code;
    private final String reason;
    private final String statusMessage;

    public ApiException(int code, String reason, String message) {
        super(code + " " + reason + ": " + message);
        this.code = code;
        this.reason = reason;
        this.statusMessage = message;
    }

    /**
     * The Status message alone, as client-go's StatusError prints it ("the server is currently
     * unable to handle the request"): what Kubernetes puts in conditions and discovery errors.
     */
    public String statusMessage() {
        return statusMessage;
    }

    public int code() {
        return code;
    }

    public String reason() {
        return reason;
    }

    public boolean isNotFound() {
        return code == 404;
    }

    public boolean isConflict() {
        return code == 409;
    }

    public boolean isGone() {
        return code == 410;
    }
}
