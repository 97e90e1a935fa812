package dev.caravel.cli.replay;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code caravel replay}: the control-plane incidents of MISSION.md, replayed end to end. */
@Command(name = "replay", mixinStandardHelpOptions = true,
        description = "Replay an incident of MISSION.md on a Caravel of its own, with the real kubectl and helm.",
        subcommands = IncidentOneCommand.class)
public final class ReplayCommand implements Runnable {

    @CommandLine.Spec
    private CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(System.out);
    }
}
