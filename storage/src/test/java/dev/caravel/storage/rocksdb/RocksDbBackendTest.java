package dev.caravel.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.mvcc.Backend;
import dev.caravel.storage.mvcc.CommitBatch;
import dev.caravel.storage.mvcc.LeaseRecord;
import dev.caravel.storage.mvcc.Revision;
import dev.caravel.storage.mvcc.RevisionRecord;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RocksDbBackendTest {

    @TempDir
    Path folder;

    static RevisionRecord put(long main, long sub, String key, byte[] value, long createRevision, long version, long lease) {
        return RevisionRecord.put(new Revision(main, sub),
                new KeyValue(ByteKeys.utf8(key), value, createRevision, main, version, lease));
    }

    static RevisionRecord put(long main, String key, String value) {
        return put(main, 0, key, ByteKeys.utf8(value), main, 1, 0);
    }

    static CommitBatch batch(long currentRevision, RevisionRecord... records) {
        return new CommitBatch(List.of(records), currentRevision, List.of(), List.of());
    }

    /** Everything a recovery hands over, in order. */
    static final class Recorded implements Backend.RecoveryVisitor {
        long current = -1;
        long compacted = -1;
        final List<RevisionRecord> records = new ArrayList<>();
        final List<LeaseRecord> leases = new ArrayList<>();

        @Override
        public void meta(long currentRevision, long compactedRevision) {
            current = currentRevision;
            compacted = compactedRevision;
        }

        @Override
        public void record(RevisionRecord record) {
            records.add(record);
        }

        @Override
        public void lease(LeaseRecord lease) {
            leases.add(lease);
        }
    }

    static Recorded recover(Backend backend) {
        Recorded recorded = new Recorded();
        backend.recover(recorded);
        return recorded;
    }

    @Test
    void aNewBackendRecoversAsEmpty() {
        try (RocksDbBackend backend = RocksDbBackend.open(folder.resolve("db"))) {
            Recorded recorded = recover(backend);
            assertThat(recorded.current).isZero();
            assertThat(recorded.compacted).isZero();
            assertThat(recorded.records).isEmpty();
            assertThat(recorded.leases).isEmpty();
        }
    }

    @Test
    void committedRecordsAreReadScannedAndRecoveredAfterReopening() {
        Path db = folder.resolve("db");
        RevisionRecord a = put(2, 0, "/registry/pods/a", ByteKeys.utf8("{\"a\":1}"), 2, 1, 7);
        RevisionRecord b = put(3, 0, "/registry/pods/b", ByteKeys.utf8("{\"b\":1}"), 3, 1, 0);
        RevisionRecord a2 = put(3, 1, "/registry/pods/a", ByteKeys.utf8("{\"a\":2}"), 2, 2, 7);
        RevisionRecord deleteB = RevisionRecord.delete(new Revision(4, 0), ByteKeys.utf8("/registry/pods/b"));
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            recover(backend);
            backend.commit(new CommitBatch(List.of(a), 2, List.of(new LeaseRecord(7, 30), new LeaseRecord(8, 60)), List.of()));
            backend.commit(new CommitBatch(List.of(b, a2, deleteB), 4, List.of(), List.of(8L)));

            assertThat(backend.read(List.of(a2.revision(), a.revision(), deleteB.revision())))
                    .containsExactly(a2, a, deleteB);
            assertThat(backend.scan(3, 4, 10)).containsExactly(b, a2, deleteB);
            assertThat(backend.scan(0, 3, 2)).containsExactly(a, b);
            assertThat(backend.scan(5, 9, 10)).isEmpty();
        }
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            Recorded recorded = recover(backend);
            assertThat(recorded.current).isEqualTo(4);
            assertThat(recorded.compacted).isZero();
            assertThat(recorded.records).containsExactly(a, b, a2, deleteB);
            assertThat(recorded.records.get(3).tombstone()).isTrue();
            assertThat(recorded.leases).containsExactly(new LeaseRecord(7, 30));
            backend.commit(batch(5, put(5, "/registry/pods/c", "{}")));
            assertThat(backend.scan(5, 5, 10)).hasSize(1);
        }
    }

    @Test
    void aBackendReadsBeforeRecoveryAndWritesWithoutIt() {
        Path db = folder.resolve("db");
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            backend.commit(batch(2, put(2, "k", "v")));
        }
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            assertThat(backend.read(List.of(new Revision(2, 0)))).hasSize(1);
            backend.commit(batch(3, put(3, "k2", "v")));
            assertThat(backend.scan(0, 10, 10)).hasSize(2);
        }
    }

    @Test
    void compactionRemovesObsoleteRecordsAndReclaimsTheirSpace() throws InterruptedException {
        Path db = folder.resolve("db");
        Random random = new Random(1);
        int revisions = 3_000;
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            recover(backend);
            // 3,000 revisions of ~4 KB over 10 keys: all but the last 10 are obsolete after compaction.
            for (int first = 2; first < revisions + 2; first += 100) {
                List<RevisionRecord> batch = new ArrayList<>();
                for (long main = first; main < first + 100; main++) {
                    byte[] value = new byte[4096];
                    random.nextBytes(value); // incompressible, so sizes measure records, not LZ4
                    batch.add(put(main, 0, "key-" + (main % 10), value, main, 1, 0));
                }
                backend.commit(new CommitBatch(batch, first + 99, List.of(), List.of()));
            }
        }
        long compactAt = revisions + 1;
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            recover(backend); // reopening flushed the write-ahead log into SST files
            long before = backend.sizeBytes();
            List<Revision> obsolete = new ArrayList<>();
            for (long main = 2; main <= compactAt - 10; main++) {
                obsolete.add(new Revision(main, 0));
            }
            backend.compact(compactAt, obsolete);

            // The space comes back in the background, so that compaction never holds up commits.
            assertThat(before).isGreaterThan(revisions * 4096L);
            long deadline = System.nanoTime() + 20_000_000_000L;
            while (backend.sizeBytes() >= before / 10 && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(backend.sizeBytes()).isLessThan(before / 10);
            assertThat(backend.scan(0, compactAt, 100)).extracting(r -> r.revision().main())
                    .containsExactly(compactAt - 9, compactAt - 8, compactAt - 7, compactAt - 6, compactAt - 5,
                            compactAt - 4, compactAt - 3, compactAt - 2, compactAt - 1, compactAt);
            assertThatThrownBy(() -> backend.read(List.of(new Revision(5, 0))))
                    .isInstanceOfSatisfying(StorageException.class,
                            e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.COMPACTED));
        }
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            Recorded recorded = recover(backend);
            assertThat(recorded.compacted).isEqualTo(compactAt);
            assertThat(recorded.current).isEqualTo(compactAt);
            assertThat(recorded.records).hasSize(10);
        }
    }

    @Test
    void readingManyRevisionsReturnsThemInTheOrderAsked() {
        try (RocksDbBackend backend = RocksDbBackend.open(folder.resolve("db"))) {
            recover(backend);
            List<RevisionRecord> all = new ArrayList<>();
            for (long main = 2; main < 10_002; main++) {
                all.add(put(main, "key-" + main, "value-" + main));
            }
            backend.commit(new CommitBatch(all, 10_001, List.of(), List.of()));
            List<Revision> asked = new ArrayList<>(all.stream().map(RevisionRecord::revision).toList());
            java.util.Collections.shuffle(asked, new Random(2));
            List<RevisionRecord> read = backend.read(asked);
            assertThat(read).extracting(RevisionRecord::revision).containsExactlyElementsOf(asked);
        }
    }

    @Test
    void theChecksumCatchesAFlippedByteInAStoredRecord() {
        RevisionRecord record = put(2, 0, "/registry/pods/a", ByteKeys.utf8("{\"spec\":{}}"), 2, 1, 0);
        byte[] stored = RocksDbRecordFormat.encodeRecord(record);
        assertThat(RocksDbRecordFormat.decodeRecord(record.revision().encode(), stored, folder)).isEqualTo(record);

        for (int i = 0; i < stored.length; i++) {
            byte[] damaged = Arrays.copyOf(stored, stored.length);
            damaged[i] ^= 0x10;
            assertThatThrownBy(() -> RocksDbRecordFormat.decodeRecord(record.revision().encode(), damaged, folder))
                    .isInstanceOfSatisfying(StorageException.class, e -> {
                        assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPTED);
                        assertThat(e.getMessage()).contains(folder.toString()).contains("record 2.0");
                    });
        }
        // The same bytes under another revision are caught too.
        assertThatThrownBy(() -> RocksDbRecordFormat.decodeRecord(new Revision(3, 0).encode(), stored, folder))
                .isInstanceOf(StorageException.class);
    }

    @Test
    void aFolderAlreadyOpenForWritingIsUnavailableToASecondBackend() {
        Path db = folder.resolve("db");
        try (RocksDbBackend first = RocksDbBackend.open(db)) {
            recover(first);
            first.commit(batch(2, put(2, "k", "v")));
            try (RocksDbBackend second = RocksDbBackend.open(db)) {
                assertThatThrownBy(() -> recover(second))
                        .isInstanceOfSatisfying(StorageException.class,
                                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
            }
            first.commit(batch(3, put(3, "k", "v2")));
        }
    }

    @Test
    void aFileInsteadOfAFolderIsAStorageError() throws Exception {
        Path file = java.nio.file.Files.writeString(folder.resolve("a-file"), "x");
        assertThatThrownBy(() -> RocksDbBackend.open(file))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.getMessage()).contains("a-file"));
    }

    @Test
    void aClosedBackendIsUnavailable() {
        RocksDbBackend backend = RocksDbBackend.open(folder.resolve("db"));
        backend.close();
        backend.close();
        assertThatThrownBy(() -> backend.scan(0, 1, 1))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
    }

    @Test
    void largeReadsFromVirtualThreadsAnswerAsOnPlatformThreads() throws Exception {
        int count = RocksDbBackend.LARGE_READ_REVISIONS * 3;
        try (RocksDbBackend backend = RocksDbBackend.open(folder.resolve("db"))) {
            recover(backend);
            RevisionRecord[] records = new RevisionRecord[count];
            List<Revision> revisions = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                records[i] = put(i + 2, "/k/" + i, "v" + i);
                revisions.add(records[i].revision());
            }
            backend.commit(batch(count + 1, records));

            List<RevisionRecord> readHere = backend.read(revisions);
            List<RevisionRecord> scannedHere = backend.scan(2, count + 1, count);
            List<List<RevisionRecord>> onVirtual = new ArrayList<>();
            Thread reader = Thread.ofVirtual().start(() -> {
                onVirtual.add(backend.read(revisions));
                onVirtual.add(backend.scan(2, count + 1, count));
            });
            reader.join();

            assertThat(readHere).hasSize(count);
            assertThat(onVirtual.get(0)).isEqualTo(readHere);
            assertThat(onVirtual.get(1)).isEqualTo(scannedHere).hasSize(count);
        }
    }

    @Test
    void aLargeReadFromAVirtualThreadAfterCloseIsUnavailable() throws Exception {
        RocksDbBackend backend = RocksDbBackend.open(folder.resolve("db"));
        recover(backend);
        backend.close();
        List<Revision> revisions = new ArrayList<>();
        for (int i = 0; i < RocksDbBackend.LARGE_READ_REVISIONS * 2; i++) {
            revisions.add(new Revision(i + 2, 0));
        }
        List<Throwable> failures = new ArrayList<>();
        Thread reader = Thread.ofVirtual().start(() -> {
            try {
                backend.read(revisions);
            } catch (RuntimeException e) {
                failures.add(e);
            }
        });
        reader.join();
        assertThat(failures).singleElement().isInstanceOfSatisfying(StorageException.class,
                e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
    }
}
