package dev.caravel.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code caravel} command. Subcommands run the control plane and its tools. */
@Command(name = "caravel", mixinStandardHelpOptions = true, version = "caravel 0.1.0",
        description = "A Kubernetes control plane in Java.",
        subcommands = {ServeCommand.class, ControllersCommand.class, AuditCommand.class, dev.caravel.cli.replay.ReplayCommand.class,
                MetricsServerCommand.class})
public final class CaravelCommand implements Runnable {

    @Override
    public void run() {
        new CommandLine(this).usage(System.out);
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new CaravelCommand()).execute(args));
    }
}
