package dev.caravel.cli.replay;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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

    /** Prints the timeline of {@code namespace} in {@code auditLog}; returns how many writes it printed. */
    static int print(Path auditLog, String namespace, PrintStream out) throws IOException {
        int printed = 0;
        out.printf("    %-26s %-28s %-17s %-45s %s%n", "time (UTC)", "client", "verb", "object", "code");
        try (BufferedReader lines = Files.newBufferedReader(auditLog, StandardCharsets.UTF_8)) {
            for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                JsonNode event = JSON.readTree(line);
                if (!event.path("stage").asText().equals("ResponseComplete") || READS.contains(event.path("verb").asText())) {
                    continue;
                }
                JsonNode ref = event.path("objectRef");
                boolean theNamespace = ref.path("resource").asText().equals("namespaces") && ref.path("name").asText().equals(namespace);
                if (!theNamespace && !ref.path("namespace").asText().equals(namespace)) {
                    continue;
                }
                String object = ref.path("resource").asText()
                        + (ref.hasNonNull("subresource") ? "/" + ref.path("subresource").asText() : "")
                        + (ref.hasNonNull("name") ? " " + ref.path("name").asText() : "");
                out.printf("    %-26s %-28s %-17s %-45s %d%n", event.path("requestReceivedTimestamp").asText(),
                        client(event.path("userAgent").asText()), event.path("verb").asText(), object,
                        event.path("responseStatus").path("code").asInt());
                printed++;
            }
        }
        return printed;
    }

    /** {@code kubectl/v1.32.3 (linux/amd64) kubernetes/...} reads as {@code kubectl/v1.32.3}. */
    static String client(String userAgent) {
        int space = userAgent.indexOf(' ');
        String product = space < 0 ? userAgent : userAgent.substring(0, space);
        return product.isEmpty() ? "(no user agent)" : product;
    }
}
