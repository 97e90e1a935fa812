package dev.caravel.audit.analysis;

import dev.caravel.audit.event.AuditSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Requests sent through impersonation are counted under the impersonated user, as an operator looks for them. */
class ImpersonatedUserTest {

    @TempDir
    Path dir;

    private static String event(String user, String impersonated, String received, String completed) {
        return "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"Metadata\",\"auditID\":\"" + received
                + "\",\"stage\":\"ResponseComplete\",\"requestURI\":\"/api/v1/pods\",\"verb\":\"list\",\"user\":{\"username\":\""
                + user + "\",\"groups\":[\"system:masters\"]}"
                + (impersonated == null ? "" : ",\"impersonatedUser\":{\"username\":\"" + impersonated + "\",\"groups\":[\"dev\"]}")
                + ",\"objectRef\":{\"resource\":\"pods\",\"apiVersion\":\"v1\"},\"responseStatus\":{\"metadata\":{},\"code\":200},"
                + "\"requestReceivedTimestamp\":\"" + received + "\",\"stageTimestamp\":\"" + completed + "\"}\n";
    }

    @Test
    void theImpersonatedUserIsTheUserOfTheRequestAndTheUserFilterSelectsIt() throws Exception {
        Path log = Files.writeString(dir.resolve("audit.log"),
                event("proxy", "alice", "2026-11-25T10:00:00.000000Z", "2026-11-25T10:00:03.000000Z")
                        + event("proxy", "bob", "2026-11-25T10:00:00.000000Z", "2026-11-25T10:00:01.000000Z")
                        + event("carol", null, "2026-11-25T10:00:01.000000Z", "2026-11-25T10:00:02.000000Z"));

        AnalysisReport report = new QueryTimeAnalyser(AnalysisOptions.byUser()).analyse(List.of(AuditSource.file(log)));
        AnalysisReport alice = new QueryTimeAnalyser(AnalysisOptions.byUser()
                .withFilter(EventFilter.none().withUsers(java.util.Set.of("alice"))))
                .analyse(List.of(AuditSource.file(log)));

        assertThat(report.groups()).extracting(GroupSummary::key).containsExactly("alice", "bob", "carol");
        assertThat(alice.groups()).extracting(GroupSummary::key).containsExactly("alice");
    }
}
