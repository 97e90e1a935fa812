package dev.caravel.cli;

import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.rocksdb.RocksDbStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * Runs Caravel's main job on the embedded store. Until the API server exists this opens the
 * durable store, reports where its data lives and at which revision, and holds it open until
 * the process is asked to stop, closing it cleanly so nothing acknowledged is lost.
 */
@Command(name = "serve", mixinStandardHelpOptions = true,
        description = "Run Caravel on the embedded durable store (RocksDB).")
final class ServeCommand implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger("cli.serve");

    @Option(names = "--data-dir", defaultValue = "data",
            description = "Folder of the embedded store (created if missing). Default: ${DEFAULT-VALUE}")
    private Path dataDir;

    @Override
    public Integer call() throws Exception {
        Path directory = dataDir.toAbsolutePath().normalize();
        Files.createDirectories(directory);
        CountDownLatch stopped = new CountDownLatch(1);
        KeyValueStore store = RocksDbStore.open(directory);
        Thread shutdown = new Thread(() -> {
            log.info("cli.serve: stopping; closing the embedded store at {}", directory);
            store.close();
            stopped.countDown();
        }, "caravel-shutdown");
        Runtime.getRuntime().addShutdownHook(shutdown);
        System.out.printf("Caravel storage is ready: embedded RocksDB store at %s, revision %d.%n",
                directory, store.currentRevision());
        System.out.println("The API server is not built yet; this process holds the store open. Stop it with Ctrl-C.");
        stopped.await();
        return 0;
    }
}
