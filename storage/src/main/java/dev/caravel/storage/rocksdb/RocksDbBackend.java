package dev.caravel.storage.rocksdb;

import dev.caravel.storage.StorageException;
import dev.caravel.storage.mvcc.Backend;
import dev.caravel.storage.mvcc.CommitBatch;
import dev.caravel.storage.mvcc.LeaseRecord;
import dev.caravel.storage.mvcc.Revision;
import dev.caravel.storage.mvcc.RevisionRecord;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.stream.Stream;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.Cache;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompactRangeOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.LogFile;
import org.rocksdb.Logger;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.Status;
import org.rocksdb.WALRecoveryMode;
import org.rocksdb.WriteBatch;
import org.rocksdb.WriteOptions;
import org.slf4j.LoggerFactory;

/**
 * The embedded durable {@link Backend}: one RocksDB database in one folder, with three column
 * families: {@code records} (revision records under {@link Revision#encode()}, so RocksDB's key
 * order is revision order), {@code leases} (under the lease id) and {@code meta} (current and
 * compacted revision). Values are laid out by {@link RocksDbRecordFormat}, each with its own CRC32C.
 *
 * <h2>Durability</h2>
 * Every {@link #commit} is one {@link WriteBatch} written with {@code sync=true}: the batch, the
 * current revision included, is in the write-ahead log and fsynced before the store acknowledges any
 * of its transactions. Group commit in the store amortises the fsync over many writers.
 *
 * <h2>Opening damaged data</h2>
 * An existing folder is first opened <em>read-only</em>, with paranoid checks: RocksDB reads
 * CURRENT and the MANIFEST, checks every SST file's size against it, and replays the WAL into memory,
 * without writing anything. {@link #recover} then streams every record (checking RocksDB's block
 * checksums and ours) from that read-only instance, and only once all of it has been read is the
 * database reopened for writing. So an open that fails, at any of these steps, leaves the folder
 * exactly as it found it, for an operator or a backup tool to look at. RocksDB's own info log is
 * routed to SLF4J rather than written as LOG files into the folder, for the same reason.
 *
 * <p>A folder with data files (or files that are not RocksDB's) but no CURRENT is CORRUPTED, never a
 * new database: RocksDB with {@code create_if_missing} would write a fresh MANIFEST over it and
 * delete the orphaned SSTs as obsolete. {@code create_if_missing} is used only for an absent or empty
 * folder, or one holding only what an interrupted creation leaves ({@link #isFresh}).
 *
 * <p>WAL recovery mode: {@link WALRecoveryMode#TolerateCorruptedTailRecords}. Because every write is
 * synced before it is acknowledged, a record torn at the end of the log (the process killed in the
 * middle of writing it) can only hold a write nobody was told had succeeded: dropping it is right, and
 * refusing to start over it (AbsoluteConsistency) would turn every SIGKILL into an outage. A record
 * that is complete but fails its checksum, anywhere, is damage to acknowledged data: this mode
 * refuses it, where PointInTimeRecovery would silently stop replaying there and lose every
 * acknowledged write after it, and SkipAnyCorruptedRecords would leave holes in the history.
 *
 * <h2>Tuning</h2>
 * The workload: values of ~4 KB (Kubernetes objects as JSON), written in revision order, so the
 * records family is append-only apart from compaction's deletes; lists of up to 50,000 keys read as
 * point lookups by revision (batched {@link RocksDB#multiGetAsList}); watch catch-up and recovery as
 * ordered scans.
 * <ul>
 *   <li>One shared LRU block cache of {@value #BLOCK_CACHE_BYTES} bytes, index and filter blocks
 *       inside it (bounded memory) with level-0's pinned, since every lookup touches them.</li>
 *   <li>Records: 4 KB blocks, so a block is about one record, and a point lookup decompresses and
 *       caches only what it asked for. Measured on 150,000 records of 4 KB, reading 50,000 of them by
 *       revision: ~250 ms warm with 4 KB blocks, ~500 ms with 8 KB, ~1 s with 16 KB, whose lookups
 *       drag three unwanted records each through the cache and evict the list's own. Bigger blocks
 *       compress better (228 MB against 307 MB there); list latency matters more. The index holds
 *       one entry per record, under 1% of the data.</li>
 *   <li>Records: a 10 bits/key Bloom filter with {@code optimize_filters_for_hits}. The revisions a
 *       list asks for always exist, so a filter only helps by skipping the upper levels that do not
 *       hold the key; in the last level (about 90% of the data) the lookup finds it anyway, and that
 *       level's filters, most of the filter memory, are not built. Scans ignore filters.</li>
 *   <li>Records: LZ4 (cheap, JSON compresses well), ZSTD for the bottommost level where data settles.</li>
 *   <li>Leases and meta: tiny, read by a scan at start and a point read; no filters, small memtables.</li>
 *   <li>Writes are sequential keys, so new SST files do not overlap older ones and most compactions
 *       are trivial moves; 64 MB memtables keep level-0 files large. After a store compaction the
 *       space is reclaimed by a manual compaction on a thread of its own ({@link #reclaim}). WAL size is capped so that the small families, which are written on every
 *       commit, get flushed and the log does not grow without bound.</li>
 *   <li>Rejected: BlobDB (value separation). It pays off for values much larger than ours and adds
 *       blob files to every corruption and recovery path.</li>
 * </ul>
 *
 * <p>Thread safety: {@link #commit} and {@link #compact} come from the store's committer, reads from
 * any thread. {@link #lock} guards the RocksDB handle: operations hold it shared, while
 * {@link #close} and the switch from the read-only to the writable instance hold it exclusively, so
 * no native call ever runs on a closed handle.
 *
 * <p>Why these choices, and what they cost: docs/decisions/0004-rocksdb-backend-durability-and-damage.md.
 */
public final class RocksDbBackend implements Backend {

    static final byte[] RECORDS_FAMILY = "records".getBytes(StandardCharsets.US_ASCII);
    static final byte[] LEASES_FAMILY = "leases".getBytes(StandardCharsets.US_ASCII);
    static final byte[] META_FAMILY = "meta".getBytes(StandardCharsets.US_ASCII);
    static final byte[] CURRENT_REVISION_KEY = "current_revision".getBytes(StandardCharsets.US_ASCII);
    /** Reads of more revisions than this, from a virtual thread, go to {@link #largeReads}. */
    static final int LARGE_READ_REVISIONS = 64;
    /**
     * At most this many large reads at once; the rest wait their turn, unmounted. Each holds its
     * values on the heap until answered (a list of every pod of a large cluster is a gigabyte), so
     * this bounds the memory a storm of storage lists can take: with 16, the list-storm benchmark's
     * server ran out of a 12 GiB heap with consistent lists sent to storage. Two cores gain nothing
     * from more than a few concurrent scans.
     */
    private static final int LARGE_READ_THREADS = 4;
    static final byte[] COMPACTED_REVISION_KEY = "compacted_revision".getBytes(StandardCharsets.US_ASCII);

    private static final org.slf4j.Logger LOG = LoggerFactory.getLogger(RocksDbBackend.class);
    private static final org.slf4j.Logger ENGINE_LOG = LoggerFactory.getLogger("dev.caravel.storage.rocksdb.engine");

    private static final long BLOCK_CACHE_BYTES = 256L << 20;
    private static final long RECORDS_BLOCK_BYTES = 4 << 10;
    private static final long RECORDS_MEMTABLE_BYTES = 64L << 20;
    private static final long SMALL_MEMTABLE_BYTES = 4L << 20;
    private static final long MAX_WAL_BYTES = 512L << 20;
    /** The reused buffer a read copies values into; grown for a larger value (1.5 MiB at most). */
    private static final int VALUE_BUFFER_BYTES = 64 << 10;
    /** Readahead for reads of many records: a list walks neighbouring blocks. */
    private static final long READ_AHEAD_BYTES = 2L << 20;
    /** Readahead for the full scan at recovery: one sequential pass over everything. */
    private static final long RECOVERY_READAHEAD_BYTES = 4L << 20;

    static {
        RocksDB.loadLibrary();
    }

    private final Path directory;
    private final EngineLogger engineLogger;
    private final Cache blockCache;
    private final BloomFilter recordsFilter;
    private final DBOptions dbOptions;
    private final ColumnFamilyOptions recordsOptions;
    private final ColumnFamilyOptions smallOptions;
    private final WriteOptions syncWrites;

    /** Guards {@link #db}, the handles, {@link #writable} and {@link #closed}; see the class comment. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private RocksDB db;
    private ColumnFamilyHandle records;
    private ColumnFamilyHandle leases;
    private ColumnFamilyHandle meta;
    private final List<ColumnFamilyHandle> handles = new ArrayList<>();
    /** Volatile too, so that commits read it without taking the lock exclusively once it is set. */
    private volatile boolean writable;
    private boolean closed;
    /** Space reclamation after compactions: one thread, at most one run queued; see {@link #reclaim}. */
    private final ExecutorService reclaimer = Executors.newSingleThreadExecutor(
            Thread.ofPlatform().daemon().name("storage.rocksdb-reclaim").factory());
    /**
     * Large reads called from virtual threads run here instead. A thread inside a JNI call stays
     * pinned to its carrier, and the API server's requests run on virtual threads whose carriers
     * are as many as the cores: two list scans of a second each would stop every other request
     * of a 2-core server for that second (seen in the list-storm benchmark with the cache off).
     * A platform thread per large read leaves the carriers free; the waiting request unmounts.
     */
    private final ExecutorService largeReads = Executors.newFixedThreadPool(LARGE_READ_THREADS,
            Thread.ofPlatform().daemon().name("storage.rocksdb-read-", 0).factory());
    private final CompactRangeOptions reclaimOptions = new CompactRangeOptions()
            .setExclusiveManualCompaction(false)
            .setBottommostLevelCompaction(CompactRangeOptions.BottommostLevelCompaction.kForceOptimized);
    private final AtomicLong reclaimUpTo = new AtomicLong();
    private final AtomicBoolean reclaimQueued = new AtomicBoolean();
    /** The compacted revision last read or written, to tell a compacted revision from a missing one. */
    private volatile long compactedRevision;

    private RocksDbBackend(Path directory) {
        this.directory = directory.toAbsolutePath();
        this.engineLogger = new EngineLogger();
        this.blockCache = new LRUCache(BLOCK_CACHE_BYTES);
        this.recordsFilter = new BloomFilter(10);
        this.dbOptions = new DBOptions()
                .setParanoidChecks(true)
                .setWalRecoveryMode(WALRecoveryMode.TolerateCorruptedTailRecords)
                .setLogger(engineLogger)
                .setMaxBackgroundJobs(2)
                .setBytesPerSync(1L << 20)
                .setMaxTotalWalSize(MAX_WAL_BYTES);
        this.recordsOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(RECORDS_MEMTABLE_BYTES)
                .setCompressionType(CompressionType.LZ4_COMPRESSION)
                .setBottommostCompressionType(CompressionType.ZSTD_COMPRESSION)
                .setOptimizeFiltersForHits(true)
                .setLevelCompactionDynamicLevelBytes(true)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setBlockSize(RECORDS_BLOCK_BYTES)
                        .setCacheIndexAndFilterBlocks(true)
                        .setPinL0FilterAndIndexBlocksInCache(true)
                        .setFilterPolicy(recordsFilter));
        this.smallOptions = new ColumnFamilyOptions()
                .setWriteBufferSize(SMALL_MEMTABLE_BYTES)
                .setCompressionType(CompressionType.NO_COMPRESSION)
                .setTableFormatConfig(new BlockBasedTableConfig()
                        .setBlockCache(blockCache)
                        .setCacheIndexAndFilterBlocks(true));
        this.syncWrites = new WriteOptions().setSync(true);
    }

    /**
     * Opens the database in {@code directory}, creating it when the folder is absent or empty. An
     * existing database is opened read-only until {@link #recover} has read it all; see the class
     * comment. Damaged data gives CORRUPTED naming the file.
     */
    public static RocksDbBackend open(Path directory) {
        RocksDbBackend backend = new RocksDbBackend(directory);
        try {
            if (backend.isFresh()) {
                Files.createDirectories(backend.directory);
                backend.openWritable(true);
            } else {
                backend.openReadOnly();
            }
            return backend;
        } catch (IOException | UncheckedIOException e) {
            backend.close();
            throw new StorageException(StorageException.Kind.INTERNAL,
                    "cannot use " + backend.directory + " as a database folder: " + e.getMessage(), e);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
    }

    public Path directory() {
        return directory;
    }

    /**
     * True when there is nothing here to lose: no folder, an empty one, or only what RocksDB leaves
     * when it is stopped while creating a database, before CURRENT exists (lock, info log, IDENTITY,
     * a first MANIFEST and OPTIONS, a temporary file). Any other file without CURRENT (an SST, a WAL,
     * something that is not RocksDB's) is CORRUPTED: never a new store over someone's data.
     */
    private boolean isFresh() throws IOException {
        if (!Files.exists(directory)) {
            return true;
        }
        List<String> names = fileNames();
        if (names.contains("CURRENT")) {
            return false;
        }
        List<String> data = names.stream().filter(name -> !isLeftByCreation(name)).toList();
        if (data.isEmpty()) {
            return true;
        }
        throw RocksDbRecordFormat.corrupted(directory, "the folder holds " + data
                + " but no CURRENT file; refusing to start an empty store over them");
    }

    private static boolean isLeftByCreation(String name) {
        return name.equals("LOCK") || name.startsWith("LOG") || name.equals("IDENTITY")
                || name.startsWith("MANIFEST-") || name.startsWith("OPTIONS-") || name.endsWith(".dbtmp");
    }

    private List<String> fileNames() {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(file -> file.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + directory, e);
        }
    }

    private List<ColumnFamilyDescriptor> descriptors() {
        return List.of(
                new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallOptions),
                new ColumnFamilyDescriptor(RECORDS_FAMILY, recordsOptions),
                new ColumnFamilyDescriptor(LEASES_FAMILY, smallOptions),
                new ColumnFamilyDescriptor(META_FAMILY, smallOptions));
    }

    private void openReadOnly() {
        engineLogger.startCapturing();
        try {
            List<ColumnFamilyHandle> opened = new ArrayList<>();
            db = RocksDB.openReadOnly(dbOptions, directory.toString(), descriptors(), opened);
            adopt(opened, false);
        } catch (RocksDBException e) {
            throw openFailure(e);
        } finally {
            engineLogger.stopCapturing();
        }
    }

    private void openWritable(boolean create) {
        engineLogger.startCapturing();
        try {
            dbOptions.setCreateIfMissing(create).setCreateMissingColumnFamilies(create);
            List<ColumnFamilyHandle> opened = new ArrayList<>();
            db = RocksDB.open(dbOptions, directory.toString(), descriptors(), opened);
            adopt(opened, true);
        } catch (RocksDBException e) {
            throw openFailure(e);
        } finally {
            engineLogger.stopCapturing();
        }
    }

    private void adopt(List<ColumnFamilyHandle> opened, boolean isWritable) {
        handles.addAll(opened);
        records = opened.get(1);
        leases = opened.get(2);
        meta = opened.get(3);
        writable = isWritable;
    }

    private void closeDbLocked() {
        handles.forEach(ColumnFamilyHandle::close);
        handles.clear();
        if (db != null) {
            try {
                db.closeE();
            } catch (RocksDBException e) {
                LOG.warn("storage.rocksdb: closing {} failed: {}", directory, describe(e));
            }
            db = null;
        }
    }

    /** Once everything has been read, the read-only instance gives way to a writable one. */
    private void ensureWritableLocked() {
        if (writable) {
            return;
        }
        closeDbLocked();
        openWritable(false);
    }

    @Override
    public void recover(RecoveryVisitor visitor) {
        long started = System.nanoTime();
        lock.readLock().lock();
        try {
            checkOpenLocked();
            streamLocked(visitor);
        } finally {
            lock.readLock().unlock();
        }
        long read = System.nanoTime();
        lock.writeLock().lock();
        try {
            checkOpenLocked();
            ensureWritableLocked();
        } finally {
            lock.writeLock().unlock();
        }
        LOG.debug("storage.rocksdb: {}: read everything in {} ms, reopened for writing in {} ms", directory,
                (read - started) / 1_000_000, (System.nanoTime() - read) / 1_000_000);
    }

    private void streamLocked(RecoveryVisitor visitor) {
        try (ReadOptions scan = new ReadOptions().setFillCache(false).setReadaheadSize(RECOVERY_READAHEAD_BYTES)) {
            byte[] storedCurrent = db.get(meta, CURRENT_REVISION_KEY);
            byte[] storedCompacted = db.get(meta, COMPACTED_REVISION_KEY);
            long current = storedCurrent == null ? 0
                    : RocksDbRecordFormat.decodeMeta(CURRENT_REVISION_KEY, storedCurrent, directory);
            long compacted = storedCompacted == null ? 0
                    : RocksDbRecordFormat.decodeMeta(COMPACTED_REVISION_KEY, storedCompacted, directory);
            if (compacted > current) {
                throw RocksDbRecordFormat.corrupted(directory,
                        "compacted revision " + compacted + " is ahead of the current revision " + current);
            }
            compactedRevision = compacted;
            visitor.meta(current, compacted);
            try (RocksIterator it = db.newIterator(records, scan)) {
                Revision previous = null;
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    RevisionRecord record = RocksDbRecordFormat.decodeRecord(it.key(), it.value(), directory);
                    if (record.revision().main() > current) {
                        throw RocksDbRecordFormat.corrupted(directory, "record " + record.revision()
                                + " is ahead of the stored current revision " + current);
                    }
                    if (previous != null && record.revision().compareTo(previous) <= 0) {
                        throw RocksDbRecordFormat.corrupted(directory,
                                "record " + record.revision() + " follows " + previous);
                    }
                    previous = record.revision();
                    visitor.record(record);
                }
                it.status();
            }
            try (RocksIterator it = db.newIterator(leases, scan)) {
                for (it.seekToFirst(); it.isValid(); it.next()) {
                    visitor.lease(RocksDbRecordFormat.decodeLease(it.key(), it.value(), directory));
                }
                it.status();
            }
        } catch (RocksDBException e) {
            throw openFailure(e);
        }
    }

    /** The first write, when recover() was never called, also switches to the writable instance. */
    private void ensureWritable() {
        if (writable) {
            return;
        }
        lock.writeLock().lock();
        try {
            checkOpenLocked();
            ensureWritableLocked();
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void commit(CommitBatch batch) {
        ensureWritable();
        lock.readLock().lock();
        try (WriteBatch write = new WriteBatch()) {
            checkOpenLocked();
            for (RevisionRecord record : batch.records()) {
                write.put(records, record.revision().encode(), RocksDbRecordFormat.encodeRecord(record));
            }
            for (LeaseRecord lease : batch.grantedLeases()) {
                write.put(leases, RocksDbRecordFormat.encodeLeaseKey(lease.id()), RocksDbRecordFormat.encodeLease(lease));
            }
            for (long id : batch.revokedLeaseIds()) {
                write.delete(leases, RocksDbRecordFormat.encodeLeaseKey(id));
            }
            write.put(meta, CURRENT_REVISION_KEY, RocksDbRecordFormat.encodeMeta(CURRENT_REVISION_KEY, batch.currentRevision()));
            db.write(syncWrites, write);
        } catch (RocksDBException e) {
            throw failure("committing up to revision " + batch.currentRevision(), e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public List<RevisionRecord> read(List<Revision> revisions) {
        if (revisions.isEmpty()) {
            return List.of();
        }
        if (revisions.size() > LARGE_READ_REVISIONS && Thread.currentThread().isVirtual()) {
            return offCarrier(() -> readRecords(revisions));
        }
        return readRecords(revisions);
    }

    /** Runs a large read on a platform thread and waits for it, unmounted; see {@link #largeReads}. */
    private <T> T offCarrier(java.util.concurrent.Callable<T> read) {
        java.util.concurrent.Future<T> result;
        try {
            result = largeReads.submit(read);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "RocksDB database " + directory + " is closed");
        }
        try {
            return result.get();
        } catch (InterruptedException e) {
            result.cancel(false);
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.INTERNAL, "storage.rocksdb: interrupted while reading");
        } catch (java.util.concurrent.ExecutionException e) {
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new StorageException(StorageException.Kind.INTERNAL, "storage.rocksdb: read failed: " + e.getCause());
        }
    }

    private List<RevisionRecord> readRecords(List<Revision> revisions) {
        // A range's revisions, sorted, are mostly neighbours in the records family (keys written
        // together get consecutive revisions). One iterator walking them in revision order reads
        // each block once and mostly steps with next(), where a multiGet would search every key
        // from the top: measured about twice as fast for a 50,000-key list of 4 KiB values.
        int[] order = revisionOrder(revisions);
        RevisionRecord[] result = new RevisionRecord[revisions.size()];
        lock.readLock().lock();
        try (ReadOptions options = new ReadOptions().setReadaheadSize(revisions.size() > 64 ? READ_AHEAD_BYTES : 0);
             RocksIterator iterator = db.newIterator(records, options)) {
            checkOpenLocked();
            ByteBuffer value = ByteBuffer.allocateDirect(VALUE_BUFFER_BYTES);
            for (int position : order) {
                Revision wanted = revisions.get(position);
                byte[] wantedKey = wanted.encode();
                if (!iterator.isValid() || !Arrays.equals(iterator.key(), wantedKey)) {
                    iterator.seek(wantedKey);
                    if (!iterator.isValid() || !Arrays.equals(iterator.key(), wantedKey)) {
                        iterator.status();
                        throw missing(wanted);
                    }
                }
                int size = iterator.value(value.clear());
                if (size > value.capacity()) {
                    value = ByteBuffer.allocateDirect(Math.max(size, 2 * value.capacity()));
                    iterator.value(value);
                }
                value.position(0).limit(size);
                result[position] = RocksDbRecordFormat.decodeRecord(wantedKey, value, directory);
                iterator.next();
            }
            return Arrays.asList(result);
        } catch (RocksDBException e) {
            throw failure("reading " + revisions.size() + " revisions", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Positions of {@code revisions} in ascending revision order; already sorted input costs one pass. */
    private static int[] revisionOrder(List<Revision> revisions) {
        int count = revisions.size();
        int[] order = new int[count];
        boolean sorted = true;
        for (int i = 0; i < count; i++) {
            order[i] = i;
            if (i > 0 && revisions.get(i - 1).compareTo(revisions.get(i)) > 0) {
                sorted = false;
            }
        }
        if (sorted) {
            return order;
        }
        return java.util.stream.IntStream.range(0, count).boxed()
                .sorted((a, b) -> revisions.get(a).compareTo(revisions.get(b)))
                .mapToInt(Integer::intValue).toArray();
    }

    private StorageException missing(Revision revision) {
        long compacted = compactedRevision;
        if (revision.main() <= compacted) {
            return StorageException.compacted(revision.main(), compacted);
        }
        return new StorageException(StorageException.Kind.INTERNAL,
                "RocksDB database " + directory + " has no record " + revision + " though the store asked for it");
    }

    @Override
    public List<RevisionRecord> scan(long fromMainRevision, long toMainRevision, int limit) {
        if (limit <= 0 || fromMainRevision > toMainRevision) {
            return List.of();
        }
        if (limit > LARGE_READ_REVISIONS && Thread.currentThread().isVirtual()) {
            return offCarrier(() -> scanRecords(fromMainRevision, toMainRevision, limit));
        }
        return scanRecords(fromMainRevision, toMainRevision, limit);
    }

    private List<RevisionRecord> scanRecords(long fromMainRevision, long toMainRevision, int limit) {
        List<RevisionRecord> result = new ArrayList<>();
        byte[] start = new Revision(Math.max(0, fromMainRevision), 0).encode();
        byte[] end = toMainRevision == Long.MAX_VALUE ? null : new Revision(toMainRevision + 1, 0).encode();
        lock.readLock().lock();
        try (Slice upperBound = end == null ? null : new Slice(end);
             ReadOptions options = new ReadOptions()) {
            checkOpenLocked();
            if (upperBound != null) {
                options.setIterateUpperBound(upperBound);
            }
            try (RocksIterator it = db.newIterator(records, options)) {
                for (it.seek(start); it.isValid() && result.size() < limit; it.next()) {
                    result.add(RocksDbRecordFormat.decodeRecord(it.key(), it.value(), directory));
                }
                it.status();
            }
            return result;
        } catch (RocksDBException e) {
            throw failure("scanning revisions " + fromMainRevision + " to " + toMainRevision, e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void compact(long compactRevision, Collection<Revision> obsolete) {
        ensureWritable();
        lock.readLock().lock();
        try {
            checkOpenLocked();
            // One atomic batch: the compacted revision and the deletions it implies become durable
            // together, so a crash never leaves records gone under an older compacted revision.
            try (WriteBatch write = new WriteBatch()) {
                for (Revision revision : obsolete) {
                    write.delete(records, revision.encode());
                }
                write.put(meta, COMPACTED_REVISION_KEY, RocksDbRecordFormat.encodeMeta(COMPACTED_REVISION_KEY, compactRevision));
                db.write(syncWrites, write);
            }
            compactedRevision = compactRevision;
        } catch (RocksDBException e) {
            throw failure("compacting at revision " + compactRevision, e);
        } finally {
            lock.readLock().unlock();
        }
        reclaimUpTo.accumulateAndGet(compactRevision, Math::max);
        if (reclaimQueued.compareAndSet(false, true)) {
            reclaimer.execute(this::reclaim);
        }
    }

    /**
     * Deletes only write tombstones; compacting the range they fall in is what frees the space. That
     * rewrites every SST file holding old revisions, seconds for a large database, so it runs here,
     * on its own thread, and never holds up the store's committer, which called {@link #compact}.
     * Not exclusive, so the background compactions of new writes go on meanwhile; {@link #close}
     * cancels it.
     */
    private void reclaim() {
        reclaimQueued.set(false);
        long upTo = reclaimUpTo.get();
        long started = System.nanoTime();
        lock.readLock().lock();
        try {
            if (closed) {
                return;
            }
            db.compactRange(records, null, new Revision(upTo + 1, 0).encode(), reclaimOptions);
            LOG.debug("storage.rocksdb: reclaimed the space of revisions up to {} in {} ms",
                    upTo, (System.nanoTime() - started) / 1_000_000);
        } catch (RocksDBException e) {
            if (!reclaimOptions.canceled()) {
                LOG.warn("storage.rocksdb: reclaiming the space of revisions up to {} in {} failed: {}",
                        upTo, directory, describe(e));
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** Live SST files of every family plus the write-ahead log. */
    @Override
    public long sizeBytes() {
        lock.readLock().lock();
        try {
            checkOpenLocked();
            long bytes = 0;
            for (ColumnFamilyHandle handle : handles) {
                bytes += db.getLongProperty(handle, "rocksdb.live-sst-files-size");
            }
            if (writable) {
                for (LogFile wal : db.getSortedWalFiles()) {
                    bytes += wal.sizeFileBytes();
                }
            }
            return bytes;
        } catch (RocksDBException e) {
            throw failure("measuring its size", e);
        } finally {
            lock.readLock().unlock();
        }
    }

    @Override
    public void close() {
        // A running reclaim returns soon once canceled, and gives the lock up to close.
        reclaimOptions.setCanceled(true);
        reclaimer.shutdown();
        largeReads.shutdown();
        lock.writeLock().lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            closeDbLocked();
            reclaimOptions.close();
            syncWrites.close();
            dbOptions.close();
            recordsOptions.close();
            smallOptions.close();
            recordsFilter.close();
            blockCache.close();
            engineLogger.close();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void checkOpenLocked() {
        if (closed) {
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "RocksDB database " + directory + " is closed");
        }
    }

    /**
     * An error while opening or reading an existing database through to the end of recovery. Every
     * sign of damage is CORRUPTED and names the file: RocksDB's status usually does; when it does not,
     * the engine's own warnings while opening often do, and failing both the folder's files are listed.
     */
    private StorageException openFailure(RocksDBException e) {
        String message = describe(e);
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        if (isLockHeld(message)) {
            return new StorageException(StorageException.Kind.UNAVAILABLE,
                    "RocksDB database " + directory + " is already open in another process: " + message, e);
        }
        boolean damage = code == Status.Code.Corruption || code == Status.Code.IOError
                || code == Status.Code.InvalidArgument
                || code == Status.Code.Incomplete;
        if (!damage) {
            return new StorageException(StorageException.Kind.INTERNAL,
                    "RocksDB database " + directory + " cannot be opened: " + message, e);
        }
        StringBuilder text = new StringBuilder("RocksDB database ").append(directory)
                .append(" is damaged: ").append(message);
        if (!namesAFile(message)) {
            List<String> namingWarnings = engineLogger.captured().stream().filter(RocksDbBackend::namesAFile).toList();
            if (!namingWarnings.isEmpty()) {
                text.append("; RocksDB reported: ").append(String.join(" | ", namingWarnings));
            } else {
                text.append("; files checked: ").append(fileNames());
            }
        }
        return new StorageException(StorageException.Kind.CORRUPTED, text.toString(), e);
    }

    private StorageException failure(String action, RocksDBException e) {
        Status.Code code = e.getStatus() == null ? null : e.getStatus().getCode();
        StorageException.Kind kind = code == Status.Code.Corruption
                ? StorageException.Kind.CORRUPTED : StorageException.Kind.INTERNAL;
        return new StorageException(kind, "RocksDB database " + directory + " failed " + action + ": " + describe(e), e);
    }

    private static boolean isLockHeld(String message) {
        return message.contains("LOCK") && (message.contains("temporarily unavailable") || message.contains("lock hold"));
    }

    private static boolean namesAFile(String message) {
        return message.contains(".sst") || message.contains(".log") || message.contains("MANIFEST")
                || message.contains("CURRENT") || message.contains("OPTIONS");
    }

    private static String describe(RocksDBException e) {
        if (e.getStatus() != null && e.getStatus().getState() != null) {
            return e.getStatus().getCodeString() + ": " + e.getStatus().getState();
        }
        return String.valueOf(e.getMessage());
    }

    /**
     * RocksDB's info log, sent to SLF4J instead of LOG files in the data folder. While a database is
     * being opened it also keeps the warnings, which often name the file a status message does not.
     */
    private static final class EngineLogger extends Logger {
        private static final int CAPTURED_LINES = 16;
        private final Deque<String> captured = new ArrayDeque<>();
        private boolean capturing;

        EngineLogger() {
            super(InfoLogLevel.WARN_LEVEL);
        }

        synchronized void startCapturing() {
            captured.clear();
            capturing = true;
        }

        synchronized void stopCapturing() {
            capturing = false;
        }

        synchronized List<String> captured() {
            return List.copyOf(captured);
        }

        @Override
        protected void log(InfoLogLevel level, String message) {
            switch (level) {
                case ERROR_LEVEL, FATAL_LEVEL -> ENGINE_LOG.error("storage.rocksdb: {}", message);
                case WARN_LEVEL -> ENGINE_LOG.warn("storage.rocksdb: {}", message);
                case INFO_LEVEL -> ENGINE_LOG.info("storage.rocksdb: {}", message);
                default -> ENGINE_LOG.debug("storage.rocksdb: {}", message);
            }
            synchronized (this) {
                if (capturing) {
                    if (captured.size() == CAPTURED_LINES) {
                        captured.removeFirst();
                    }
                    captured.addLast(message.strip());
                }
            }
        }
    }
}
