package dev.caravel.cli;

import dev.caravel.controllers.namespace.NamespaceController;
import java.time.Duration;
import picocli.CommandLine.Option;

/**
 * The namespace controller's flags, shared by {@code caravel serve} (controllers in the server's
 * process) and {@code caravel controllers} (on their own): today the deletion latch, Caravel's
 * addition to Kubernetes' namespace deletion (docs/decisions/0025).
 */
final class NamespaceControllerFlags {

    @Option(names = "--namespace-deletion-latch", paramLabel = "DURATION", defaultValue = "1h",
            description = "How long a namespace's deletion may stay blocked (discovery of a group failing, content that cannot "
                    + "be deleted) before the namespace controller latches it: it then deletes nothing more, even once the block "
                    + "lifts, until the annotation caravel.dev/confirm-deletion is set to a time after the latch engaged. "
                    + "0 turns the latch off (Kubernetes' behaviour). Go duration, e.g. 30m, 1h. Default: ${DEFAULT-VALUE}")
    String deletionLatch;

    /** @throws IllegalArgumentException naming the flag when its value is not a Go duration */
    Duration deletionLatch() {
        return GoDuration.parse("--namespace-deletion-latch", deletionLatch);
    }

    NamespaceController.Options options() {
        return NamespaceController.Options.defaults().withDeletionLatch(deletionLatch());
    }
}
