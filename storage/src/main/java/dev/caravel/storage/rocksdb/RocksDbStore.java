package dev.caravel.storage.rocksdb;

import dev.caravel.storage.mvcc.MvccStore;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable store: the MVCC engine over {@link RocksDbBackend}. Every acknowledged write
 * is fsynced; the folder is checked as it is opened (see {@link RocksDbBackend}), and damaged data
 * fails the open with CORRUPTED naming the file instead of starting an empty store. Closing the
 * store closes RocksDB.
 */
public final class RocksDbStore {

    private static final Logger LOG = LoggerFactory.getLogger(RocksDbStore.class);

    private RocksDbStore() {}

    public static MvccStore open(Path directory) {
        return open(directory, MvccStore.Config.defaults());
    }

    public static MvccStore open(Path directory, MvccStore.Config config) {
        long started = System.nanoTime();
        RocksDbBackend backend = RocksDbBackend.open(directory);
        // The engine owns the backend from here: it closes it when opening fails, and on close.
        MvccStore store = MvccStore.open(backend, config);
        LOG.info("storage.rocksdb: opened {} at revision {} (compacted {}) in {} ms", backend.directory(),
                store.currentRevision(), store.compactedRevision(), (System.nanoTime() - started) / 1_000_000);
        return store;
    }
}
