package dev.caravel.cli.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditTimelineTest {

    private static String event(String time, String agent, String verb, String resource, String namespace, String name, int code) {
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"stage\":\"ResponseComplete\",\"verb\":\"" + verb + "\","
                + "\"userAgent\":\"" + agent + "\",\"requestReceivedTimestamp\":\"" + time + "\","
                + "\"objectRef\":{\"resource\":\"" + resource + "\"" + (namespace == null ? "" : ",\"namespace\":\"" + namespace + "\"")
                + (name == null ? "" : ",\"name\":\"" + name + "\"") + "},\"responseStatus\":{\"code\":" + code + "}}";
    }

    @Test
    void theTimelineShowsWhoDeletedTheNamespaceAndFoldsTheControllersPassesIntoOneLine(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("audit.log");
        Files.write(log, List.of(
                event("2026-11-25T10:00:00.000001Z", "Helm/3.17.2", "delete", "namespaces", null, "shop", 200),
                event("2026-11-25T10:00:00.000002Z", "kubectl/v1.32.3 (linux/amd64) kubernetes/x", "get", "namespaces", null, "shop", 200),
                event("2026-11-25T10:00:00.000003Z", "caravel-controller-manager/v0.1.0 (linux/amd64)", "deletecollection", "configmaps", "shop", null, 200),
                event("2026-11-25T10:00:00.000004Z", "caravel-controller-manager/v0.1.0 (linux/amd64)", "deletecollection", "pods", "shop", null, 200),
                event("2026-11-25T10:00:00.000005Z", "caravel-controller-manager/v0.1.0 (linux/amd64)", "deletecollection", "configmaps", "shop", null, 200),
                event("2026-11-25T10:00:00.000006Z", "Helm/3.17.2", "delete", "configmaps", "elsewhere", "other", 200),
                event("2026-11-25T10:00:00.000007Z", "caravel-controller-manager/v0.1.0 (linux/amd64)", "update", "namespaces", null, "shop", 200)));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        int printed = AuditTimeline.print(log, "shop", new PrintStream(bytes, true, StandardCharsets.UTF_8));

        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(printed).isEqualTo(3);
        assertThat(lines.get(1)).contains("Helm/3.17.2", "delete", "namespaces shop", "200");
        assertThat(lines.get(2)).contains("caravel-controller-manager/v0.1.0", "deletecollection",
                "x3 over 2 resources (configmaps, pods)");
        assertThat(lines.get(3)).contains("update", "namespaces shop");
        assertThat(String.join("\n", lines)).doesNotContain("elsewhere", "kubectl");
    }

    @Test
    void aUserAgentReadsAsItsProduct() {
        assertThat(AuditTimeline.client("kubectl/v1.32.3 (linux/amd64) kubernetes/abc")).isEqualTo("kubectl/v1.32.3");
        assertThat(AuditTimeline.client("")).isEqualTo("(no user agent)");
    }
}
