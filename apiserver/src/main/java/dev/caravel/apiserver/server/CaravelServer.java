package dev.caravel.apiserver.server;

import dev.caravel.apiserver.aggregation.Aggregator;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.apiextensions.ApiExtensions;
import dev.caravel.apiserver.audit.AuditConfig;
import dev.caravel.apiserver.audit.AuditStage;
import dev.caravel.apiserver.cache.WatchCache;
import dev.caravel.apiserver.auth.OpenIdEndpoints;
import dev.caravel.apiserver.auth.ServiceAccountKey;
import dev.caravel.apiserver.auth.ServiceAccountTokens;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.metrics.MetricsEndpoint;
import dev.caravel.apiserver.metrics.RequestMetricsStage;
import dev.caravel.apiserver.metrics.ServerMetrics;
import dev.caravel.audit.writer.RequestAuditor;
import dev.caravel.apiserver.discovery.DiscoveryDocuments;
import dev.caravel.apiserver.http.HttpServer;
import dev.caravel.apiserver.http.NonResourceEndpoints;
import dev.caravel.apiserver.http.RequestPipeline;
import dev.caravel.apiserver.http.Router;
import dev.caravel.apiserver.http.Stage;
import dev.caravel.apiserver.http.ServerVersion;
import dev.caravel.apiserver.openapi.OpenApiDocuments;
import dev.caravel.apiserver.printer.TablePrinter;
import dev.caravel.apiserver.protobuf.ProtobufDecoder;
import dev.caravel.apiserver.registry.Registry;
import dev.caravel.apiserver.registry.RestHandler;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.storage.KeyValueStore;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * The API server, assembled: the catalogue of built-in resources, their registry over the given
 * store, the request pipeline and the HTTP server. {@link #start()} creates the system
 * namespaces and binds; {@link #close()} stops serving and flushes the audit log (the store stays
 * open: its owner closes it).
 */
public final class CaravelServer implements AutoCloseable {

    /**
     * @param host  the address to listen on (127.0.0.1 unless told otherwise)
     * @param port  0 for a free port
     * @param store the storage; not closed by the server
     * @param consistentListFromCache whether a list without resourceVersion (a consistent read) is
     *              served from the watch cache once it has caught up with storage, as Kubernetes
     *              does since 1.31 (its ConsistentListFromCache feature); false sends such lists to
     *              storage, which reproduces incident 3 of MISSION.md
     * @param audit the audit policy and backends; {@link AuditConfig#OFF} by default
     * @param serviceAccountKeyFile the PEM file of the key service-account tokens are signed with,
     *              created when missing, so tokens outlive a restart; null keeps a key in memory
     *              that dies with the server (in-process servers)
     * @param watchCache the watch caches' window, watcher buffers and intervals
     * @param aggregation how often and how long APIServices' backends are checked
     */
    public record Config(String host, int port, KeyValueStore store, boolean consistentListFromCache,
                         AuditConfig audit, Path serviceAccountKeyFile, WatchCache.Config watchCache,
                         Aggregator.Config aggregation) {
        public Config(String host, int port, KeyValueStore store) {
            this(host, port, store, true, AuditConfig.OFF, null, WatchCache.Config.defaults(), Aggregator.Config.defaults());
        }

        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(store, "store");
            audit = audit == null ? AuditConfig.OFF : audit;
            watchCache = watchCache == null ? WatchCache.Config.defaults() : watchCache;
            aggregation = aggregation == null ? Aggregator.Config.defaults() : aggregation;
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public static Config loopback(int port, KeyValueStore store) {
            return new Config("127.0.0.1", port, store);
        }

        public Config withConsistentListFromCache(boolean enabled) {
            return new Config(host, port, store, enabled, audit, serviceAccountKeyFile, watchCache, aggregation);
        }

        /** This configuration, auditing as {@code newAudit} says. */
        public Config withAudit(AuditConfig newAudit) {
            return new Config(host, port, store, consistentListFromCache, newAudit, serviceAccountKeyFile, watchCache,
                    aggregation);
        }

        /** This configuration, signing service-account tokens with the key in {@code file}. */
        public Config withServiceAccountKeyFile(Path file) {
            return new Config(host, port, store, consistentListFromCache, audit, file, watchCache, aggregation);
        }

        /** The watch caches' window, watcher buffers and intervals (tests make them small). */
        public Config withWatchCache(WatchCache.Config cacheConfig) {
            return new Config(host, port, store, consistentListFromCache, audit, serviceAccountKeyFile, cacheConfig,
                    aggregation);
        }

        /** APIServices' backends checked as {@code aggregationConfig} says (tests check often). */
        public Config withAggregation(Aggregator.Config aggregationConfig) {
            return new Config(host, port, store, consistentListFromCache, audit, serviceAccountKeyFile, watchCache,
                    aggregationConfig);
        }
    }

    private final Config config;
    private final ServerMetrics metrics = new ServerMetrics();
    private RequestAuditor auditor;
    private HttpServer http;
    private InetSocketAddress address;
    private volatile Stage router;
    /** Set after {@link #router}: until then, requests are answered 503. */
    private volatile Stage auditStage;
    private Registry registry;
    private Aggregator aggregator;
    private ApiExtensions apiExtensions;

    public CaravelServer(Config config) {
        this.config = config;
    }

    /** Starts serving; returns the bound address. */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        // A bad log path fails here, before anything starts: the server does not run half-audited.
        auditor = config.audit().openAuditor(metrics.audit());
        // The catalogues, validators and registry (with the system namespaces) are built on a
        // second thread while this one loads Netty and binds: both halves are mostly class loading
        // and one-time parsing, independent until the router joins them, and a fresh JVM spends
        // most of its start there (docs/decisions/0020).
        CompletableFuture<StartParts> parts = CompletableFuture.supplyAsync(() -> StartParts.load(config),
                task -> Thread.ofPlatform().name("caravel-start").daemon().start(task));
        MetricsEndpoint metricsEndpoint = new MetricsEndpoint(metrics);
        // Discovery reports the bound address (serverAddressByClientCIDRs), known only after
        // binding when the port is 0: requests arriving before then are told to retry. The audit
        // stage reads protobuf bodies with the catalogue, so it too is set once the parts are loaded.
        http = new HttpServer(RequestPipeline.of(
                (request, next) -> {
                    Stage audit = auditStage;
                    if (audit == null) {
                        throw StatusException.serviceUnavailable("the server is starting");
                    }
                    return audit.handle(request, next);
                },
                new RequestMetricsStage(metrics.requests()),
                (request, next) -> {
                    Optional<ApiResponse> metricsAnswer = metricsEndpoint.handle(request);
                    if (metricsAnswer.isPresent()) {
                        return metricsAnswer.get();
                    }
                    return router.handle(request, next);
                }));
        StartParts loaded;
        try {
            address = http.start(config.host(), config.port());
            loaded = parts.join();
            registry = loaded.registry();
        } catch (InterruptedException | RuntimeException e) {
            http.close();
            http = null;
            closeAuditor();
            // The parts may be loaded, or still loading: their watch caches must not outlive a failed start.
            parts.thenAccept(loadedParts -> {
                loadedParts.apiExtensions().close();
                loadedParts.registry().close();
            });
            if (e instanceof CompletionException && e.getCause() instanceof RuntimeException cause) {
                throw cause;
            }
            throw e;
        }
        ResourceCatalogue catalogue = loaded.catalogue();
        SchemaCatalogue schemas = loaded.schemas();
        ObjectValidator validator = loaded.validator();
        ProtobufDecoder protobuf = ProtobufDecoder.forBuiltInTypes(schemas);
        Path keyFile = config.serviceAccountKeyFile();
        ServiceAccountTokens tokens = new ServiceAccountTokens(
                keyFile == null ? ServiceAccountKey::generate : () -> ServiceAccountKey.loadOrCreate(keyFile),
                ServiceAccountTokens.DEFAULT_ISSUER, Clock.systemUTC());
        apiExtensions = loaded.apiExtensions();
        RestHandler rest = new RestHandler(loaded.registry(), validator,
                TablePrinter.systemDefault().withCustomPrinters(apiExtensions::printerFor), protobuf, schemas, tokens);
        aggregator = new Aggregator(loaded.registry(), config.aggregation(), Clock.systemUTC(), metrics.registry());
        Stage aggregationProxy = aggregator.proxy();
        NonResourceEndpoints endpoints = new NonResourceEndpoints(
                new DiscoveryDocuments(catalogue, address.getHostString() + ":" + address.getPort(),
                        aggregator.groupVersions()),
                new OpenApiDocuments(catalogue, schemas, ServerVersion.GIT_VERSION, apiExtensions.openApi()));
        Router resourcesAndDiscovery = new Router(endpoints, rest);
        OpenIdEndpoints openId = new OpenIdEndpoints(tokens, url());
        router = (request, next) -> {
            Optional<ApiResponse> issuerDiscovery = openId.handle(request);
            if (issuerDiscovery.isPresent()) {
                return issuerDiscovery.get();
            }
            // Aggregated group-versions go to their backends; everything else to the server's own handlers.
            return aggregationProxy.handle(request, local -> resourcesAndDiscovery.handle(local, next));
        };
        aggregator.start();
        auditStage = AuditStage.forServer(auditor, catalogue, protobuf);
        apiExtensions.start();
        return address;
    }

    /** What the server is built from that takes a fresh JVM time to load: built together, off the binding thread. */
    private record StartParts(ResourceCatalogue catalogue, SchemaCatalogue schemas, ObjectValidator validator,
                              Registry registry, ApiExtensions apiExtensions) {
        static StartParts load(Config config) {
            SchemaCatalogue schemas = SchemaCatalogue.kubernetes();
            ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
            ObjectValidator validator = ObjectValidator.kubernetes();
            Registry registry = new Registry(config.store(), catalogue, validator, Clock.systemUTC(),
                    config.consistentListFromCache(), config.watchCache());
            ApiExtensions apiExtensions = ApiExtensions.attach(registry, Clock.systemUTC());
            registry.startWatchCaches();
            registry.createSystemNamespaces();
            apiExtensions.serveStored();
            return new StartParts(catalogue, schemas, validator, registry, apiExtensions);
        }
    }

    /** The registry serving the resources (their stores and watch caches); null before {@link #start()}. */
    public Registry registry() {
        return registry;
    }

    /** The URL clients use: {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    /** The server's metrics registry (what /metrics serves). */
    public ServerMetrics metrics() {
        return metrics;
    }

    /** Stops serving, then flushes and closes the audit backends, so the last requests' events are written. */
    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
            http = null;
        }
        if (aggregator != null) {
            aggregator.close();
            aggregator = null;
        }
        if (apiExtensions != null) {
            apiExtensions.close();
            apiExtensions = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
        closeAuditor();
    }

    private void closeAuditor() {
        if (auditor != null) {
            auditor.close();
            auditor = null;
        }
    }
}
