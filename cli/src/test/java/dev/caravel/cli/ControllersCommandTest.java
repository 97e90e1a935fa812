package dev.caravel.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class ControllersCommandTest {

    @TempDir
    Path dir;

    private static ControllersCommand parsed(String... args) {
        ControllersCommand command = new ControllersCommand();
        new CommandLine(command).parseArgs(args);
        return command;
    }

    @Test
    void everyControllerRunsUnlessTheFlagChoosesAsKubeControllerManagersDoes() {
        assertThat(ControllersCommand.selected(parsed().controllers)).containsExactlyElementsOf(ControllersCommand.ALL);
        assertThat(ControllersCommand.selected(List.of("namespace-controller"))).containsExactly("namespace-controller");
        assertThat(ControllersCommand.selected(List.of("*", "-pod-termination-controller", "-garbage-collector-controller")))
                .containsExactly("namespace-controller", "serviceaccount-controller");
        assertThatThrownBy(() -> ControllersCommand.selected(List.of("replicaset-controller")))
                .hasMessageContaining("unknown controller \"replicaset-controller\"");
    }

    @Test
    void theDeletionLatchIsAnHourByDefaultAGoDurationWhenGivenAndOffAtZero() {
        assertThat(parsed().namespaceFlags.deletionLatch()).isEqualTo(Duration.ofHours(1));
        assertThat(parsed("--namespace-deletion-latch", "90s").namespaceFlags.options().deletionLatch()).isEqualTo(Duration.ofSeconds(90));
        assertThat(parsed("--namespace-deletion-latch=0").namespaceFlags.options().deletionLatch()).isZero();
        assertThatThrownBy(() -> parsed("--namespace-deletion-latch", "soon").namespaceFlags.deletionLatch())
                .hasMessageContaining("--namespace-deletion-latch");
    }

    @Test
    void serveTakesTheSameLatchFlag() {
        ServeCommand serve = new ServeCommand();
        CommandLine.ParseResult result = new CommandLine(serve).parseArgs("--namespace-deletion-latch", "5m");
        assertThat(result.matchedOptionValue("--namespace-deletion-latch", "")).isEqualTo("5m");
    }

    @Test
    void anUnreadableKubeconfigOrABadFlagStopsTheCommandWithAMessageAndExit1() throws Exception {
        Path notAKubeconfig = Files.writeString(dir.resolve("config"), "just: text\n");
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new ControllersCommand()).setErr(new PrintWriter(err));

        assertThat(cli.execute("--kubeconfig", notAKubeconfig.toString())).isEqualTo(1);
        assertThat(err.toString()).startsWith("caravel controllers: ").contains(notAKubeconfig.toString());

        err.getBuffer().setLength(0);
        assertThat(cli.execute("--kubeconfig", notAKubeconfig.toString(), "--namespace-deletion-latch", "1 hour")).isEqualTo(1);
        assertThat(err.toString()).contains("--namespace-deletion-latch: invalid duration");
    }
}
