package dev.caravel.storage.etcd;

import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.KeyValueStoreConformanceTest;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The conformance suite on a real etcd, one etcd process for the class. */
class EtcdStoreTest extends KeyValueStoreConformanceTest {

    private static EtcdProcess etcd;
    private static EtcdStore store;

    @BeforeAll
    static void startEtcd() {
        etcd = EtcdProcess.start();
        store = EtcdStore.connect(List.of(etcd.clientEndpoint()));
    }

    @AfterAll
    static void stopEtcd() {
        if (store != null) {
            store.close();
        }
        if (etcd != null) {
            etcd.close();
        }
    }

    @Override
    protected KeyValueStore store() {
        return store;
    }
}
