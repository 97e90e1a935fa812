package dev.caravel.storage.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravel.storage.StorageException;
import dev.caravel.storage.mvcc.CommitBatch;
import dev.caravel.storage.mvcc.LeaseRecord;
import dev.caravel.storage.mvcc.Revision;
import dev.caravel.storage.mvcc.RevisionRecord;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.DBOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.WriteOptions;

/**
 * Damaged files make opening fail with CORRUPTED naming the file, and the failed open leaves the
 * folder byte for byte as it was. Each test builds a small database, damages one file, then opens it
 * as a store.
 */
class RocksDbCorruptionTest {

    @TempDir
    Path folder;

    /** 300 revisions of 4 KB in SST files (a reopen flushed the log), then 20 more left in the log. */
    private Path databaseWithSstAndLog() {
        Path db = folder.resolve("db");
        Random random = new Random(3);
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            backend.recover(new RocksDbBackendTest.Recorded());
            commitRevisions(backend, random, 2, 300, 20);
            backend.commit(new CommitBatch(List.of(), 301, List.of(new LeaseRecord(9, 30)), List.of()));
        }
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            backend.recover(new RocksDbBackendTest.Recorded());
            commitRevisions(backend, random, 302, 20, 1);
        }
        return db;
    }

    /** Commits {@code count} revisions of 4 KB from {@code first} on, {@code perCommit} to a commit. */
    private static void commitRevisions(RocksDbBackend backend, Random random, long first, int count, int perCommit) {
        List<RevisionRecord> batch = new ArrayList<>();
        for (long main = first; main < first + count; main++) {
            byte[] value = new byte[4096];
            random.nextBytes(value);
            batch.add(RocksDbBackendTest.put(main, 0, "/registry/configmaps/k" + main, value, main, 1, 0));
            if (batch.size() == perCommit) {
                backend.commit(new CommitBatch(batch, main, List.of(), List.of()));
                batch.clear();
            }
        }
    }

    /** Opens the store as the server does: the backend, then the engine recovering from it. */
    private static void openAndRecover(Path db) {
        RocksDbStore.open(db).close();
    }

    private static Path largest(Path db, String suffix) throws IOException {
        try (Stream<Path> files = Files.list(db)) {
            return files.filter(file -> file.getFileName().toString().endsWith(suffix))
                    .max(Comparator.comparingLong(file -> file.toFile().length()))
                    .orElseThrow(() -> new AssertionError("no " + suffix + " file in " + db));
        }
    }

    private static Path manifest(Path db) throws IOException {
        String name = Files.readString(db.resolve("CURRENT"), StandardCharsets.US_ASCII).strip();
        return db.resolve(name);
    }

    private static void flipByte(Path file, long position) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.seek(position);
            int b = raf.read();
            raf.seek(position);
            raf.write(b ^ 0x5a);
        }
    }

    private static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    /** File name to SHA-256 of its content: what "untouched" means. */
    private static Map<String, String> snapshot(Path db) throws IOException {
        Map<String, String> files = new TreeMap<>();
        try (Stream<Path> list = Files.list(db)) {
            for (Path file : list.toList()) {
                files.put(file.getFileName().toString(), sha256(Files.readAllBytes(file)));
            }
        }
        return files;
    }

    private static String sha256(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** Opening fails with CORRUPTED whose message names {@code named}, and the folder is as it was. */
    private static void assertOpeningFailsNaming(Path db, String named) throws IOException {
        Map<String, String> before = snapshot(db);
        assertThatThrownBy(() -> openAndRecover(db))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPTED);
                    assertThat(e.getMessage()).contains(named);
                });
        assertThat(snapshot(db)).as("the folder after the failed open").isEqualTo(before);
        // And again: a second attempt meets the same damage, not a store that "repaired" itself empty.
        assertThatThrownBy(() -> openAndRecover(db))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPTED));
    }

    @Test
    void aTruncatedSstFileIsCorruptedAndNamed() throws IOException {
        Path db = databaseWithSstAndLog();
        Path sst = largest(db, ".sst");
        truncate(sst, sst.toFile().length() / 2);
        assertOpeningFailsNaming(db, sst.getFileName().toString());
    }

    @Test
    void aFlippedByteInsideAnSstFileIsCorruptedAndNamed() throws IOException {
        Path db = databaseWithSstAndLog();
        Path sst = largest(db, ".sst");
        flipByte(sst, 100); // inside the first data block: found by the block checksum when recovery reads it
        assertOpeningFailsNaming(db, sst.getFileName().toString());
    }

    @Test
    void aCorruptedManifestIsCorruptedAndNamed() throws IOException {
        Path db = databaseWithSstAndLog();
        Path manifest = manifest(db);
        flipByte(manifest, manifest.toFile().length() / 2);
        assertOpeningFailsNaming(db, manifest.getFileName().toString());
    }

    @Test
    void aTruncatedManifestIsCorruptedAndNamed() throws IOException {
        Path db = databaseWithSstAndLog();
        Path manifest = manifest(db);
        truncate(manifest, 10);
        assertOpeningFailsNaming(db, "MANIFEST");
    }

    @Test
    void aCurrentFileNamingAMissingManifestIsCorrupted() throws IOException {
        Path db = databaseWithSstAndLog();
        Files.writeString(db.resolve("CURRENT"), "MANIFEST-999999\n", StandardCharsets.US_ASCII);
        assertOpeningFailsNaming(db, "MANIFEST-999999");
    }

    @Test
    void anEmptyCurrentFileIsCorrupted() throws IOException {
        Path db = databaseWithSstAndLog();
        truncate(db.resolve("CURRENT"), 0);
        assertOpeningFailsNaming(db, "CURRENT");
    }

    @Test
    void aFolderWithDataButNoCurrentFileIsCorruptedNotANewStore() throws IOException {
        Path db = databaseWithSstAndLog();
        Files.delete(db.resolve("CURRENT"));
        assertOpeningFailsNaming(db, "CURRENT");
    }

    @Test
    void aFolderOfOtherFilesIsNotTakenForANewStore() throws IOException {
        Path db = folder.resolve("someone-elses");
        Files.createDirectories(db);
        Files.writeString(db.resolve("notes.txt"), "not a database");
        assertOpeningFailsNaming(db, "notes.txt");
    }

    @Test
    void aCreationInterruptedBeforeCurrentWasWrittenStartsAFreshStore() throws IOException {
        // What a kill while RocksDB creates a database leaves: no CURRENT, no data file.
        Path db = folder.resolve("interrupted");
        Files.createDirectories(db);
        Files.writeString(db.resolve("IDENTITY"), "0b7c1f0e-interrupted\n");
        Files.write(db.resolve("MANIFEST-000001"), new byte[]{1, 2, 3});
        Files.write(db.resolve("000001.dbtmp"), "MANIFEST-000001".getBytes(StandardCharsets.US_ASCII));
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            RocksDbBackendTest.Recorded recorded = new RocksDbBackendTest.Recorded();
            backend.recover(recorded);
            assertThat(recorded.records).isEmpty();
            backend.commit(new CommitBatch(List.of(RocksDbBackendTest.put(2, "k", "v")), 2, List.of(), List.of()));
        }
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            RocksDbBackendTest.Recorded recorded = new RocksDbBackendTest.Recorded();
            backend.recover(recorded);
            assertThat(recorded.current).isEqualTo(2);
        }
    }

    @Test
    void aDamagedRecordInTheWriteAheadLogIsCorruptedAndNamed() throws IOException {
        Path db = databaseWithSstAndLog();
        Path wal = largest(db, ".log");
        assertThat(wal.toFile().length()).isGreaterThan(20 * 4096L);
        flipByte(wal, wal.toFile().length() / 2);
        assertOpeningFailsNaming(db, wal.getFileName().toString());
    }

    @Test
    void aWriteAheadLogCutInTheMiddleOfItsLastRecordLosesOnlyThatRecord() throws IOException {
        // What a kill in the middle of a write leaves: the torn record was never acknowledged.
        Path db = databaseWithSstAndLog();
        Path wal = largest(db, ".log");
        truncate(wal, wal.toFile().length() - 100);
        try (RocksDbBackend backend = RocksDbBackend.open(db)) {
            RocksDbBackendTest.Recorded recorded = new RocksDbBackendTest.Recorded();
            backend.recover(recorded);
            assertThat(recorded.records).hasSize(319);
            assertThat(recorded.current).isEqualTo(320);
            assertThat(recorded.records.get(318).revision()).isEqualTo(new Revision(320, 0));
        }
    }

    @Test
    void aRecordFailingItsChecksumIsCorruptedAndNamesTheDatabase() throws Exception {
        Path db = databaseWithSstAndLog();
        RevisionRecord record = RocksDbBackendTest.put(150, 0, "/registry/configmaps/k150", new byte[]{1, 2, 3}, 150, 1, 0);
        byte[] damaged = RocksDbRecordFormat.encodeRecord(record);
        damaged[RocksDbRecordFormat.encodeRecord(record).length - 6] ^= 1;
        withRawDatabase(db, (raw) -> raw.put(1, record.revision().encode(), damaged));
        assertOpeningFailsNaming(db, db.toAbsolutePath().toString());
    }

    @Test
    void aDatabaseWithoutItsColumnFamiliesIsCorrupted() throws Exception {
        Path db = folder.resolve("other");
        try (org.rocksdb.Options options = new org.rocksdb.Options().setCreateIfMissing(true);
             RocksDB raw = RocksDB.open(options, db.toString())) {
            raw.put(new byte[]{1}, new byte[]{2});
        }
        assertThatThrownBy(() -> openAndRecover(db))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.CORRUPTED));
    }

    /** Writes straight into RocksDB beneath the backend, as damage would. */
    private interface RawWrite {
        void put(int family, byte[] key, byte[] value) throws RocksDBException;
    }

    private interface RawAction {
        void run(RawWrite raw) throws RocksDBException;
    }

    private static void withRawDatabase(Path db, RawAction action) throws RocksDBException {
        List<ColumnFamilyDescriptor> descriptors = List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY),
                new ColumnFamilyDescriptor(RocksDbBackend.RECORDS_FAMILY),
                new ColumnFamilyDescriptor(RocksDbBackend.LEASES_FAMILY),
                new ColumnFamilyDescriptor(RocksDbBackend.META_FAMILY));
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        try (DBOptions options = new DBOptions();
             WriteOptions sync = new WriteOptions().setSync(true);
             RocksDB raw = RocksDB.open(options, db.toString(), descriptors, handles)) {
            action.run((family, key, value) -> raw.put(handles.get(family), sync, key, value));
            handles.forEach(ColumnFamilyHandle::close);
        }
    }
}
