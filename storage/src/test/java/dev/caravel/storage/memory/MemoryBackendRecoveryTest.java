package dev.caravel.storage.memory;

import dev.caravel.storage.mvcc.Backend;
import dev.caravel.storage.mvcc.MvccRecoveryConformanceTest;

/** Recovery on a MemoryBackend: reopening a store on the same instance, as a durable backend reopens its files. */
class MemoryBackendRecoveryTest extends MvccRecoveryConformanceTest {

    private final MemoryBackend backend = new MemoryBackend();

    @Override
    protected Backend openBackend() {
        return backend;
    }
}
