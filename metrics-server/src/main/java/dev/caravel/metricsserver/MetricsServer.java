package dev.caravel.metricsserver;

import dev.caravel.apiserver.api.Status;
import dev.caravel.apiserver.api.StatusDetails;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.controllers.client.ApiClient;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The metrics server: informers on the cluster's nodes and pods, the {@code metrics.k8s.io/v1beta1}
 * API over them, {@code /healthz}, {@code /livez}, {@code /readyz} and {@code /metrics}, served over
 * HTTPS with a certificate reloaded from its files.
 *
 * <p>Requests proxied by the aggregator carry the user in {@code X-Remote-User}. Without a {@link
 * FrontProxy} the server accepts every caller and believes the header (for its debug log only);
 * with one, only connections presenting a front-proxy client certificate with an allowed name are
 * served, 401 otherwise, health probes excepted. Nothing is authorized beyond that: whoever is
 * authenticated reads all usage. It binds to loopback unless told otherwise.
 */
public final class MetricsServer implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger("metrics-server");

    /**
     * @param bindAddress        where to listen; kube's default for metrics-server is every address,
     *                           ours loopback, since nothing here authenticates the caller
     * @param securePort         the HTTPS port, 0 for a free one
     * @param certificateFile    PEM certificate (chain), reloaded on change
     * @param keyFile            PEM private key, reloaded on change
     * @param api                how to reach the API server whose nodes and pods are measured
     * @param metricResolution   the interval between simulated samples (metrics-server's --metric-resolution)
     * @param certificatePoll    how often the certificate files are compared with what is served
     * @param clock              the time of samples, timestamps and certificate expiry checks
     * @param frontProxy         who may speak for users through {@code X-Remote-User}; null to
     *                           believe any caller and authenticate nobody
     */
    public record Config(String bindAddress, int securePort, Path certificateFile, Path keyFile, ApiClient.Config api,
                         Duration metricResolution, Duration certificatePoll, Clock clock, FrontProxy frontProxy) {

        public Config(String bindAddress, int securePort, Path certificateFile, Path keyFile, ApiClient.Config api,
                      Duration metricResolution, Duration certificatePoll, Clock clock) {
            this(bindAddress, securePort, certificateFile, keyFile, api, metricResolution, certificatePoll, clock, null);
        }

        public Config {
            Objects.requireNonNull(bindAddress, "bindAddress");
            Objects.requireNonNull(certificateFile, "certificateFile");
            Objects.requireNonNull(keyFile, "keyFile");
            Objects.requireNonNull(api, "api");
            metricResolution = metricResolution == null ? Duration.ofSeconds(15) : metricResolution;
            certificatePoll = certificatePoll == null ? Duration.ofSeconds(1) : certificatePoll;
            clock = clock == null ? Clock.systemUTC() : clock;
            if (metricResolution.toMillis() <= 0) {
                throw new IllegalArgumentException("metric resolution must be positive: " + metricResolution);
            }
        }

        /** Loopback, a free port, metrics-server's defaults for the rest. */
        public static Config loopback(Path certificateFile, Path keyFile, ApiClient.Config api) {
            return new Config("127.0.0.1", 0, certificateFile, keyFile, api, null, null, null);
        }

        public Config withClock(Clock newClock) {
            return new Config(bindAddress, securePort, certificateFile, keyFile, api, metricResolution, certificatePoll, newClock,
                    frontProxy);
        }

        public Config withFrontProxy(FrontProxy newFrontProxy) {
            return new Config(bindAddress, securePort, certificateFile, keyFile, api, metricResolution, certificatePoll, clock,
                    newFrontProxy);
        }
    }

    // Answered to anyone, as metrics-server's --authorization-always-allow-paths: probes carry no certificate.
    private static final java.util.Set<String> HEALTH_PATHS = java.util.Set.of("/healthz", "/livez", "/readyz");
    private static final StatusDetails NO_DETAILS = new StatusDetails("", "", "", "", List.of(), 0);

    private final Config config;
    private final MetricsServerMetrics metrics = new MetricsServerMetrics();
    private ApiClient client;
    private ClusterState cluster;
    private ServingCertificate certificate;
    private HttpsServer https;
    private MetricsApi api;
    private InetSocketAddress address;

    public MetricsServer(Config config) {
        this.config = config;
    }

    /**
     * Loads the certificate, starts the informers and listens.
     *
     * @throws IllegalArgumentException when the certificate or key cannot be loaded
     */
    public synchronized InetSocketAddress start() throws InterruptedException {
        certificate = new ServingCertificate(config.certificateFile(), config.keyFile(), config.certificatePoll(),
                config.frontProxy() == null ? List.of() : config.frontProxy().clientAuthorities(), metrics, config.clock());
        try {
            client = new ApiClient(config.api());
            cluster = new ClusterState(client);
            cluster.start();
            api = new MetricsApi(cluster, new SimulatedUsage(), config.clock(), config.metricResolution(), metrics);
            https = new HttpsServer(certificate::current, this::handle);
            address = https.start(config.bindAddress(), config.securePort());
            certificate.onReload(https::closeConnectionsAfterTheirRequests);
        } catch (RuntimeException | InterruptedException e) {
            close();
            throw e;
        }
        log.info("metrics-server: serving metrics.k8s.io/v1beta1 on https://{}:{} (simulated usage) for the API server at {}",
                address.getHostString(), address.getPort(), config.api().baseUrl());
        return address;
    }

    /** {@code https://host:port} of the running server. */
    public String url() {
        return "https://" + address.getHostString() + ":" + address.getPort();
    }

    /** Whether the informers have listed the cluster once: what /readyz reports. */
    public boolean isReady() {
        return cluster != null && cluster.hasSynced();
    }

    /** The certificate served to new connections now. */
    public X509Certificate servingCertificate() {
        return certificate.certificate();
    }

    MetricsResponse handle(MetricsRequest request) {
        try {
            boolean health = HEALTH_PATHS.contains(request.path());
            String user = request.user();
            if (config.frontProxy() != null) {
                user = config.frontProxy().user(request.client(), request.user()).orElse("");
                if (user.isEmpty() && !health) {
                    log.debug("metrics-server: {} {} refused: no front-proxy client certificate with an allowed name and a user "
                            + "(client {})", request.method(), request.path(), request.client().isEmpty() ? "(none)" : request.client());
                    return MetricsResponse.status(Status.failure(401, StatusReason.UNAUTHORIZED, "Unauthorized", NO_DETAILS));
                }
            }
            log.debug("metrics-server: {} {} from user {}", request.method(), request.path(), user.isEmpty() ? "(none)" : user);
            return switch (request.path()) {
                case "/healthz", "/livez" -> MetricsResponse.text(200, "ok");
                case "/readyz" -> isReady() ? MetricsResponse.text(200, "ok")
                        : MetricsResponse.text(500, "[-]informer-sync failed: nodes and pods not listed yet\nreadyz check failed");
                case "/metrics" -> new MetricsResponse(200, metrics.textContentType(), metrics.scrapeText());
                default -> {
                    if (!MetricsApi.serves(request.path())) {
                        throw MetricsApi.notFound();
                    }
                    yield api.handle(request);
                }
            };
        } catch (StatusException e) {
            return MetricsResponse.status(e.status());
        } catch (RuntimeException e) {
            log.error("metrics-server: {} {} failed (a bug)", request.method(), request.path(), e);
            return MetricsResponse.status(Status.failure(500, StatusReason.INTERNAL_ERROR,
                    "Internal error occurred: " + e, NO_DETAILS));
        }
    }

    @Override
    public synchronized void close() {
        if (https != null) {
            https.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        if (client != null) {
            client.close();
        }
        if (certificate != null) {
            certificate.close();
        }
    }
}
