package dev.caravel.apiserver.aggregation;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Objects;

/**
 * An APIService's Available condition without its time: status True, False or Unknown, with
 * kube-aggregator's reason and message. Two conditions are the same transition when these three
 * are equal, so lastTransitionTime changes only when one of them does.
 */
public record AvailableCondition(String status, String reason, String message) {

    public static final String TYPE = "Available";
    public static final AvailableCondition UNKNOWN = new AvailableCondition("Unknown", "", "");
    public static final AvailableCondition LOCAL =
            new AvailableCondition("True", "Local", "Local APIServices are always available");
    public static final AvailableCondition PASSED = new AvailableCondition("True", "Passed", "all checks passed");

    public AvailableCondition {
        Objects.requireNonNull(status, "status");
        reason = reason == null ? "" : reason;
        message = message == null ? "" : message;
    }

    public static AvailableCondition unavailable(String reason, String message) {
        return new AvailableCondition("False", reason, message);
    }

    /** The condition as stored on {@code apiService}; {@link #UNKNOWN} when it has none yet. */
    static AvailableCondition of(JsonNode apiService) {
        for (JsonNode condition : apiService.path("status").path("conditions")) {
            if (condition.path("type").asText().equals(TYPE)) {
                return new AvailableCondition(condition.path("status").asText("Unknown"),
                        condition.path("reason").asText(""), condition.path("message").asText(""));
            }
        }
        return UNKNOWN;
    }

    public boolean isTrue() {
        return status.equals("True");
    }
}
