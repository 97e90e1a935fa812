package dev.caravel.controllers.client;

import java.io.IOException;

/** A request the API answered with an error status; {@link #reason()} is the Status reason when it sent one. */
public final class ApiException extends IOException {

    private final int code;
    private final String reason;

    public ApiException(int code, String reason, String message) {
        super(code + " " + reason + ": " + message);
        this.code = code;
        this.reason = reason;
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
