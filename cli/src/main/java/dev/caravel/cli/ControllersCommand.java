package dev.caravel.cli;

import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.garbagecollector.GarbageCollector;
import dev.caravel.controllers.namespace.NamespaceController;
import dev.caravel.controllers.podtermination.PodTerminationController;
import dev.caravel.controllers.serviceaccount.ServiceAccountController;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * Runs Caravel's controllers in a process of their own, against the cluster a kubeconfig names:
 * a Caravel started with {@code --no-controllers}, or any Kubernetes cluster (the controllers are
 * clients of the API and nothing more). Which ones run is chosen as kube-controller-manager's
 * {@code --controllers} does: {@code *} for all, a name to add one, {@code -name} to leave one out.
 * SIGTERM or SIGINT stops them and the process exits 0.
 */
@Command(name = "controllers", mixinStandardHelpOptions = true,
        description = "Run Caravel's controllers on their own against a cluster read from a kubeconfig.")
final class ControllersCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("cli.controllers");

    static final String NAMESPACE = "namespace-controller";
    static final String SERVICE_ACCOUNT = "serviceaccount-controller";
    static final String POD_TERMINATION = "pod-termination-controller";
    static final String GARBAGE_COLLECTOR = "garbage-collector-controller";
    static final List<String> ALL = List.of(NAMESPACE, SERVICE_ACCOUNT, POD_TERMINATION, GARBAGE_COLLECTOR);

    @Option(names = "--kubeconfig", paramLabel = "FILE",
            description = "The kubeconfig to read the server, its CA and the credentials from. Default: $KUBECONFIG, else ~/.kube/config")
    Path kubeconfig;

    @Option(names = "--context", paramLabel = "NAME", description = "The kubeconfig context to use. Default: its current-context")
    String context;

    @Option(names = "--controllers", paramLabel = "NAMES", split = ",", defaultValue = "*",
            description = "Controllers to run: * for all, a name to enable one, -name to disable one; known: "
                    + "namespace-controller, serviceaccount-controller, pod-termination-controller (the kubelet's part, for "
                    + "clusters without kubelets), garbage-collector-controller. Default: ${DEFAULT-VALUE}")
    List<String> controllers;

    @Mixin
    NamespaceControllerFlags namespaceFlags = new NamespaceControllerFlags();

    @Spec
    CommandSpec spec;

    /** The controllers the flag selects, in start order; unknown names are refused. */
    static Set<String> selected(List<String> flag) {
        Set<String> chosen = new LinkedHashSet<>();
        List<String> disabled = new ArrayList<>();
        for (String raw : flag) {
            String name = raw.strip();
            if (name.equals("*")) {
                chosen.addAll(ALL);
            } else if (name.startsWith("-") && ALL.contains(name.substring(1))) {
                disabled.add(name.substring(1));
            } else if (ALL.contains(name)) {
                chosen.add(name);
            } else {
                throw new IllegalArgumentException("--controllers: unknown controller \"" + name + "\" (known: "
                        + String.join(", ", ALL) + ")");
            }
        }
        chosen.removeAll(disabled);
        Set<String> ordered = new LinkedHashSet<>();
        ALL.stream().filter(chosen::contains).forEach(ordered::add);
        return ordered;
    }

    @Override
    public Integer call() throws Exception {
        Set<String> enabled;
        NamespaceController.Options namespaceOptions;
        ApiClient.Config config;
        Path file = kubeconfig != null ? kubeconfig : dev.caravel.controllers.client.KubeconfigFile.defaultPath();
        try {
            enabled = selected(controllers);
            namespaceOptions = namespaceFlags.options();
            config = ApiClient.Config.fromKubeconfig(file, context);
        } catch (IllegalArgumentException | java.io.IOException e) {
            spec.commandLine().getErr().println("caravel controllers: " + e.getMessage());
            return 1;
        }
        if (enabled.isEmpty()) {
            spec.commandLine().getErr().println("caravel controllers: --controllers leaves no controller to run");
            return 1;
        }
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.onTerminateOrInterrupt(signal -> {
            log.info("cli.controllers: {} received, stopping the controllers", signal);
            stopRequested.countDown();
        });
        ApiClient client = new ApiClient(config);
        List<AutoCloseable> running = new ArrayList<>();
        try {
            for (String name : enabled) {
                running.add(0, start(name, client, namespaceOptions));
            }
            System.out.printf("caravel controllers: running %s against %s (kubeconfig %s)%n", String.join(", ", enabled),
                    config.baseUrl(), file);
            stopRequested.await();
        } finally {
            for (AutoCloseable controller : running) {
                controller.close();
            }
            client.close();
        }
        log.info("cli.controllers: stopped");
        return 0;
    }

    private static AutoCloseable start(String name, ApiClient client, NamespaceController.Options namespaceOptions) throws Exception {
        switch (name) {
            case NAMESPACE -> {
                NamespaceController controller = new NamespaceController(client, namespaceOptions);
                controller.start();
                return controller;
            }
            case SERVICE_ACCOUNT -> {
                ServiceAccountController controller = new ServiceAccountController(client);
                controller.start();
                return controller;
            }
            case POD_TERMINATION -> {
                PodTerminationController controller = new PodTerminationController(client);
                controller.start();
                return controller;
            }
            default -> {
                GarbageCollector controller = new GarbageCollector(client);
                controller.start();
                return controller;
            }
        }
    }
}
