package dev.caravel.cli;

import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.garbagecollector.GarbageCollector;
import dev.caravel.controllers.namespace.NamespaceController;
import dev.caravel.controllers.podtermination.PodTerminationController;
import dev.caravel.controllers.serviceaccount.ServiceAccountController;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.rocksdb.RocksDbStore;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the API server on the embedded durable store, writes a kubeconfig for it and prints how to
 * use it. The controllers (namespaces, service accounts, pod termination, garbage collection) run in the same process as clients of
 * the server's own URL, unless {@code --no-controllers}. On stop the controllers stop first, then
 * the server (no request in flight writes after that), then the store. SIGTERM and SIGINT stop it
 * that way and the process exits 0; a failure to stop cleanly shows as a non-zero exit.
 *
 * <p>The default port is 6443, Kubernetes' secure port, though it serves plain HTTP until TLS is
 * built: clients then keep their usual port, and the kubeconfig's {@code http://} says the truth.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run the Caravel API server on the embedded durable store (RocksDB).")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("cli.serve");

    @Option(names = "--data-dir", defaultValue = "data",
            description = "Folder of the embedded store (created if missing). Default: ${DEFAULT-VALUE}")
    private Path dataDir;

    @Option(names = "--host", defaultValue = "127.0.0.1", description = "Address to listen on. Default: ${DEFAULT-VALUE}")
    private String host;

    @Option(names = "--port", defaultValue = "6443",
            description = "Port to listen on, plain HTTP (0 picks a free one). Default: ${DEFAULT-VALUE}")
    private int port;

    @picocli.CommandLine.Mixin
    private AuditFlags audit = new AuditFlags();

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--consistent-list-from-cache", negatable = true, defaultValue = "true", fallbackValue = "true",
            arity = "0..1",
            description = "Serve lists without a resourceVersion (consistent reads) from the watch cache once it has "
                    + "caught up with storage, as Kubernetes 1.31+ does. --consistent-list-from-cache=false (or "
                    + "--no-consistent-list-from-cache) sends them to storage, as before 1.31. Default: ${DEFAULT-VALUE}")
    private boolean consistentListFromCache;

    @Option(names = "--no-controllers",
            description = "Do not run the controllers (namespace deletion, default service accounts, the end of pods' grace periods, garbage collection) in this process; run them elsewhere or not at all.")
    private boolean noControllers;

    @picocli.CommandLine.Mixin
    private NamespaceControllerFlags namespaceFlags = new NamespaceControllerFlags();

    /** Whether consistent lists are served from the watch cache, as the options say. */
    boolean consistentListFromCache() {
        return consistentListFromCache;
    }

    @Override
    public Integer call() throws Exception {
        // Flags and files first: a bad policy stops the server before it opens the store or binds.
        AuditConfig auditConfig;
        NamespaceController.Options namespaceOptions;
        try {
            auditConfig = audit.toConfig();
            namespaceOptions = namespaceFlags.options();
        } catch (IllegalArgumentException | dev.caravel.audit.policy.InvalidAuditPolicyException e) {
            spec.commandLine().getErr().println("caravel serve: " + e.getMessage());
            return 1;
        }
        Path directory = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(directory);
        // Installed first, so a signal during the start is kept and honoured once it is done.
        CountDownLatch stopRequested = new CountDownLatch(1);
        StopSignals.onTerminateOrInterrupt(signal -> {
            log.info("cli.serve: {} received, shutting down gracefully", signal);
            stopRequested.countDown();
        });
        KeyValueStore store = RocksDbStore.open(directory);
        // Tokens stay valid across restarts: the signing key lives beside the store.
        CaravelServer server = new CaravelServer(new CaravelServer.Config(host, port, store).withAudit(auditConfig)
                .withServiceAccountKeyFile(directory.resolve("service-account-key.pem"))
                .withConsistentListFromCache(consistentListFromCache));
        InetSocketAddress address;
        try {
            address = server.start();
        } catch (java.io.UncheckedIOException e) {
            // The audit log cannot be opened (a missing permission, a directory): say so, do not serve.
            store.close();
            spec.commandLine().getErr().println("caravel serve: " + e.getMessage());
            return 1;
        } catch (Exception e) {
            store.close();
            throw e;
        }
        ApiClient controllerClient = null;
        NamespaceController namespaceController = null;
        ServiceAccountController serviceAccountController = null;
        PodTerminationController podTerminationController = null;
        GarbageCollector garbageCollector = null;
        if (!noControllers) {
            controllerClient = new ApiClient(ApiClient.Config.of(server.url()));
            namespaceController = new NamespaceController(controllerClient, namespaceOptions);
            namespaceController.start();
            serviceAccountController = new ServiceAccountController(controllerClient);
            serviceAccountController.start();
            podTerminationController = new PodTerminationController(controllerClient);
            podTerminationController.start();
            garbageCollector = new GarbageCollector(controllerClient);
            garbageCollector.start();
        }
        ApiClient clientToClose = controllerClient;
        NamespaceController controllerToClose = namespaceController;
        ServiceAccountController serviceAccountsToClose = serviceAccountController;
        PodTerminationController podTerminationToClose = podTerminationController;
        GarbageCollector garbageCollectorToClose = garbageCollector;
        // One stop, run once, by whichever comes first: SIGTERM or SIGINT (then call() returns 0, as
        // kube-apiserver exits 0 after a graceful shutdown), or any other JVM exit (the hook).
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (!stopping.compareAndSet(false, true)) {
                return;
            }
            if (controllerToClose != null) {
                log.info("cli.serve: stopping the controllers");
                garbageCollectorToClose.close();
                podTerminationToClose.close();
                serviceAccountsToClose.close();
                controllerToClose.close();
                clientToClose.close();
            }
            log.info("cli.serve: stopping the API server, then the embedded store at {}", directory);
            server.close();
            store.close();
        };
        Runtime.getRuntime().addShutdownHook(new Thread(stop, "caravel-shutdown"));
        Path kubeconfig = Kubeconfig.write(directory.resolve("kubeconfig"), server.url());
        System.out.printf("export KUBECONFIG=%s%n", kubeconfig);
        System.out.printf("Caravel is ready: API server at %s (plain HTTP, no authentication), embedded store at %s, revision %d%s%s.%n",
                server.url(), directory, store.currentRevision(), noControllers ? ", controllers off" : "",
                auditConfig.enabled() ? ", auditing to " + audit.destinations() : "");
        log.info("cli.serve: listening on {}", address);
        stopRequested.await();
        stop.run();
        log.info("cli.serve: stopped");
        return 0;
    }
}
