package dev.caravel.apiserver.server;

import dev.caravel.apiserver.registry.Registry;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.io.IOException;
import java.nio.file.Path;
import java.util.function.UnaryOperator;

/**
 * A Caravel server on 127.0.0.1 (a free port) and its own memory store, as the end-to-end tests
 * start one for a test class; closing it closes both, the server first so that it flushes what it
 * writes (an audit log) while the store is still open.
 */
public final class LoopbackServer implements AutoCloseable {

    private final KeyValueStore store;
    private final CaravelServer server;

    private LoopbackServer(KeyValueStore store, CaravelServer server) {
        this.store = store;
        this.server = server;
    }

    public static LoopbackServer start() throws InterruptedException {
        return start(config -> config);
    }

    /** A server whose loopback configuration {@code configure} changes first (audit, aggregation...). */
    public static LoopbackServer start(UnaryOperator<CaravelServer.Config> configure) throws InterruptedException {
        KeyValueStore store = MemoryStore.open();
        CaravelServer server = new CaravelServer(configure.apply(CaravelServer.Config.loopback(0, store)));
        try {
            server.start();
        } catch (InterruptedException | RuntimeException e) {
            server.close();
            store.close();
            throw e;
        }
        return new LoopbackServer(store, server);
    }

    public CaravelServer server() {
        return server;
    }

    public Registry registry() {
        return server.registry();
    }

    public String url() {
        return server.url();
    }

    /** Writes a kubeconfig for this server to {@code file}, for kubectl and helm, and returns it. */
    public Path writeKubeconfig(Path file) throws IOException {
        return Kubeconfig.write(file, server.url());
    }

    @Override
    public void close() {
        server.close();
        store.close();
    }
}
