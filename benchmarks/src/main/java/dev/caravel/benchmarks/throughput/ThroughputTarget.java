package dev.caravel.benchmarks.throughput;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import dev.caravel.storage.rocksdb.RocksDbStore;
import io.fabric8.kubernetes.client.server.mock.KubernetesMixedDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import io.fabric8.mockwebserver.ServerRequest;
import io.fabric8.mockwebserver.ServerResponse;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Queue;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Stream;

/**
 * A server the throughput benchmark loads: started fresh for each round, so every round begins on
 * an empty store, and stopped after it.
 */
enum ThroughputTarget {

    /** Caravel in-process on the in-memory store: validation, defaulting, MVCC and all. */
    CARAVEL_MEMORY("caravel-memory") {
        @Override
        Running start() throws Exception {
            KeyValueStore store = MemoryStore.open();
            return caravel(store, () -> {});
        }
    },

    /** Caravel in-process on the embedded RocksDB store: every create is durable (fsync) when answered. */
    CARAVEL_ROCKSDB("caravel-rocksdb") {
        @Override
        Running start() throws Exception {
            Path directory = Files.createTempDirectory("caravel-throughput-");
            KeyValueStore store = RocksDbStore.open(directory);
            return caravel(store, () -> deleteRecursively(directory));
        }
    },

    /**
     * fabric8's mock server in CRUD mode, set up as its JUnit extension does for
     * {@code @EnableKubernetesMockClient(crud = true)}: plain HTTP, a mixed dispatcher with no
     * expectations, so every request falls through to the CRUD dispatcher. Its per-request INFO
     * log line (java.util.logging, to stderr) is turned off: Caravel logs no line per request
     * either, and the benchmark compares serving, not logging.
     */
    FABRIC8_MOCK("fabric8-mock") {
        @Override
        Running start() {
            MOCK_LOGGER.setLevel(Level.WARNING);
            Map<ServerRequest, Queue<ServerResponse>> responses = new HashMap<>();
            KubernetesMockServer mock = new KubernetesMockServer(new Context(), new MockWebServer(), responses,
                    new KubernetesMixedDispatcher(responses), false);
            mock.init(InetAddress.getLoopbackAddress(), 0);
            return new Running(URI.create("http://127.0.0.1:" + mock.getPort()), mock::destroy);
        }
    };

    /** Held here because java.util.logging keeps loggers weakly: a level set on a dropped one is lost. */
    private static final Logger MOCK_LOGGER = Logger.getLogger("io.fabric8.mockwebserver");

    private final String label;

    ThroughputTarget(String label) {
        this.label = label;
    }

    String label() {
        return label;
    }

    abstract Running start() throws Exception;

    /** A started target: where it serves, and how to stop it and remove what it wrote. */
    record Running(URI baseUri, AutoCloseable stop) implements AutoCloseable {
        @Override
        public void close() throws Exception {
            stop.close();
        }
    }

    private static Running caravel(KeyValueStore store, AutoCloseable afterStore) throws Exception {
        CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        return new Running(URI.create(server.url()), () -> {
            server.close();
            store.close();
            afterStore.close();
        });
    }

    private static void deleteRecursively(Path directory) {
        try (Stream<Path> paths = Files.walk(directory)) {
            paths.sorted(Comparator.reverseOrder()).forEach(path -> {
                try {
                    Files.deleteIfExists(path);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
