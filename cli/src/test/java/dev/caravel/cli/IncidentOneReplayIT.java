package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.apiserver.server.ClientBinaries;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Incident 1 replayed as a user replays it: {@code java -jar caravel.jar replay incident-1} with the
 * real kubectl and helm. The command checks every step itself and exits 1 at the first miss; this
 * test holds it to exit 0 and to telling the story's turning points, and reads the audit log it
 * leaves for who deleted the namespace.
 */
class IncidentOneReplayIT {

    @TempDir
    Path dir;

    @Test
    void theNamespaceDeletedByHelmWaitsForAConfirmationOnceTheMetricsApiComesBack() throws Exception {
        Path work = dir.resolve("incident-1");
        Path output = dir.resolve("replay.out");
        String java = ProcessHandle.current().info().command().orElse("java");
        Process replay = new ProcessBuilder(List.of(java, "-Xmx512m", "-jar", PackagedServer.jar().toString(),
                "replay", "incident-1", "--kubectl", ClientBinaries.kubectl(), "--helm", ClientBinaries.helm(),
                "--work-dir", work.toString(), "--latch", "10s"))
                .redirectErrorStream(true).redirectOutput(output.toFile()).start();
        boolean ended = replay.waitFor(5, TimeUnit.MINUTES);
        if (!ended) {
            replay.destroyForcibly();
        }
        String told = Files.readString(output, StandardCharsets.UTF_8);

        assertThat(ended).as("the replay ended within 5 minutes; it told:\n" + told).isTrue();
        assertThat(replay.exitValue()).as("the replay's exit code; it told:\n" + told).isZero();
        assertThat(told).contains(
                "Available=False, reason FailedDiscoveryCheck",
                "x509: certificate has expired or is not yet valid",
                "ok: metrics.k8s.io/v1beta1 is listed with freshness Stale",
                "ok: kubectl top nodes fails while the metrics API is down",
                "NamespaceDeletionDiscoveryFailure=True",
                "NamespaceDeletionLatched=True",
                "ok: the namespace is still there a few seconds later, waiting for a confirmation",
                "ok: namespace shop is gone",
                "Available=True",
                "ok: kubectl top succeeded",
                "Replay finished: every expectation met.");
        List<String> audit = Files.readAllLines(work.resolve("audit.log"));
        assertThat(audit).anySatisfy(line -> assertThat(line)
                .contains("\"verb\":\"delete\"", "\"resource\":\"namespaces\"", "\"name\":\"shop\"", "Helm/"));
        assertThat(audit).as("the namespace controller's writes name it").anySatisfy(line -> assertThat(line)
                .contains("\"verb\":\"deletecollection\"", "\"namespace\":\"shop\"", "caravel-controller-manager/"));
        assertThat(audit).as("the confirmation is in the log").anySatisfy(line -> assertThat(line)
                .contains("\"resource\":\"namespaces\"", "caravel.dev/confirm-deletion", "kubectl/"));
    }
}
