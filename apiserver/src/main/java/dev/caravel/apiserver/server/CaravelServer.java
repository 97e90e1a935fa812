package dev.caravel.apiserver.server;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.cache.WatchCache;
import dev.caravel.apiserver.discovery.DiscoveryDocuments;
import dev.caravel.apiserver.http.HttpServer;
import dev.caravel.apiserver.http.NonResourceEndpoints;
import dev.caravel.apiserver.http.RequestPipeline;
import dev.caravel.apiserver.http.Router;
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
import java.time.Clock;
import java.util.Objects;

/**
 * The API server, assembled: the catalogue of built-in resources, their registry over the given
 * store, the request pipeline and the HTTP server. {@link #start()} creates the system
 * namespaces and binds; {@link #close()} stops serving (the store stays open: its owner closes it).
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
     * @param watchCache the watch caches' sizes and intervals
     */
    public record Config(String host, int port, KeyValueStore store, boolean consistentListFromCache,
                         WatchCache.Config watchCache) {
        public Config(String host, int port, KeyValueStore store) {
            this(host, port, store, true);
        }

        public Config(String host, int port, KeyValueStore store, boolean consistentListFromCache) {
            this(host, port, store, consistentListFromCache, WatchCache.Config.defaults());
        }

        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(store, "store");
            Objects.requireNonNull(watchCache, "watchCache");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public static Config loopback(int port, KeyValueStore store) {
            return new Config("127.0.0.1", port, store);
        }

        public Config withConsistentListFromCache(boolean enabled) {
            return new Config(host, port, store, enabled, watchCache);
        }

        /** The watch caches' window, watcher buffers and intervals (tests make them small). */
        public Config withWatchCache(WatchCache.Config cacheConfig) {
            return new Config(host, port, store, consistentListFromCache, cacheConfig);
        }
    }

    private final Config config;
    private HttpServer http;
    private InetSocketAddress address;
    private volatile Router router;
    private Registry registry;

    public CaravelServer(Config config) {
        this.config = config;
    }

    /** Starts serving; returns the bound address. */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
        SchemaCatalogue schemas = SchemaCatalogue.kubernetes();
        ObjectValidator validator = ObjectValidator.kubernetes();
        Registry registry = new Registry(config.store(), catalogue, validator, Clock.systemUTC(),
                config.consistentListFromCache(), config.watchCache());
        this.registry = registry;
        registry.startWatchCaches();
        registry.createSystemNamespaces();
        RestHandler rest = new RestHandler(registry, validator, TablePrinter.systemDefault(),
                ProtobufDecoder.forBuiltInTypes(schemas), schemas);
        // Discovery reports the bound address (serverAddressByClientCIDRs), known only after
        // binding when the port is 0: requests arriving before then are told to retry.
        http = new HttpServer(RequestPipeline.of((request, next) -> {
            Router current = router;
            if (current == null) {
                throw StatusException.serviceUnavailable("the server is starting");
            }
            return current.handle(request, next);
        }));
        address = http.start(config.host(), config.port());
        NonResourceEndpoints endpoints = new NonResourceEndpoints(
                new DiscoveryDocuments(catalogue, address.getHostString() + ":" + address.getPort()),
                new OpenApiDocuments(catalogue, schemas, ServerVersion.GIT_VERSION));
        router = new Router(endpoints, rest);
        return address;
    }

    /** The registry serving the resources (their stores and watch caches); null before {@link #start()}. */
    public Registry registry() {
        return registry;
    }

    /** The URL clients use: {@code http://127.0.0.1:PORT}. */
    public String url() {
        return "http://" + address.getHostString() + ":" + address.getPort();
    }

    @Override
    public synchronized void close() {
        if (http != null) {
            http.close();
            http = null;
        }
        if (registry != null) {
            registry.close();
            registry = null;
        }
    }
}
