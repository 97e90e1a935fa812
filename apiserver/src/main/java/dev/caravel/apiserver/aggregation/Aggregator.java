package dev.caravel.apiserver.aggregation;

import dev.caravel.apiserver.discovery.AggregatedGroupVersions;
import dev.caravel.apiserver.http.Stage;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.registry.Registry;
import dev.caravel.apiserver.resource.GroupVersion;

import io.prometheus.metrics.model.registry.PrometheusRegistry;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The aggregation layer of one server, assembled: the local APIServices kept in step with the
 * resource catalogue, the availability controller and the watches that wake it, the proxy stage
 * and the aggregated group-versions discovery merges. {@link #start()} after the registry is up;
 * {@link #close()} before it closes.
 */
public final class Aggregator implements AutoCloseable {

    static final GroupVersion APIREGISTRATION_V1 = new GroupVersion("apiregistration.k8s.io", "v1");

    /**
     * @param checkInterval    how often every APIService is checked even when nothing changed
     * @param checkTimeout     how long a backend's discovery check may take (kube-aggregator's is 5 s)
     * @param proxyClient      the front-proxy client certificate presented to every backend, as
     *                         kube-apiserver's {@code --proxy-client-cert-file} and {@code --proxy-client-key-file}
     *                         (a backend with a requestheader client CA believes X-Remote-User only
     *                         from it); null presents none
     */
    public record Config(Duration checkInterval, Duration checkTimeout, ProxyClientCertificate proxyClient) {
        public Config {
            Objects.requireNonNull(checkInterval, "checkInterval");
            Objects.requireNonNull(checkTimeout, "checkTimeout");
            if (checkInterval.isNegative() || checkInterval.isZero() || checkTimeout.isNegative() || checkTimeout.isZero()) {
                throw new IllegalArgumentException("the check interval and timeout must be positive");
            }
        }

        public Config(Duration checkInterval, Duration checkTimeout) {
            this(checkInterval, checkTimeout, null);
        }

        /** A check every 10 seconds (kube-aggregator resyncs each 30 s but also reacts to events), 5 s to answer. */
        public static Config defaults() {
            return new Config(Duration.ofSeconds(10), Duration.ofSeconds(5));
        }

        /** This configuration, presenting {@code certificate} to backends. */
        public Config withProxyClient(ProxyClientCertificate certificate) {
            return new Config(checkInterval, checkTimeout, certificate);
        }
    }

    /** A client certificate chain (leaf first) and its key. */
    public record ProxyClientCertificate(java.util.List<java.security.cert.X509Certificate> chain, java.security.PrivateKey key) {
        public ProxyClientCertificate {
            chain = java.util.List.copyOf(chain);
            Objects.requireNonNull(key, "key");
            if (chain.isEmpty()) {
                throw new IllegalArgumentException("a client certificate chain holds at least the certificate");
            }
        }

        /** Read from PEM files, as kube-apiserver's flags name them. */
        public static ProxyClientCertificate read(java.nio.file.Path certificateFile, java.nio.file.Path keyFile)
                throws java.io.IOException {
            return new ProxyClientCertificate(
                    dev.caravel.tls.Pem.certificates(java.nio.file.Files.readString(certificateFile)),
                    dev.caravel.tls.Pem.privateKey(java.nio.file.Files.readString(keyFile)));
        }
    }

    private final ApiServiceTable table = new ApiServiceTable();
    private final BackendClients clients;
    private final LocalApiServices local;
    private final AvailabilityController availability;
    private final AggregationProxy proxy;
    private final List<StoreChanges> watches;

    /** @param metrics where the availability metrics are registered (the server's /metrics) */
    public Aggregator(Registry registry, Config config, Clock clock, PrometheusRegistry metrics) {
        GenericStore apiServices = registry.store(APIREGISTRATION_V1, "apiservices");
        ServiceResolver resolver = new ServiceResolver(registry);
        this.clients = new BackendClients(clock, config.checkTimeout(), config.proxyClient());
        this.local = new LocalApiServices(registry.catalogue(), apiServices);
        this.availability = new AvailabilityController(apiServices, resolver, clients, table,
                new AvailabilityMetrics(metrics), clock,
                config.checkInterval(), config.checkTimeout());
        this.proxy = new AggregationProxy(table, resolver, clients);
        this.watches = List.of(
                new StoreChanges(apiServices, availability::trigger),
                new StoreChanges(registry.coreStore("services"), availability::trigger),
                new StoreChanges(registry.coreStore("endpoints"), availability::trigger),
                new StoreChanges(registry.store(new GroupVersion("discovery.k8s.io", "v1"), "endpointslices"),
                        availability::trigger));
    }

    /** Creates the local APIServices, then starts checking and watching. */
    public void start() {
        local.start();
        availability.start();
        watches.forEach(StoreChanges::start);
    }

    /** The stage that proxies requests for aggregated group-versions; put it after audit and metrics. */
    public Stage proxy() {
        return proxy;
    }

    /** What discovery merges with the server's own groups. */
    public AggregatedGroupVersions groupVersions() {
        return table;
    }

    @Override
    public void close() {
        watches.forEach(StoreChanges::close);
        availability.close();
        local.close();
        clients.close();
    }
}
