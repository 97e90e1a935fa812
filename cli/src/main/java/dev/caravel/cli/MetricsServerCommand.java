package dev.caravel.cli;

import dev.caravel.controllers.client.ApiClient;
import dev.caravel.controllers.client.KubeconfigFile;
import dev.caravel.metricsserver.FrontProxy;
import dev.caravel.metricsserver.MetricsServer;
import dev.caravel.tls.Pem;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.List;
import java.util.Set;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs the metrics server (metrics.k8s.io/v1beta1, simulated usage) as its own process, a client of
 * the API server named by a kubeconfig, as kubernetes-sigs/metrics-server runs beside a cluster. The
 * API server reaches it through an APIService; its flags keep metrics-server's names. SIGTERM and
 * SIGINT stop it and it exits 0, like {@code caravel serve}.
 */
@Command(name = "metrics-server", mixinStandardHelpOptions = true,
        description = "Serve the resource metrics API (metrics.k8s.io/v1beta1, for kubectl top) over HTTPS, with usage "
                + "simulated from the pods' requests, reading nodes and pods from an API server.")
final class MetricsServerCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("cli.metrics-server");

    @Option(names = "--kubeconfig", description = "Kubeconfig of the API server to read nodes and pods from. "
            + "Default: $KUBECONFIG, else ~/.kube/config")
    private Path kubeconfig;

    @Option(names = "--context", description = "Context of the kubeconfig to use. Default: its current-context")
    private String context;

    @Option(names = "--bind-address", defaultValue = "127.0.0.1",
            description = "Address to listen on; loopback by default, since callers are authenticated only with "
                    + "--requestheader-client-ca-file. Default: ${DEFAULT-VALUE}")
    private String bindAddress;

    @Option(names = "--secure-port", defaultValue = "4443",
            description = "HTTPS port (0 picks a free one). Default: ${DEFAULT-VALUE}")
    private int securePort;

    @Option(names = "--tls-cert-file", required = true,
            description = "PEM serving certificate (then its chain); reloaded when the file changes.")
    private Path certificateFile;

    @Option(names = "--tls-private-key-file", required = true,
            description = "PEM private key of the certificate; reloaded when the file changes.")
    private Path keyFile;

    @Option(names = "--metric-resolution", defaultValue = "15s",
            description = "Interval between simulated samples, as Go writes durations (15s, 1m). Default: ${DEFAULT-VALUE}")
    private String metricResolution;

    @Option(names = "--requestheader-client-ca-file",
            description = "PEM CA of the aggregator's front-proxy client certificates. When set, only connections presenting "
                    + "one are served (their X-Remote-User is believed), 401 otherwise; health probes excepted. "
                    + "Default: none, every caller is served")
    private Path requestHeaderClientCaFile;

    @Option(names = "--requestheader-allowed-names", split = ",",
            description = "Common names allowed for front-proxy client certificates (comma-separated). Default: any the CA signed")
    private List<String> requestHeaderAllowedNames = List.of();

    @picocli.CommandLine.Spec
    private picocli.CommandLine.Model.CommandSpec spec;

    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private volatile MetricsServer running;

    /** Ends {@link #call()} as a SIGTERM would; for tests that run the command in-process. */
    void requestStop() {
        stopRequested.countDown();
    }

    /** The server while the command runs, null before and after. */
    MetricsServer running() {
        return running;
    }

    @Override
    public Integer call() throws Exception {
        MetricsServer.Config config;
        Path kubeconfigFile = kubeconfig != null ? kubeconfig : KubeconfigFile.defaultPath();
        try {
            Duration resolution = GoDuration.parse("--metric-resolution", metricResolution);
            ApiClient.Config api = ApiClient.Config.fromKubeconfig(kubeconfigFile, context);
            FrontProxy frontProxy = null;
            if (requestHeaderClientCaFile != null) {
                frontProxy = new FrontProxy(Pem.certificates(Files.readString(requestHeaderClientCaFile, StandardCharsets.US_ASCII)),
                        Set.copyOf(requestHeaderAllowedNames));
            } else if (!requestHeaderAllowedNames.isEmpty()) {
                throw new IllegalArgumentException("--requestheader-allowed-names needs --requestheader-client-ca-file");
            }
            config = new MetricsServer.Config(bindAddress, securePort, certificateFile, keyFile, api, resolution, null, null,
                    frontProxy);
        } catch (IllegalArgumentException | IOException e) {
            spec.commandLine().getErr().println("caravel metrics-server: " + e.getMessage());
            return 1;
        }
        StopSignals.onTerminateOrInterrupt(signal -> {
            log.info("cli.metrics-server: {} received, shutting down", signal);
            stopRequested.countDown();
        });
        MetricsServer server = new MetricsServer(config);
        InetSocketAddress address;
        try {
            address = server.start();
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("caravel metrics-server: the serving certificate: " + e.getMessage());
            return 1;
        }
        AtomicBoolean stopping = new AtomicBoolean();
        Runnable stop = () -> {
            if (stopping.compareAndSet(false, true)) {
                log.info("cli.metrics-server: stopping");
                server.close();
            }
        };
        Thread hook = new Thread(stop, "caravel-metrics-server-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        running = server;
        spec.commandLine().getOut().printf("Caravel metrics server is ready: %s (metrics.k8s.io/v1beta1, simulated usage), "
                + "reading nodes and pods from %s.%n", server.url(), config.api().baseUrl());
        spec.commandLine().getOut().flush();
        log.info("cli.metrics-server: listening on {}", address);
        stopRequested.await();
        running = null;
        stop.run();
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException shuttingDown) {
            // The JVM is exiting anyway; the hook found the server already stopped.
        }
        log.info("cli.metrics-server: stopped");
        return 0;
    }
}
