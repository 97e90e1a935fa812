package dev.caravel.storage.mvcc;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.Compare;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.Lease;
import dev.caravel.storage.Op;
import dev.caravel.storage.OpResult;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.StorageLimits;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.TxnResponse;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.LongFunction;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The multi-version engine of the memory and RocksDB stores, in etcd's model (etcd's mvcc package
 * over its backend): an in-memory {@link KeyIndex} from keys to revisions, the history itself in a
 * {@link Backend}, one committer thread, watchers in synced and unsynced groups, and leases.
 *
 * <p><b>Writes</b> (transactions with a put or delete, lease grants and revokes, compaction) go
 * through one queue. The committer takes as many as are waiting (up to {@link Config#maxBatchRequests}
 * and {@link Config#maxBatchBytes}), evaluates them one after another against the latest state, each
 * writing transaction getting the next main revision, then writes the whole batch with one
 * {@link Backend#commit} (one fsync for all the writers waiting), publishes the batch's last
 * revision, hands its events to the watchers and completes the writers.
 *
 * <p><b>Reads</b> run on the caller's thread at the published revision (or an older one), so they
 * never see a batch before it is durable. Read-only transactions take the same path.
 *
 * <p>A failed {@link Backend#commit} leaves the index ahead of the backend; as etcd does when its
 * backend fails, the store then stops: every call after it fails with UNAVAILABLE.
 *
 * <p>Why it is built this way: docs/decisions/0007-mvcc-commit-and-watch-delivery.md.
 */
public final class MvccStore implements KeyValueStore {

    private static final Logger log = LoggerFactory.getLogger("storage.mvcc");

    /** The index's view of "the newest version", including revisions of the batch being evaluated. */
    private static final long LATEST = Long.MAX_VALUE;

    /**
     * The engine's tunables.
     *
     * @param watcherBufferEvents    events a watcher may have waiting for its listener before it is
     *                               moved to the unsynced group and caught up from the backend
     * @param progressNotifyInterval how often watches that asked for progress notifications get one when idle
     *                               (etcd's default is 10 minutes)
     * @param leaseCheckInterval     how often expired leases are looked for
     * @param maxBatchRequests       most write requests in one group commit
     * @param maxBatchBytes          most request bytes in one group commit (a single larger request still goes alone)
     * @param watchSyncBatchRecords  most records one catch-up scan of an unsynced watcher reads
     * @param watchSyncInterval      how often the sync loop retries unsynced watchers without being woken
     * @param slowListenerTimeout    how long one listener call may run before its watch is ended with
     *                               WATCHER_TOO_SLOW: the only case a watch is given up for being slow, since
     *                               a watcher that merely falls behind is caught up from the backend
     */
    public record Config(int watcherBufferEvents, Duration progressNotifyInterval, Duration leaseCheckInterval,
                         int maxBatchRequests, long maxBatchBytes, int watchSyncBatchRecords, Duration watchSyncInterval,
                         Duration slowListenerTimeout) {

        public Config {
            if (watcherBufferEvents < 1 || maxBatchRequests < 1 || maxBatchBytes < 1 || watchSyncBatchRecords < 1) {
                throw new IllegalArgumentException("buffer and batch limits must be positive");
            }
            Objects.requireNonNull(progressNotifyInterval, "progressNotifyInterval");
            Objects.requireNonNull(leaseCheckInterval, "leaseCheckInterval");
            Objects.requireNonNull(watchSyncInterval, "watchSyncInterval");
            Objects.requireNonNull(slowListenerTimeout, "slowListenerTimeout");
            for (Duration interval : List.of(progressNotifyInterval, leaseCheckInterval, watchSyncInterval, slowListenerTimeout)) {
                if (interval.isNegative() || interval.isZero()) {
                    throw new IllegalArgumentException("intervals must be positive: " + interval);
                }
            }
        }

        /**
         * 1024 buffered events per watcher (etcd's chanBufLen), 10 minutes between progress notifications
         * (etcd's default), leases checked every 500 ms (etcd's lessor checks as often), 256 requests or
         * 8 MiB per commit, catch-up scans of 1000 records (etcd's maxWatchersPerSync order of magnitude),
         * a sync retry every 100 ms (etcd's watchable store loop), and a listener call may take a minute
         * before its watch is given up.
         */
        public static Config defaults() {
            return new Config(1024, Duration.ofMinutes(10), Duration.ofMillis(500), 256, 8L << 20, 1000,
                    Duration.ofMillis(100), Duration.ofMinutes(1));
        }

        public Config withWatcherBufferEvents(int events) {
            return new Config(events, progressNotifyInterval, leaseCheckInterval, maxBatchRequests, maxBatchBytes,
                    watchSyncBatchRecords, watchSyncInterval, slowListenerTimeout);
        }

        public Config withProgressNotifyInterval(Duration interval) {
            return new Config(watcherBufferEvents, interval, leaseCheckInterval, maxBatchRequests, maxBatchBytes,
                    watchSyncBatchRecords, watchSyncInterval, slowListenerTimeout);
        }

        public Config withLeaseCheckInterval(Duration interval) {
            return new Config(watcherBufferEvents, progressNotifyInterval, interval, maxBatchRequests, maxBatchBytes,
                    watchSyncBatchRecords, watchSyncInterval, slowListenerTimeout);
        }

        public Config withBatchLimits(int requests, long bytes) {
            return new Config(watcherBufferEvents, progressNotifyInterval, leaseCheckInterval, requests, bytes,
                    watchSyncBatchRecords, watchSyncInterval, slowListenerTimeout);
        }

        public Config withWatchSyncBatchRecords(int records) {
            return new Config(watcherBufferEvents, progressNotifyInterval, leaseCheckInterval, maxBatchRequests,
                    maxBatchBytes, records, watchSyncInterval, slowListenerTimeout);
        }

        public Config withSlowListenerTimeout(Duration timeout) {
            return new Config(watcherBufferEvents, progressNotifyInterval, leaseCheckInterval, maxBatchRequests,
                    maxBatchBytes, watchSyncBatchRecords, watchSyncInterval, timeout);
        }
    }

    // ---- write requests, handed to the committer ----

    private sealed interface WriteRequest {
        CompletableFuture<Object> future();

        default long bytes() {
            return 64;
        }
    }

    private record TxnWrite(TxnRequest request, long payloadBytes, CompletableFuture<Object> future) implements WriteRequest {
        @Override
        public long bytes() {
            return payloadBytes;
        }
    }

    private record GrantWrite(long ttlSeconds, CompletableFuture<Object> future) implements WriteRequest {}

    /** {@code expiry}: enqueued by the lease checker; skipped if the lease was renewed meanwhile. */
    private record RevokeWrite(long leaseId, boolean expiry, CompletableFuture<Object> future) implements WriteRequest {}

    private record CompactWrite(long revision, CompletableFuture<Object> future) implements WriteRequest {}

    /** Tells the committer to stop once the requests before it are done. */
    private record Stop(CompletableFuture<Object> future) implements WriteRequest {}

    /** What one group commit has gathered so far. Committer thread only. */
    private static final class Batch {
        long revision;
        final List<RevisionRecord> records = new ArrayList<>();
        /** Values written in this batch by revision: reads inside the batch find them before the backend has them. */
        final Map<Revision, KeyValue> written = new HashMap<>();
        final List<LeaseRecord> granted = new ArrayList<>();
        final List<Long> revoked = new ArrayList<>();
        final List<WatcherGroups.Change> changes = new ArrayList<>();
        final List<Runnable> completions = new ArrayList<>();

        Batch(long revision) {
            this.revision = revision;
        }

        boolean writesBackend() {
            return !records.isEmpty() || !granted.isEmpty() || !revoked.isEmpty();
        }
    }

    private final Backend backend;
    private final Config config;
    private final KeyIndex index = new KeyIndex();
    private final LeaseTable leases = new LeaseTable(System::nanoTime);
    private final WatcherGroups watchers;
    private final LinkedBlockingQueue<WriteRequest> queue = new LinkedBlockingQueue<>();
    private final AtomicLong watchIds = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Set when the committer failed: the index may be ahead of the backend, so nothing may be served any more. */
    private volatile boolean failed;

    /**
     * Readers of history (ranges, read-only transactions, watch catch-up) hold the read lock from the
     * compaction check to their last backend read; compaction takes the write lock only to raise
     * {@link #compactedRevision}, which so waits for readers of revisions about to be removed;
     * close takes it to let readers finish before the backend closes. Lock order: a watcher's call
     * lock, this lock, WatcherGroups' lock, then KeyIndex's (see package-info).
     */
    private final ReentrantReadWriteLock historyLock = new ReentrantReadWriteLock();

    /** The revision readers and watchers see; written only under WatcherGroups' lock, by the committer. */
    private volatile long committedRevision;
    /** Written under historyLock's write lock, by the committer. */
    private volatile long compactedRevision;
    /** The last revision the committer assigned and published. Committer thread only. */
    private long lastRevision;

    private final Thread committer;
    private final Thread syncLoop;
    private final ScheduledExecutorService timers;
    private final ExecutorService deliveryExecutor;

    private MvccStore(Backend backend, Config config) {
        this.backend = backend;
        this.config = config;
        this.watchers = new WatcherGroups(this, config.watchSyncBatchRecords(), config.watchSyncInterval().toNanos());
        recover();
        this.deliveryExecutor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("storage.mvcc-watch-", 0).factory());
        this.committer = Thread.ofPlatform().daemon().name("storage.mvcc-committer").unstarted(this::runCommitter);
        this.syncLoop = Thread.ofPlatform().daemon().name("storage.mvcc-watch-sync").unstarted(watchers::runSyncLoop);
        this.timers = Executors.newSingleThreadScheduledExecutor(
                Thread.ofPlatform().daemon().name("storage.mvcc-timers").factory());
    }

    /** Opens a store over {@code backend}, rebuilding the key index and leases from it. The store owns the backend. */
    public static MvccStore open(Backend backend, Config config) {
        Objects.requireNonNull(backend, "backend");
        Objects.requireNonNull(config, "config");
        MvccStore store;
        try {
            store = new MvccStore(backend, config);
        } catch (RuntimeException e) {
            try {
                backend.close();
            } catch (RuntimeException closing) {
                e.addSuppressed(closing);
            }
            throw e;
        }
        store.start();
        return store;
    }

    public static MvccStore open(Backend backend) {
        return open(backend, Config.defaults());
    }

    private void start() {
        committer.start();
        syncLoop.start();
        long leaseCheck = config.leaseCheckInterval().toNanos();
        timers.scheduleWithFixedDelay(this::expireLeases, leaseCheck, leaseCheck, TimeUnit.NANOSECONDS);
        long progress = config.progressNotifyInterval().toNanos();
        timers.scheduleAtFixedRate(watchers::progressTick, progress, progress, TimeUnit.NANOSECONDS);
        long slow = config.slowListenerTimeout().toNanos();
        long slowCheck = Math.clamp(slow / 4, TimeUnit.MILLISECONDS.toNanos(10), TimeUnit.SECONDS.toNanos(5));
        timers.scheduleWithFixedDelay(() -> watchers.endStuckListeners(slow), slowCheck, slowCheck, TimeUnit.NANOSECONDS);
    }

    private void recover() {
        long[] meta = new long[2];
        long[] lastRecord = new long[1];
        int[] counts = new int[2];
        backend.recover(new Backend.RecoveryVisitor() {
            @Override
            public void meta(long currentRevision, long compactedRevision) {
                meta[0] = currentRevision;
                meta[1] = compactedRevision;
            }

            @Override
            public void record(RevisionRecord record) {
                long main = record.revision().main();
                if (main < lastRecord[0]) {
                    throw new IllegalStateException("storage.mvcc: recovery: records out of order: " + lastRecord[0]
                            + " then " + record.revision());
                }
                lastRecord[0] = main;
                index.restore(record);
                counts[0]++;
            }

            @Override
            public void lease(LeaseRecord lease) {
                leases.add(lease.id(), lease.ttlSeconds());
                counts[1]++;
            }
        });
        // A new store is at revision 1 and its first write gets 2, as etcd.
        lastRevision = Math.max(1, Math.max(meta[0], lastRecord[0]));
        committedRevision = lastRevision;
        compactedRevision = meta[1];
        for (KeyIndex.KeyRevision alive : index.alive(LATEST)) {
            if (alive.lease() == 0) {
                continue;
            }
            if (leases.get(alive.lease()) == null) {
                log.warn("storage.mvcc: recovery: key {} is attached to lease {} which no longer exists",
                        ByteKeys.toUtf8(alive.key()), alive.lease());
            } else {
                leases.attach(alive.lease(), new KeyBytes(alive.key()));
            }
        }
        log.info("storage.mvcc: recovered revision {} (compacted {}), {} records, {} leases",
                lastRevision, compactedRevision, counts[0], counts[1]);
    }

    // ---- KeyValueStore ----

    @Override
    public OpResult.RangeResult range(RangeRequest request) {
        ensureOpen();
        requireKey(request.key(), "range");
        historyLock.readLock().lock();
        try {
            ensureOpen();
            long current = committedRevision;
            long at = request.revision() == 0 ? current : request.revision();
            checkReadable(at, current);
            return rangeAt(request, at, current, null);
        } finally {
            historyLock.readLock().unlock();
        }
    }

    @Override
    public TxnResponse txn(TxnRequest request) {
        ensureOpen();
        long bytes = request.payloadBytes();
        if (bytes > StorageLimits.MAX_REQUEST_BYTES) {
            throw StorageException.requestTooLarge(bytes, StorageLimits.MAX_REQUEST_BYTES);
        }
        if (request.compares().size() > StorageLimits.MAX_TXN_OPS || request.success().size() > StorageLimits.MAX_TXN_OPS
                || request.failure().size() > StorageLimits.MAX_TXN_OPS) {
            throw new StorageException(StorageException.Kind.INVALID_REQUEST,
                    "too many operations in txn request (the limit is " + StorageLimits.MAX_TXN_OPS + " per branch)");
        }
        validateBranch(request.success());
        validateBranch(request.failure());
        for (Compare compare : request.compares()) {
            requireKey(compare.key(), "compare");
        }
        if (isReadOnly(request)) {
            historyLock.readLock().lock();
            try {
                ensureOpen();
                long current = committedRevision;
                return evaluateTxn(request, null, current, current);
            } finally {
                historyLock.readLock().unlock();
            }
        }
        return (TxnResponse) submit(new TxnWrite(request, bytes, new CompletableFuture<>()));
    }

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        ensureOpen();
        Objects.requireNonNull(listener, "listener");
        Watcher watcher = new Watcher(watchIds.incrementAndGet(), request.key(), request.rangeEnd(), request.prevKv(),
                request.progressNotify(), listener, watchers, deliveryExecutor, config.watcherBufferEvents());
        watchers.add(watcher, request.startRevision());
        log.debug("storage.mvcc: {} started at revision {}", watcher, request.startRevision());
        return watcher;
    }

    @Override
    public void compact(long revision) {
        submit(new CompactWrite(revision, new CompletableFuture<>()));
    }

    @Override
    public long currentRevision() {
        return committedRevision;
    }

    /** The revision below which history is gone (0 when never compacted). */
    public long compactedRevision() {
        return compactedRevision;
    }

    /** The backend's size, for metrics and benchmarks. */
    public long sizeBytes() {
        return backend.sizeBytes();
    }

    @Override
    public Lease grantLease(long ttlSeconds) {
        if (ttlSeconds < 0) {
            throw new StorageException(StorageException.Kind.INVALID_REQUEST, "lease TTL must not be negative: " + ttlSeconds);
        }
        return (Lease) submit(new GrantWrite(Math.max(1, ttlSeconds), new CompletableFuture<>()));
    }

    @Override
    public void revokeLease(long leaseId) {
        submit(new RevokeWrite(leaseId, false, new CompletableFuture<>()));
    }

    @Override
    public Lease keepAlive(long leaseId) {
        ensureOpen();
        LeaseTable.LeaseState lease = leases.live(leaseId);
        if (lease == null) {
            throw leaseNotFound(leaseId);
        }
        lease.deadlineNanos = leases.now() + TimeUnit.SECONDS.toNanos(lease.ttlSeconds);
        return new Lease(leaseId, lease.ttlSeconds, lease.ttlSeconds);
    }

    @Override
    public Lease timeToLive(long leaseId) {
        ensureOpen();
        LeaseTable.LeaseState lease = leases.get(leaseId);
        if (lease == null) {
            return new Lease(leaseId, 0, -1);
        }
        return new Lease(leaseId, lease.ttlSeconds, lease.remainingSeconds(leases.now()));
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        CompletableFuture<Object> stopped = new CompletableFuture<>();
        queue.add(new Stop(stopped));
        joinQuietly(committer);
        failQueued();
        timers.shutdownNow();
        watchers.stop(new StorageException(StorageException.Kind.UNAVAILABLE, "the store is closed"));
        joinQuietly(syncLoop);
        deliveryExecutor.shutdown();
        try {
            if (!deliveryExecutor.awaitTermination(2, TimeUnit.SECONDS)) {
                log.warn("storage.mvcc: watch listeners still running 2 s after close");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        // Readers hold the history lock's read side around their backend calls and check for close
        // once they hold it: taking the write side here lets those in flight finish before the
        // backend (native memory, for RocksDB) goes away.
        historyLock.writeLock().lock();
        try {
            backend.close();
        } finally {
            historyLock.writeLock().unlock();
        }
        log.info("storage.mvcc: closed at revision {}", committedRevision);
    }

    // ---- reading ----

    /** Reads a range at {@code at}; values come from the batch (when evaluating one) or the backend, in one call. */
    private OpResult.RangeResult rangeAt(RangeRequest request, long at, long header, Batch batch) {
        long limit = request.countOnly() ? -1 : request.limit();
        KeyIndex.RangeHits hits = index.range(request.key(), request.rangeEnd(), at, limit);
        if (request.countOnly()) {
            return new OpResult.RangeResult(List.of(), false, hits.count(), header);
        }
        List<KeyValue> kvs;
        if (request.keysOnly()) {
            kvs = new ArrayList<>(hits.hits().size());
            for (KeyIndex.KeyRevision hit : hits.hits()) {
                kvs.add(hit.withoutValue());
            }
        } else {
            kvs = readKvs(hits.hits(), batch);
        }
        boolean more = request.limit() > 0 && hits.count() > request.limit();
        return new OpResult.RangeResult(kvs, more, hits.count(), header);
    }

    private List<KeyValue> readKvs(List<KeyIndex.KeyRevision> hits, Batch batch) {
        if (hits.isEmpty()) {
            return List.of();
        }
        KeyValue[] kvs = new KeyValue[hits.size()];
        List<Revision> fromBackend = new ArrayList<>(hits.size());
        List<Integer> positions = new ArrayList<>(hits.size());
        for (int i = 0; i < hits.size(); i++) {
            Revision revision = hits.get(i).revision();
            KeyValue pending = batch == null ? null : batch.written.get(revision);
            if (pending != null) {
                kvs[i] = pending;
            } else {
                fromBackend.add(revision);
                positions.add(i);
            }
        }
        if (!fromBackend.isEmpty()) {
            List<RevisionRecord> records = backend.read(fromBackend);
            if (records.size() != fromBackend.size()) {
                throw new StorageException(StorageException.Kind.INTERNAL, "storage.mvcc: backend returned "
                        + records.size() + " records for " + fromBackend.size() + " revisions");
            }
            for (int i = 0; i < records.size(); i++) {
                kvs[positions.get(i)] = records.get(i).kv();
            }
        }
        return List.of(kvs);
    }

    private KeyValue readKv(Revision revision, Batch batch) {
        KeyValue pending = batch == null ? null : batch.written.get(revision);
        return pending != null ? pending : backend.read(List.of(revision)).get(0).kv();
    }

    private void checkReadable(long at, long current) {
        if (at > current) {
            throw StorageException.futureRevision(at, current);
        }
        if (at < compactedRevision) {
            throw StorageException.compacted(at, compactedRevision);
        }
    }

    /**
     * What one catch-up scan read: records of whole revisions from the scan's start up to
     * {@code scannedTo}, and for the records that needed it the key's previous version.
     */
    record HistoryScan(List<RevisionRecord> records, List<KeyValue> prevKvs, long scannedTo) {

        WatchEvent event(int i, boolean withPrevKv) {
            RevisionRecord record = records.get(i);
            KeyValue prev = withPrevKv ? prevKvs.get(i) : null;
            return record.tombstone()
                    ? new WatchEvent(WatchEvent.Type.DELETE, KeyValue.tombstone(record.kv().key(), record.revision().main()), prev)
                    : new WatchEvent(WatchEvent.Type.PUT, record.kv(), prev);
        }
    }

    /**
     * Reads the history from {@code from} to at most {@code to}, bounded by {@code limit} records
     * but never splitting a revision (its events must arrive in one call), with the previous
     * versions of the records whose key {@code needsPrevKv}. Called by the sync loop.
     */
    HistoryScan scanHistory(long from, long to, int limit, Predicate<byte[]> needsPrevKv) {
        historyLock.readLock().lock();
        try {
            ensureOpen();
            if (from < compactedRevision) {
                throw StorageException.compacted(from, compactedRevision);
            }
            List<RevisionRecord> records = backend.scan(from, to, limit);
            long scannedTo = to;
            if (records.size() >= limit) {
                long lastMain = records.get(records.size() - 1).revision().main();
                if (records.get(0).revision().main() == lastMain) {
                    records = backend.scan(lastMain, lastMain, Integer.MAX_VALUE);
                    scannedTo = lastMain;
                } else {
                    int end = records.size();
                    while (records.get(end - 1).revision().main() == lastMain) {
                        end--;
                    }
                    records = records.subList(0, end);
                    scannedTo = lastMain - 1;
                }
            }
            List<RevisionRecord> needing = new ArrayList<>();
            for (RevisionRecord record : records) {
                if (needsPrevKv.test(record.kv().key())) {
                    needing.add(record);
                }
            }
            List<KeyValue> prevKvs = new ArrayList<>(records.size());
            if (!needing.isEmpty()) {
                List<KeyValue> found = previousVersions(needing);
                int next = 0;
                for (RevisionRecord record : records) {
                    prevKvs.add(next < needing.size() && needing.get(next) == record ? found.get(next++) : null);
                }
            } else {
                records.forEach(r -> prevKvs.add(null));
            }
            return new HistoryScan(records, prevKvs, scannedTo);
        } finally {
            historyLock.readLock().unlock();
        }
    }

    /** The version of each record's key just before it, read in one backend call; null where compacted or absent. */
    private List<KeyValue> previousVersions(List<RevisionRecord> records) {
        List<KeyValue> prevs = new ArrayList<>(records.size());
        List<KeyIndex.KeyRevision> found = new ArrayList<>();
        List<Integer> positions = new ArrayList<>();
        for (RevisionRecord record : records) {
            long before = record.revision().main() - 1;
            KeyIndex.KeyRevision prev = before < compactedRevision ? null : index.get(record.kv().key(), before);
            prevs.add(null);
            if (prev != null) {
                found.add(prev);
                positions.add(prevs.size() - 1);
            }
        }
        List<KeyValue> kvs = readKvs(found, null);
        for (int i = 0; i < kvs.size(); i++) {
            prevs.set(positions.get(i), kvs.get(i));
        }
        return prevs;
    }

    long committedRevisionLocked() {
        return committedRevision;
    }

    void setCommittedRevisionLocked(long revision) {
        committedRevision = revision;
    }

    // ---- transactions ----

    private static boolean isReadOnly(TxnRequest request) {
        for (List<Op> ops : List.of(request.success(), request.failure())) {
            for (Op op : ops) {
                if (!(op instanceof Op.Get)) {
                    return false;
                }
            }
        }
        return true;
    }

    /**
     * Empty keys and keys written twice, refused before anything runs as etcd's checkIntervals does:
     * a key put twice, or put and deleted (by a single-key or an interval delete). Deleting a key
     * twice is allowed, as in etcd: the second delete finds nothing.
     */
    private static void validateBranch(List<Op> ops) {
        Set<KeyBytes> puts = new HashSet<>();
        List<Op.Delete> deletes = new ArrayList<>();
        for (Op op : ops) {
            switch (op) {
                case Op.Put put -> {
                    requireKey(put.key(), "put");
                    if (!puts.add(new KeyBytes(put.key()))) {
                        throw duplicateKey(put.key());
                    }
                }
                case Op.Delete delete -> {
                    requireKey(delete.key(), "delete");
                    deletes.add(delete);
                }
                case Op.Get get -> requireKey(get.request().key(), "range");
            }
        }
        for (KeyBytes put : puts) {
            for (Op.Delete delete : deletes) {
                if (ByteKeys.inRange(put.bytes, delete.key(), delete.rangeEnd())) {
                    throw duplicateKey(put.bytes);
                }
            }
        }
    }

    private static StorageException duplicateKey(byte[] key) {
        return new StorageException(StorageException.Kind.INVALID_REQUEST,
                "duplicate key given in txn request: " + ByteKeys.toUtf8(key));
    }

    private static void requireKey(byte[] key, String what) {
        if (key.length == 0) {
            throw new StorageException(StorageException.Kind.INVALID_REQUEST, "key is not provided (" + what + ")");
        }
    }

    private static StorageException leaseNotFound(long leaseId) {
        return new StorageException(StorageException.Kind.LEASE_NOT_FOUND, "requested lease not found: " + leaseId);
    }

    /**
     * Evaluates a transaction. With a batch (on the committer) it reads the latest state, including
     * the batch's earlier transactions, and writes at the next revision; without one it is read-only
     * and reads at {@code readRevision}. Everything that can refuse the transaction is checked before
     * its first write, so a refused transaction writes nothing.
     */
    private TxnResponse evaluateTxn(TxnRequest request, Batch batch, long readRevision, long currentRevision) {
        boolean succeeded = true;
        for (Compare compare : request.compares()) {
            KeyIndex.KeyRevision current = index.get(compare.key(), readRevision);
            if (!compare.holdsFor(current == null ? null : current.withoutValue())) {
                succeeded = false;
                break;
            }
        }
        List<Op> ops = succeeded ? request.success() : request.failure();
        for (Op op : ops) {
            if (op instanceof Op.Put put && put.lease() != 0 && leases.live(put.lease()) == null) {
                throw leaseNotFound(put.lease());
            }
            if (op instanceof Op.Get get && get.request().revision() != 0) {
                checkReadable(get.request().revision(), currentRevision);
            }
        }
        long main = currentRevision + 1;
        int sub = 0;
        List<LongFunction<OpResult>> results = new ArrayList<>(ops.size());
        for (Op op : ops) {
            switch (op) {
                case Op.Put put -> {
                    KeyIndex.KeyRevision prev = index.get(put.key(), LATEST);
                    Revision revision = new Revision(main, sub++);
                    KeyValue kv = new KeyValue(put.key(), put.value(), prev == null ? main : prev.createRevision(), main,
                            prev == null ? 1 : prev.version() + 1, put.lease());
                    KeyValue prevKv = put.prevKv() && prev != null ? readKv(prev.revision(), batch) : null;
                    index.put(put.key(), revision, put.lease());
                    batch.records.add(RevisionRecord.put(revision, kv));
                    batch.written.put(revision, kv);
                    batch.changes.add(new WatcherGroups.Change(WatchEvent.Type.PUT, kv, prev == null ? null : prev.revision()));
                    KeyBytes key = new KeyBytes(put.key());
                    if (prev != null && prev.lease() != put.lease()) {
                        leases.detach(prev.lease(), key);
                    }
                    if (put.lease() != 0) {
                        leases.attach(put.lease(), key);
                    }
                    results.add(rev -> new OpResult.PutResult(rev, prevKv));
                }
                case Op.Delete delete -> {
                    List<KeyIndex.KeyRevision> hits = index.range(delete.key(), delete.rangeEnd(), LATEST, 0).hits();
                    List<KeyValue> prevKvs = delete.prevKv() ? readKvs(hits, batch) : List.of();
                    for (KeyIndex.KeyRevision hit : hits) {
                        sub = deleteKey(batch, hit, new Revision(main, sub));
                    }
                    long deleted = hits.size();
                    results.add(rev -> new OpResult.DeleteResult(rev, deleted, prevKvs));
                }
                case Op.Get get -> {
                    long at = get.request().revision() == 0 ? readRevision : get.request().revision();
                    OpResult.RangeResult range = rangeAt(get.request(), at, 0, batch);
                    results.add(rev -> new OpResult.RangeResult(range.kvs(), range.more(), range.count(), rev));
                }
            }
        }
        long revision = sub > 0 ? main : currentRevision;
        if (sub > 0) {
            batch.revision = main;
        }
        List<OpResult> done = new ArrayList<>(results.size());
        for (LongFunction<OpResult> result : results) {
            done.add(result.apply(revision));
        }
        return new TxnResponse(succeeded, revision, done);
    }

    /** Deletes one live key at {@code revision}; returns the next sub revision. */
    private int deleteKey(Batch batch, KeyIndex.KeyRevision live, Revision revision) {
        index.tombstone(live.key(), revision);
        RevisionRecord record = RevisionRecord.delete(revision, live.key());
        batch.records.add(record);
        batch.changes.add(new WatcherGroups.Change(WatchEvent.Type.DELETE, record.kv(), live.revision()));
        leases.detach(live.lease(), new KeyBytes(live.key()));
        return (int) revision.sub() + 1;
    }

    // ---- the committer ----

    private Object submit(WriteRequest request) {
        ensureOpen();
        queue.add(request);
        if ((closed.get() || failed) && queue.remove(request)) {
            throw unavailable();
        }
        try {
            return request.future().get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof StorageException storage) {
                throw storage;
            }
            throw new StorageException(StorageException.Kind.INTERNAL, "storage.mvcc: write failed: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StorageException(StorageException.Kind.UNAVAILABLE, "interrupted while waiting for the commit", e);
        }
    }

    private void runCommitter() {
        List<WriteRequest> drained = new ArrayList<>();
        Batch batch = null;
        try {
            while (true) {
                WriteRequest first = queue.take();
                drained.clear();
                drained.add(first);
                long bytes = first.bytes();
                while (!(drained.get(drained.size() - 1) instanceof Stop)
                        && drained.size() < config.maxBatchRequests() && bytes < config.maxBatchBytes()) {
                    WriteRequest next = queue.peek();
                    if (next == null || bytes + next.bytes() > config.maxBatchBytes()) {
                        break;
                    }
                    drained.add(queue.poll());
                    bytes += next.bytes();
                }
                batch = new Batch(lastRevision);
                for (WriteRequest request : drained) {
                    switch (request) {
                        case Stop stop -> {
                            flush(batch);
                            stop.future().complete(null);
                            return;
                        }
                        case CompactWrite compaction -> {
                            flush(batch);
                            batch = new Batch(lastRevision);
                            compactNow(compaction);
                        }
                        default -> apply(request, batch);
                    }
                }
                flush(batch);
                batch = null;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            log.error("storage.mvcc: the committer failed at revision {}; the store stops", lastRevision, e);
            failed = true;
            StorageException failure = new StorageException(StorageException.Kind.UNAVAILABLE,
                    "the store stopped after a failure of the committer: " + e, e);
            for (WriteRequest request : drained) {
                request.future().completeExceptionally(failure);
            }
            failQueued();
            watchers.stop(failure);
        }
    }

    private void apply(WriteRequest request, Batch batch) {
        Object result;
        int recordsBefore = batch.records.size();
        try {
            result = switch (request) {
                case TxnWrite txn -> evaluateTxn(txn.request(), batch, LATEST, batch.revision);
                case GrantWrite grant -> grant(grant.ttlSeconds(), batch);
                case RevokeWrite revoke -> revoke(revoke.leaseId(), revoke.expiry(), batch);
                case CompactWrite compaction -> throw new IllegalStateException("compaction is not part of a batch");
                case Stop stop -> throw new IllegalStateException("stop is not part of a batch");
            };
        } catch (StorageException e) {
            if (batch.records.size() != recordsBefore) {
                // Refusals come before the first write; a failure after it (a backend read) left half a
                // transaction in the index and the batch, which must not be committed.
                throw new IllegalStateException("storage.mvcc: a write failed halfway at revision "
                        + (batch.revision + 1) + ": " + e.getMessage(), e);
            }
            request.future().completeExceptionally(e);
            return;
        }
        batch.completions.add(() -> request.future().complete(result));
    }

    /** Makes a batch durable, then visible, then tells its writers and watchers. */
    private void flush(Batch batch) {
        if (batch.revision < lastRevision) {
            throw new IllegalStateException("storage.mvcc: revision going backwards: last " + lastRevision
                    + ", batch " + batch.revision);
        }
        if (batch.writesBackend()) {
            backend.commit(new CommitBatch(batch.records, batch.revision, batch.granted, batch.revoked));
        }
        lastRevision = batch.revision;
        watchers.publish(batch.revision, batch.changes, revision -> readKv(revision, batch));
        for (Runnable completion : batch.completions) {
            completion.run();
        }
    }

    private Lease grant(long ttlSeconds, Batch batch) {
        LeaseTable.LeaseState lease = leases.grant(ttlSeconds);
        batch.granted.add(new LeaseRecord(lease.id, ttlSeconds));
        log.debug("storage.mvcc: lease {} granted, TTL {} s", lease.id, ttlSeconds);
        return new Lease(lease.id, ttlSeconds, ttlSeconds);
    }

    private Object revoke(long leaseId, boolean expiry, Batch batch) {
        LeaseTable.LeaseState lease = leases.get(leaseId);
        if (lease == null) {
            throw leaseNotFound(leaseId);
        }
        if (expiry && !lease.expiredAt(leases.now())) {
            lease.expiryQueued.set(false);
            return Boolean.FALSE;
        }
        leases.remove(leaseId);
        List<KeyBytes> keys = new ArrayList<>(lease.keys);
        keys.sort(null);
        long main = batch.revision + 1;
        int sub = 0;
        for (KeyBytes key : keys) {
            KeyIndex.KeyRevision live = index.get(key.bytes, LATEST);
            if (live == null || live.lease() != leaseId) {
                log.warn("storage.mvcc: lease {} listed key {} which is no longer attached to it", leaseId, key);
                continue;
            }
            sub = deleteKey(batch, live, new Revision(main, sub));
        }
        if (sub > 0) {
            batch.revision = main;
        }
        batch.revoked.add(leaseId);
        log.info("storage.mvcc: lease {} {}; {} keys deleted at revision {}", leaseId, expiry ? "expired" : "revoked",
                sub, batch.revision);
        return Boolean.TRUE;
    }

    private void compactNow(CompactWrite request) {
        long revision = request.revision();
        if (revision <= compactedRevision) {
            request.future().completeExceptionally(StorageException.compacted(revision, compactedRevision));
            return;
        }
        if (revision > lastRevision) {
            request.future().completeExceptionally(StorageException.futureRevision(revision, lastRevision));
            return;
        }
        historyLock.writeLock().lock();
        try {
            compactedRevision = revision;
        } finally {
            historyLock.writeLock().unlock();
        }
        List<Revision> obsolete = index.compact(revision);
        backend.compact(revision, obsolete);
        watchers.compacted();
        log.info("storage.mvcc: compacted at revision {}, {} obsolete records removed", revision, obsolete.size());
        request.future().complete(null);
    }

    private void expireLeases() {
        try {
            for (LeaseTable.LeaseState lease : leases.expired()) {
                if (closed.get() || failed) {
                    return;
                }
                if (lease.expiryQueued.compareAndSet(false, true)) {
                    CompletableFuture<Object> future = new CompletableFuture<>();
                    future.whenComplete((result, failure) -> {
                        if (failure != null) {
                            lease.expiryQueued.set(false);
                        }
                    });
                    queue.add(new RevokeWrite(lease.id, true, future));
                }
            }
        } catch (RuntimeException e) {
            log.error("storage.mvcc: the lease checker failed", e);
        }
    }

    // ---- lifecycle ----

    private void failQueued() {
        WriteRequest request;
        while ((request = queue.poll()) != null) {
            request.future().completeExceptionally(unavailable());
        }
    }

    private void ensureOpen() {
        if (closed.get() || failed) {
            throw unavailable();
        }
    }

    private static StorageException unavailable() {
        return new StorageException(StorageException.Kind.UNAVAILABLE, "the store is closed");
    }

    private static void joinQuietly(Thread thread) {
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
            if (thread.isAlive()) {
                log.warn("storage.mvcc: {} did not stop within 10 s", thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
