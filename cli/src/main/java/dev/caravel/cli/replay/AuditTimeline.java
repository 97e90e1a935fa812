package dev.caravel.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * The writes an audit log records on one namespace and its content, one line each: when, which
 * client (its user agent's product), the verb, the object and the answer's code. What an operator
 * reads to learn who deleted a namespace and what followed.
 */
final class AuditTimeline {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> READS = Set.of("get", "list", "watch");

    private AuditTimeline() {
    }

    /**
     * Prints the timeline of {@code namespace} in {@code auditLog}; returns how many lines it printed.
     * A run of deletecollections by one client (a namespace controller's pass over every resource,
     * repeated while it retries) is one line: how many, over which resources, with which codes.
     */
    static int print(Path auditLog, String namespace, PrintStream out) throws IOException {
        out.printf("    %-27s %-34s %-17s %-45s %s%n", "time (UTC)", "client", "verb", "object", "code");
        Lines lines = new Lines(out);
        try (BufferedReader reader = Files.newBufferedReader(auditLog, StandardCharsets.UTF_8)) {
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                JsonNode event = JSON.readTree(line);
                if (!event.path("stage").asText().equals("ResponseComplete") || READS.contains(event.path("verb").asText())) {
                    continue;
                }
                JsonNode ref = event.path("objectRef");
                boolean theNamespace = ref.path("resource").asText().equals("namespaces") && ref.path("name").asText().equals(namespace);
                if (theNamespace || ref.path("namespace").asText().equals(namespace)) {
                    lines.add(event);
                }
            }
        }
        lines.flush();
        return lines.printed;
    }

    /** The lines as they are printed, holding back a run of deletecollections until it ends. */
    private static final class Lines {
        private final PrintStream out;
        private int printed;
        private JsonNode runStart;
        private int runLength;
        private final java.util.Set<String> runResources = new java.util.LinkedHashSet<>();
        private final java.util.Set<Integer> runCodes = new java.util.TreeSet<>();

        Lines(PrintStream out) {
            this.out = out;
        }

        void add(JsonNode event) {
            String client = client(event.path("userAgent").asText());
            boolean collection = event.path("verb").asText().equals("deletecollection");
            if (runStart != null && (!collection || !client.equals(client(runStart.path("userAgent").asText())))) {
                flush();
            }
            if (collection) {
                if (runStart == null) {
                    runStart = event;
                }
                runLength++;
                runResources.add(event.path("objectRef").path("resource").asText());
                runCodes.add(event.path("responseStatus").path("code").asInt());
                return;
            }
            JsonNode ref = event.path("objectRef");
            String object = ref.path("resource").asText()
                    + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "")
                    + (ref.hasNonNull("name") ? " " + ref.path("name").asText() : "");
            line(event, event.path("verb").asText(), object, Integer.toString(event.path("responseStatus").path("code").asInt()));
        }

        void flush() {
            if (runStart == null) {
                return;
            }
            String resources = runResources.size() + " resources (" + String.join(", ", List.copyOf(runResources).subList(0, Math.min(3, runResources.size())))
                    + (runResources.size() > 3 ? ", ..." : "") + ")";
            line(runStart, "deletecollection", "x" + runLength + " over " + resources,
                    String.join(",", runCodes.stream().map(String::valueOf).toList()));
            runStart = null;
            runLength = 0;
            runResources.clear();
            runCodes.clear();
        }

        private void line(JsonNode event, String verb, String object, String code) {
            out.printf("    %-27s %-34s %-17s %-45s %s%n", event.path("requestReceivedTimestamp").asText(),
                    client(event.path("userAgent").asText()), verb, object, code);
            printed++;
        }
    }

    /** {@code kubectl/v1.32.3 (linux/amd64) kubernetes/...} reads as {@code kubectl/v1.32.3}. */
    static String client(String userAgent) {
        int space = userAgent.indexOf(' ');
        String product = space < 0 ? userAgent : userAgent.substring(0, space);
        return product.isEmpty() ? "(no user agent)" : product;
    }
}
