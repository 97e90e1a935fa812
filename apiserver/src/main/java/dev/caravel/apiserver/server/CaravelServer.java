package dev.caravel.apiserver.server;

import dev.caravel.apiserver.api.StatusException;
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
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

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
     */
    public record Config(String host, int port, KeyValueStore store, boolean consistentListFromCache) {
        public Config(String host, int port, KeyValueStore store) {
            this(host, port, store, true);
        }

        public Config {
            Objects.requireNonNull(host, "host");
            Objects.requireNonNull(store, "store");
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException("port out of range: " + port);
            }
        }

        public static Config loopback(int port, KeyValueStore store) {
            return new Config("127.0.0.1", port, store);
        }

        public Config withConsistentListFromCache(boolean enabled) {
            return new Config(host, port, store, enabled);
        }
    }

    private final Config config;
    private HttpServer http;
    private InetSocketAddress address;
    private volatile Router router;

    public CaravelServer(Config config) {
        this.config = config;
    }

    /** Starts serving; returns the bound address. */
    public synchronized InetSocketAddress start() throws InterruptedException {
        if (http != null) {
            throw new IllegalStateException("already started");
        }
        // The catalogues, validators and registry (with the system namespaces) are built on a
        // second thread while this one loads Netty and binds: both halves are mostly class loading
        // and one-time parsing, independent until the router joins them, and a fresh JVM spends
        // most of its start there (docs/decisions/0020).
        CompletableFuture<StartParts> parts = CompletableFuture.supplyAsync(() -> StartParts.load(config.store()),
                task -> Thread.ofPlatform().name("caravel-start").daemon().start(task));
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
        StartParts loaded;
        try {
            loaded = parts.join();
        } catch (CompletionException e) {
            http.close();
            http = null;
            throw e.getCause() instanceof RuntimeException runtime ? runtime : e;
        }
        ResourceCatalogue catalogue = loaded.catalogue();
        SchemaCatalogue schemas = loaded.schemas();
        ObjectValidator validator = loaded.validator();
        RestHandler rest = new RestHandler(loaded.registry(), validator, TablePrinter.systemDefault(),
                ProtobufDecoder.forBuiltInTypes(schemas), schemas);
        NonResourceEndpoints endpoints = new NonResourceEndpoints(
                new DiscoveryDocuments(catalogue, address.getHostString() + ":" + address.getPort()),
                new OpenApiDocuments(catalogue, schemas, ServerVersion.GIT_VERSION));
        router = new Router(endpoints, rest);
        return address;
    }

    /** What the server is built from that takes a fresh JVM time to load: built together, off the binding thread. */
    private record StartParts(ResourceCatalogue catalogue, SchemaCatalogue schemas, ObjectValidator validator,
                              Registry registry) {
        static StartParts load(KeyValueStore store) {
            SchemaCatalogue schemas = SchemaCatalogue.kubernetes();
            ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
            ObjectValidator validator = ObjectValidator.kubernetes();
            Registry registry = new Registry(store, catalogue, validator, Clock.systemUTC());
            registry.createSystemNamespaces();
            return new StartParts(catalogue, schemas, validator, registry);
        }
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
    }
}
