package dev.caravel.storage.rocksdb;

import dev.caravel.storage.mvcc.Backend;
import dev.caravel.storage.mvcc.MvccRecoveryConformanceTest;
import java.nio.file.Path;
import org.junit.jupiter.api.io.TempDir;

/** Recovery on RocksDB: each reopen is a new backend on the same folder, as after a restart. */
class RocksDbBackendRecoveryTest extends MvccRecoveryConformanceTest {

    @TempDir
    Path folder;

    @Override
    protected Backend openBackend() {
        return RocksDbBackend.open(folder.resolve("db"));
    }
}
