package dev.caravel.audit.input;

import java.util.Objects;

/**
 * One line of an audit log that the analysis could not use, and why.
 *
 * @param source the file name, or {@code -} for standard input
 * @param line   1-based line number within the source (after decompression)
 * @param detail what was wrong, short enough for one terminal line
 */
public record InputProblem(String source, long line, Kind kind, String detail) {

    public InputProblem {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(detail, "detail");
        if (line < 1) {
            throw new IllegalArgumentException("line numbers start at 1, got " + line);
        }
    }

    /** Why a line was not used. Each kind is counted separately in the report. */
    public enum Kind {
        /** The line is not one JSON object (or has something after it). */
        MALFORMED_JSON("malformedJson", "not a JSON object"),
        /** The last line of the input has no newline and does not parse: a log cut while being written. */
        TRUNCATED_LAST_LINE("truncatedLastLine", "truncated last line"),
        /** apiVersion is missing or is not audit.k8s.io/v1 or v1beta1; the event's schema is unknown. */
        UNKNOWN_API_VERSION("unknownApiVersion", "unknown apiVersion"),
        /** kind is neither Event nor EventList. */
        UNKNOWN_KIND("unknownKind", "unknown kind"),
        /** stage is missing or not one of the four stages. */
        MISSING_STAGE("missingStage", "missing or unknown stage"),
        /** requestReceivedTimestamp or stageTimestamp is missing or null. */
        MISSING_TIMESTAMP("missingTimestamp", "missing timestamp"),
        /** A timestamp is present but is not RFC 3339. */
        INVALID_TIMESTAMP("invalidTimestamp", "invalid timestamp"),
        /** stageTimestamp is before requestReceivedTimestamp. */
        STAGE_BEFORE_RECEIVED("stageBeforeReceived", "stage before request received"),
        /** A gzip file ends early or is damaged; the lines before are analysed, the rest is lost. */
        CORRUPT_COMPRESSION("corruptCompression", "gzip data cut short or damaged");

        private final String jsonName;
        private final String description;

        Kind(String jsonName, String description) {
            this.jsonName = jsonName;
            this.description = description;
        }

        /** The stable name used in JSON output. */
        public String jsonName() {
            return jsonName;
        }

        public String description() {
            return description;
        }
    }
}
