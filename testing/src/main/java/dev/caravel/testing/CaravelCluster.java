package dev.caravel.testing;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Caravel API server running in this JVM on its own in-memory store, as a test sees it: its
 * URL, a kubeconfig (as text and as a file) and clients of the libraries on the classpath.
 *
 * <p>Clients are built on first request and shared for the cluster's life; {@link #close()} closes
 * them, then the server, then the store, and deletes the kubeconfig file. {@link CaravelExtension}
 * owns the clusters it starts; {@link #start()} is for code that manages one by hand:
 *
 * <pre>{@code
 * try (CaravelCluster cluster = CaravelCluster.start()) {
 *     KubernetesClient client = cluster.fabric8Client();
 *     ...
 * }
 * }</pre>
 */
public final class CaravelCluster implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(CaravelCluster.class);

    private final KeyValueStore store;
    private final CaravelServer server;
    private final String url;
    private final String kubeconfig;
    private final Path kubeconfigDirectory;
    private final Path kubeconfigPath;
    // Guarded by this; clients in creation order, closed in reverse.
    private final Map<ClientLibrary, Object> clients = new EnumMap<>(ClientLibrary.class);
    private final List<ClientLibrary> creationOrder = new ArrayList<>();
    private boolean closed;

    private CaravelCluster(KeyValueStore store, CaravelServer server, Path kubeconfigDirectory, Path kubeconfigPath) {
        this.store = store;
        this.server = server;
        this.url = server.url();
        this.kubeconfig = Kubeconfig.render(url);
        this.kubeconfigDirectory = kubeconfigDirectory;
        this.kubeconfigPath = kubeconfigPath;
    }

    /** Starts a server on a fresh in-memory store and a free loopback port, and writes its kubeconfig. */
    public static CaravelCluster start() {
        long startedAt = System.nanoTime();
        KeyValueStore store = MemoryStore.open();
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        Path directory = null;
        try {
            server.start();
            directory = Files.createTempDirectory("caravel-test-");
            Path file = Kubeconfig.write(directory.resolve("kubeconfig"), server.url());
            CaravelCluster cluster = new CaravelCluster(store, server, directory, file);
            log.info("caravel-testing: API server started at {} in {} ms, kubeconfig {}",
                    cluster.url, (System.nanoTime() - startedAt) / 1_000_000, file);
            return cluster;
        } catch (IOException | InterruptedException | RuntimeException e) {
            server.close();
            store.close();
            deleteQuietly(directory);
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            throw new IllegalStateException("caravel-testing: the API server did not start", e);
        }
    }

    /** The server's URL, {@code http://127.0.0.1:PORT}. */
    public String url() {
        return url;
    }

    /** The kubeconfig's text: one cluster, context and user named {@code caravel}, namespace {@code default}. */
    public String kubeconfig() {
        return kubeconfig;
    }

    /** The kubeconfig as a file, for tools that take {@code KUBECONFIG} or {@code --kubeconfig}. Deleted on close. */
    public Path kubeconfigPath() {
        return kubeconfigPath;
    }

    /**
     * A fabric8 {@code io.fabric8.kubernetes.client.KubernetesClient}, shared by the callers of this
     * cluster. Typed as the client so a test without fabric8 can still load this class.
     *
     * @throws IllegalStateException naming the dependency to add, if fabric8 is not on the classpath
     */
    @SuppressWarnings("unchecked")
    public <T> T fabric8Client() {
        return (T) client(ClientLibrary.FABRIC8);
    }

    /**
     * An official-client {@code io.kubernetes.client.openapi.ApiClient}, shared by the callers of
     * this cluster.
     *
     * @throws IllegalStateException naming the dependency to add, if client-java is not on the classpath
     */
    @SuppressWarnings("unchecked")
    public <T> T apiClient() {
        return (T) client(ClientLibrary.OFFICIAL);
    }

    synchronized Object client(ClientLibrary library) {
        if (closed) {
            throw new IllegalStateException("caravel-testing: the cluster at " + url + " is closed");
        }
        Object client = clients.get(library);
        if (client == null) {
            library.requirePresent();
            client = switch (library) {
                case FABRIC8 -> Fabric8Clients.create(kubeconfig);
                case OFFICIAL -> OfficialClients.create(kubeconfig);
            };
            clients.put(library, client);
            creationOrder.add(library);
        }
        return client;
    }

    /** Closes the clients, the server and the store, and deletes the kubeconfig. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (int i = creationOrder.size() - 1; i >= 0; i--) {
            ClientLibrary library = creationOrder.get(i);
            try {
                switch (library) {
                    case FABRIC8 -> Fabric8Clients.close(clients.get(library));
                    case OFFICIAL -> OfficialClients.close(clients.get(library));
                }
            } catch (RuntimeException e) {
                log.warn("caravel-testing: closing the {} client of {} failed", library, url, e);
            }
        }
        server.close();
        store.close();
        deleteQuietly(kubeconfigDirectory);
        log.info("caravel-testing: API server at {} stopped", url);
    }

    private static void deleteQuietly(Path directory) {
        if (directory == null) {
            return;
        }
        try {
            Files.deleteIfExists(directory.resolve("kubeconfig"));
            Files.deleteIfExists(directory);
        } catch (IOException e) {
            log.warn("caravel-testing: cannot delete {}", directory, new UncheckedIOException(e));
        }
    }
}
