package dev.caravel.storage;

import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on the in-memory store, one store shared by the class as an etcd would be. */
class MemoryStoreTest extends KeyValueStoreConformanceTest {

    private static KeyValueStore store;

    @BeforeAll
    static void openStore() {
        store = MemoryStore.open();
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Override
    protected KeyValueStore store() {
        return store;
    }
}
