package dev.caravel.cli;

import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * SIGTERM and SIGINT as a request to stop, instead of the JVM's default of running the shutdown
 * hooks and exiting 143 or 130. A service manager (systemd, a container runtime, a test harness)
 * sends SIGTERM and reads a non-zero exit as a failure, while kube-apiserver exits 0 after a
 * graceful shutdown; handling the signal lets {@code caravel serve} finish its stop on the main
 * thread and return 0. The JDK offers no supported API for this; {@code sun.misc.Signal}, in
 * jdk.unsupported, is what servers on the JVM use (see docs/decisions/0020).
 */
final class StopSignals {

    private StopSignals() {}

    private static final Logger log = LoggerFactory.getLogger("cli.signals");

    /**
     * Calls {@code onSignal} with the signal's name ("SIGTERM", "SIGINT") each time one arrives. A
     * signal the JVM keeps for itself (under {@code -Xrs}, or SIGINT under some debuggers) is left
     * to the JVM: the shutdown hook then stops the server, with the JVM's exit code.
     */
    static void onTerminateOrInterrupt(Consumer<String> onSignal) {
        for (String name : new String[] {"TERM", "INT"}) {
            try {
                Signal.handle(new Signal(name), signal -> onSignal.accept("SIG" + signal.getName()));
            } catch (IllegalArgumentException reserved) {
                log.warn("cli.signals: SIG{} cannot be handled here ({}); it stops the server through the shutdown hook",
                        name, reserved.getMessage());
            }
        }
    }
}
