package dev.caravel.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.KeyValueStoreConformanceTest;
import dev.caravel.storage.Lease;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchRequest;
import dev.caravel.storage.Watch;
import dev.caravel.storage.mvcc.MvccStore;
import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The conformance suite on the RocksDB store (one store in a fresh folder for the class), and what
 * only a durable store must do: come back after a restart exactly as it was.
 */
class RocksDbStoreTest extends KeyValueStoreConformanceTest {

    @TempDir
    static Path folder;

    private static MvccStore store;

    @BeforeAll
    static void openStore() {
        store = RocksDbStore.open(folder.resolve("conformance"));
    }

    @AfterAll
    static void closeStore() {
        store.close();
    }

    @Override
    protected KeyValueStore store() {
        return store;
    }

    @Test
    void aReopenedStoreHasTheSameRevisionKeysHistoryLeasesAndCompactedRevision() {
        Path data = folder.resolve("restart-" + UUID.randomUUID());
        byte[] a = ByteKeys.utf8("/registry/pods/default/a");
        byte[] b = ByteKeys.utf8("/registry/pods/default/b");
        byte[] leased = ByteKeys.utf8("/registry/leases/node-1");
        long first;
        long beforeCompaction;
        long current;
        long leaseId;
        List<KeyValue> pods;
        try (MvccStore before = RocksDbStore.open(data)) {
            first = before.put(a, ByteKeys.utf8("a1")).revision();
            before.put(a, ByteKeys.utf8("a2"));
            beforeCompaction = before.put(b, ByteKeys.utf8("b1")).revision();
            before.put(a, ByteKeys.utf8("a3"));
            before.delete(b);
            before.put(b, ByteKeys.utf8("b2"));
            Lease lease = before.grantLease(600);
            leaseId = lease.id();
            before.put(leased, ByteKeys.utf8("held"), leaseId);
            before.compact(beforeCompaction);
            current = before.currentRevision();
            pods = before.range(RangeRequest.prefix(ByteKeys.utf8("/registry/pods/"))).kvs();
        }

        try (MvccStore after = RocksDbStore.open(data)) {
            assertThat(after.currentRevision()).isEqualTo(current);
            assertThat(after.compactedRevision()).isEqualTo(beforeCompaction);
            assertThat(after.range(RangeRequest.prefix(ByteKeys.utf8("/registry/pods/"))).kvs()).isEqualTo(pods);
            KeyValue podA = after.get(a);
            assertThat(podA.valueUtf8()).isEqualTo("a3");
            assertThat(podA.createRevision()).isEqualTo(first);
            assertThat(podA.version()).isEqualTo(3);
            KeyValue podB = after.get(b);
            assertThat(podB.valueUtf8()).isEqualTo("b2");
            assertThat(podB.version()).isEqualTo(1);
            // History at the compacted revision is still there; below it, it is gone.
            assertThat(after.range(RangeRequest.key(a).atRevision(beforeCompaction)).kvs())
                    .extracting(KeyValue::valueUtf8).containsExactly("a2");
            assertThatThrownBy(() -> after.range(RangeRequest.key(a).atRevision(first)))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.COMPACTED));
            // The lease came back with its keys attached: revoking it deletes them.
            assertThat(after.timeToLive(leaseId).grantedTtlSeconds()).isEqualTo(600);
            assertThat(after.get(leased).lease()).isEqualTo(leaseId);
            after.revokeLease(leaseId);
            assertThat(after.get(leased)).isNull();
            // Watchers catch up from the history on disk.
            Recorder recorder = new Recorder();
            try (Watch watch = after.watch(WatchRequest.prefix(ByteKeys.utf8("/registry/pods/")).fromRevision(beforeCompaction + 1), recorder)) {
                recorder.awaitEventCount(3);
                assertThat(recorder.events()).extracting(WatchEvent::type)
                        .containsExactly(WatchEvent.Type.PUT, WatchEvent.Type.DELETE, WatchEvent.Type.PUT);
            }
            // And it writes on from where it was.
            assertThat(after.put(a, ByteKeys.utf8("a4")).revision()).isEqualTo(current + 2);
        }
    }

    @Test
    void aDamagedFolderFailsToOpenAsCorruptedAndIsNotReplacedByAnEmptyStore() throws Exception {
        Path data = folder.resolve("damaged-" + UUID.randomUUID());
        try (MvccStore before = RocksDbStore.open(data)) {
            before.put(ByteKeys.utf8("k"), ByteKeys.utf8("v"));
        }
        java.nio.file.Files.delete(data.resolve("CURRENT"));
        assertThatThrownBy(() -> RocksDbStore.open(data))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPTED);
                    assertThat(e.getMessage()).contains("CURRENT").contains(data.toString());
                });
    }
}
