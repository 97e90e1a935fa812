package dev.caravel.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.Compare;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStoreConformanceTest.Recorder;
import dev.caravel.storage.Lease;
import dev.caravel.storage.Op;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import dev.caravel.storage.memory.MemoryBackend;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** What the conformance suite cannot see from outside: group commit, backend traffic, slow watchers, recovery. */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // a watch opened in try-with-resources only to be closed at its end
class MvccStoreTest {

    /** A MemoryBackend that counts its calls and can be made slow to commit, like an fsync. */
    static final class CountingBackend implements Backend {
        final MemoryBackend delegate;
        final AtomicInteger commits = new AtomicInteger();
        final AtomicInteger reads = new AtomicInteger();
        final AtomicInteger scans = new AtomicInteger();
        volatile long commitDelayMillis;
        volatile RuntimeException commitFailure;

        CountingBackend(MemoryBackend delegate) {
            this.delegate = delegate;
        }

        @Override
        public void recover(RecoveryVisitor visitor) {
            delegate.recover(visitor);
        }

        @Override
        public void commit(CommitBatch batch) {
            commits.incrementAndGet();
            if (commitFailure != null) {
                throw commitFailure;
            }
            if (commitDelayMillis > 0) {
                try {
                    Thread.sleep(commitDelayMillis);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            delegate.commit(batch);
        }

        @Override
        public List<RevisionRecord> read(List<Revision> revisions) {
            reads.incrementAndGet();
            return delegate.read(revisions);
        }

        @Override
        public List<RevisionRecord> scan(long fromMainRevision, long toMainRevision, int limit) {
            scans.incrementAndGet();
            return delegate.scan(fromMainRevision, toMainRevision, limit);
        }

        @Override
        public void compact(long compactRevision, Collection<Revision> obsolete) {
            delegate.compact(compactRevision, obsolete);
        }

        @Override
        public long sizeBytes() {
            return delegate.sizeBytes();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }

    private final MemoryBackend memory = new MemoryBackend();
    private final CountingBackend backend = new CountingBackend(memory);
    private final List<MvccStore> opened = new ArrayList<>();

    private MvccStore open(MvccStore.Config config) {
        MvccStore store = MvccStore.open(backend, config);
        opened.add(store);
        return store;
    }

    private MvccStore open() {
        return open(MvccStore.Config.defaults());
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MvccStore::close);
    }

    private static byte[] key(String name) {
        return ByteKeys.utf8(name);
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    @Test
    void aNewStoreIsAtRevisionOneAndItsFirstWriteGetsTwo() {
        MvccStore store = open();
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(store.put(key("a"), key("1")).revision()).isEqualTo(2);
        assertThat(store.currentRevision()).isEqualTo(2);
    }

    @Test
    void concurrentWritersShareGroupCommits() throws Exception {
        MvccStore store = open();
        backend.commitDelayMillis = 20;
        int writers = 64;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Long>> revisions = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] k = key("k" + i);
                revisions.add(pool.submit(() -> {
                    start.await();
                    return store.put(k, k).revision();
                }));
            }
            int before = backend.commits.get();
            start.countDown();
            List<Long> all = new ArrayList<>();
            for (Future<Long> revision : revisions) {
                all.add(revision.get());
            }
            assertThat(all).doesNotHaveDuplicates();
            assertThat(all.stream().mapToLong(Long::longValue).max().orElseThrow()).isEqualTo(1 + writers);
            assertThat(backend.commits.get() - before).as("commits for %d writers", writers).isLessThan(writers / 2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aTransactionSeesTheEarlierTransactionsOfItsGroupCommit() throws Exception {
        MvccStore store = open();
        long created = store.put(key("counter"), key("0")).revision();
        backend.commitDelayMillis = 20;
        int writers = 32;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(writers);
        try {
            List<Future<Boolean>> outcomes = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                byte[] value = key("from " + i);
                outcomes.add(pool.submit(() -> {
                    start.await();
                    // Every writer read the same version: exactly one compare-and-swap may win.
                    return store.txn(TxnRequest.when(List.of(Compare.modRevisionEquals(key("counter"), created)),
                            List.of(Op.put(key("counter"), value)), List.of())).succeeded();
                }));
            }
            start.countDown();
            int won = 0;
            for (Future<Boolean> outcome : outcomes) {
                won += outcome.get() ? 1 : 0;
            }
            assertThat(won).isEqualTo(1);
            assertThat(store.get(key("counter")).version()).isEqualTo(2);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void countingAndKeysOnlyRangesReadNothingFromTheBackend() {
        MvccStore store = open();
        for (int batch = 0; batch < 100; batch++) {
            List<Op> puts = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                puts.add(Op.put(key(String.format("k/%05d", batch * 100 + i)), key("value")));
            }
            store.txn(TxnRequest.when(List.of(), puts, List.of()));
        }
        int reads = backend.reads.get();
        int scans = backend.scans.get();
        assertThat(store.range(RangeRequest.prefix(key("k/")).countingOnly()).count()).isEqualTo(10_000);
        assertThat(store.range(RangeRequest.prefix(key("k/")).keysOnlyRequest()).kvs()).hasSize(10_000);
        assertThat(store.range(RangeRequest.prefix(key("k/")).withLimit(10).keysOnlyRequest()).count()).isEqualTo(10_000);
        assertThat(backend.reads.get()).isEqualTo(reads);
        assertThat(backend.scans.get()).isEqualTo(scans);
        assertThat(store.range(RangeRequest.prefix(key("k/"))).kvs()).hasSize(10_000);
        assertThat(backend.reads.get()).as("values are read in one batched call").isEqualTo(reads + 1);
    }

    @Test
    void aSlowWatcherNeverBlocksWritersAndCatchesUpFromTheBackend() {
        MvccStore store = open(MvccStore.Config.defaults().withWatcherBufferEvents(4).withWatchSyncBatchRecords(7));
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        WatchListener blocking = new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                recorder.onEvents(events);
            }

            @Override
            public void onClosed(StorageException cause) {
                recorder.onClosed(cause);
            }
        };
        try (Watch watch = store.watch(WatchRequest.prefix(key("k/")), blocking)) {
            List<Long> written = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                written.add(store.put(key("k/" + (i % 10)), key("v" + i)).revision());
            }
            release.countDown();
            recorder.awaitRevision(written.get(written.size() - 1));
            assertThat(recorder.events()).extracting(WatchEvent::revision).containsExactlyElementsOf(written);
            assertThat(recorder.closed()).isNull();
            recorder.assertContractKept();
            assertThat(backend.scans.get()).as("caught up from the backend").isPositive();
        }
    }

    @Test
    void compactionOvertakingABehindWatcherEndsItWithCompacted() {
        MvccStore store = open(MvccStore.Config.defaults().withWatcherBufferEvents(2));
        CountDownLatch release = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        WatchListener blocking = new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                recorder.onEvents(events);
            }

            @Override
            public void onClosed(StorageException cause) {
                recorder.onClosed(cause);
            }
        };
        try (Watch watch = store.watch(WatchRequest.prefix(key("k/")), blocking)) {
            long last = 0;
            for (int i = 0; i < 50; i++) {
                last = store.put(key("k/" + (i % 3)), key("v" + i)).revision();
            }
            store.compact(last);
            release.countDown();
            recorder.awaitClosed();
            assertThat(recorder.closed().kind()).isEqualTo(StorageException.Kind.COMPACTED);
            assertThat(recorder.closed().compactRevision()).isEqualTo(last);
            recorder.assertContractKept();
        }
    }

    @Test
    void aCatchUpNeverSplitsTheEventsOfOneRevision() {
        MvccStore store = open(MvccStore.Config.defaults().withWatchSyncBatchRecords(3));
        long start = store.put(key("k/0"), key("x")).revision();
        List<Op> puts = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            puts.add(Op.put(key("k/t" + i), key("x")));
        }
        long txn = store.txn(TxnRequest.when(List.of(), puts, List.of())).revision();
        long last = store.put(key("k/1"), key("x")).revision();
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(key("k/")).fromRevision(start), recorder)) {
            recorder.awaitRevision(last);
            for (List<WatchEvent> call : recorder.calls()) {
                long ofTxn = call.stream().filter(e -> e.revision() == txn).count();
                assertThat(ofTxn).isIn(0L, 8L);
            }
            assertThat(recorder.events()).hasSize(10);
        }
    }

    @Test
    void aWatcherCatchingUpWhileWritesGoOnJoinsWithoutGapsOrDuplicates() throws Exception {
        MvccStore store = open(MvccStore.Config.defaults().withWatcherBufferEvents(3).withWatchSyncBatchRecords(2));
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            written.add(store.put(key("k/" + (i % 4)), key("v" + i)).revision());
        }
        Recorder recorder = new Recorder();
        ExecutorService writer = Executors.newSingleThreadExecutor();
        try (Watch watch = store.watch(WatchRequest.prefix(key("k/")).fromRevision(written.get(0)), recorder)) {
            Future<List<Long>> more = writer.submit(() -> {
                List<Long> revisions = new ArrayList<>();
                for (int i = 0; i < 300; i++) {
                    revisions.add(store.put(key("k/" + (i % 4)), key("w" + i)).revision());
                }
                return revisions;
            });
            written.addAll(more.get());
            recorder.awaitRevision(written.get(written.size() - 1));
            assertThat(recorder.events()).extracting(WatchEvent::revision).containsExactlyElementsOf(written);
            recorder.assertContractKept();
        } finally {
            writer.shutdownNow();
        }
    }

    @Test
    void watchersFromDifferentOldRevisionsEachGetExactlyTheirEvents() {
        MvccStore store = open(MvccStore.Config.defaults().withWatchSyncBatchRecords(5));
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            written.add(store.put(key("k/" + (i % 3)), key("v" + i)).revision());
        }
        List<Recorder> recorders = new ArrayList<>();
        List<Watch> watches = new ArrayList<>();
        try {
            for (int i = 0; i < written.size(); i += 2) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                WatchRequest request = WatchRequest.prefix(key("k/")).fromRevision(written.get(i));
                watches.add(store.watch(i % 4 == 0 ? request.withPrevKv() : request, recorder));
            }
            long last = store.put(key("k/0"), key("last")).revision();
            written.add(last);
            for (int r = 0; r < recorders.size(); r++) {
                Recorder recorder = recorders.get(r);
                recorder.awaitRevision(last);
                assertThat(recorder.events()).extracting(WatchEvent::revision)
                        .containsExactlyElementsOf(written.subList(2 * r, written.size()));
                if (r % 2 == 0 && r > 0) {
                    assertThat(recorder.events().get(0).prevKv()).as("watcher %d", r).isNotNull();
                }
                recorder.assertContractKept();
            }
        } finally {
            watches.forEach(Watch::close);
        }
    }

    @Test
    void readsRacingCompactionEitherSucceedOrFailWithCompacted() throws Exception {
        MvccStore store = open();
        for (int i = 0; i < 20; i++) {
            store.put(key("k/" + i), key("v"));
        }
        long allWritten = store.currentRevision();
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> writer = pool.submit(() -> {
                for (int i = 0; i < 1500; i++) {
                    store.put(key("k/" + (i % 20)), key("v" + i));
                    if (i % 100 == 99) {
                        store.compact(store.currentRevision() - 20);
                    }
                }
                return null;
            });
            List<Future<Integer>> readers = new ArrayList<>();
            for (int r = 0; r < 3; r++) {
                readers.add(pool.submit(() -> {
                    int reads = 0;
                    while (!writer.isDone()) {
                        long at = Math.max(allWritten, store.currentRevision() - 15);
                        try {
                            List<KeyValue> kvs = store.range(RangeRequest.prefix(key("k/")).atRevision(at)).kvs();
                            assertThat(kvs).hasSize(20);
                            reads++;
                        } catch (StorageException e) {
                            assertThat(e.kind()).isEqualTo(StorageException.Kind.COMPACTED);
                        }
                    }
                    return reads;
                }));
            }
            writer.get(60, TimeUnit.SECONDS);
            int reads = 0;
            for (Future<Integer> reader : readers) {
                reads += reader.get(60, TimeUnit.SECONDS);
            }
            assertThat(reads).isPositive();
            assertThat(store.range(RangeRequest.prefix(key("k/"))).kvs()).hasSize(20);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void progressIsNotifiedWhileNothingChanges() {
        MvccStore store = open(MvccStore.Config.defaults().withProgressNotifyInterval(Duration.ofMillis(20)));
        long last = store.put(key("a"), key("1")).revision();
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.key(key("a")).withProgressNotify(), recorder)) {
            await("a progress notification", () -> !recorder.progress().isEmpty());
            assertThat(recorder.progress().get(0)).isGreaterThanOrEqualTo(last);
        }
        Recorder quiet = new Recorder();
        try (Watch watch = store.watch(WatchRequest.key(key("a")), quiet)) {
            Recorder witness = new Recorder();
            try (Watch other = store.watch(WatchRequest.key(key("a")).withProgressNotify(), witness)) {
                await("two progress notifications", () -> witness.progress().size() >= 2);
            }
            assertThat(quiet.progress()).as("no notification unless asked for").isEmpty();
        }
    }

    @Test
    void requestedProgressOfABehindWatcherComesAfterItsEvents() {
        MvccStore store = open(MvccStore.Config.defaults().withWatchSyncBatchRecords(2));
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(store.put(key("k"), key("v" + i)).revision());
        }
        List<String> order = new ArrayList<>();
        WatchListener listener = new WatchListener() {
            @Override
            public synchronized void onEvents(List<WatchEvent> events) {
                events.forEach(e -> order.add("event " + e.revision()));
            }

            @Override
            public synchronized void onProgress(long revision) {
                order.add("progress " + revision);
            }

            @Override
            public void onClosed(StorageException cause) {}
        };
        try (Watch watch = store.watch(WatchRequest.key(key("k")).fromRevision(written.get(0)), listener)) {
            watch.requestProgress();
            await("the progress notification", () -> {
                synchronized (listener) {
                    return order.stream().anyMatch(s -> s.startsWith("progress"));
                }
            });
            synchronized (listener) {
                int progressAt = order.indexOf("progress " + written.get(written.size() - 1));
                assertThat(progressAt).isEqualTo(written.size());
            }
        }
    }

    @Test
    void aListenerStuckInOneCallIsEndedWithWatcherTooSlow() {
        MvccStore store = open(MvccStore.Config.defaults().withSlowListenerTimeout(Duration.ofMillis(100)));
        CountDownLatch never = new CountDownLatch(1);
        Recorder recorder = new Recorder();
        WatchListener stuck = new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                try {
                    // Stuck for ten times the timeout, then back.
                    never.await(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                recorder.onEvents(events);
            }

            @Override
            public void onClosed(StorageException cause) {
                recorder.onClosed(cause);
            }
        };
        try (Watch watch = store.watch(WatchRequest.prefix(key("k/")), stuck)) {
            long first = store.put(key("k/a"), key("1")).revision();
            for (int i = 0; i < 10; i++) {
                store.put(key("k/a"), key("v" + i));
            }
            recorder.awaitClosed();
            assertThat(recorder.closed().kind()).isEqualTo(StorageException.Kind.WATCHER_TOO_SLOW);
            assertThat(recorder.events()).extracting(WatchEvent::revision).startsWith(first);
            recorder.assertContractKept();
        }
    }

    @Test
    void aFailedCommitStopsTheStoreWithoutShowingTheWrite() {
        MvccStore store = open();
        long before = store.put(key("a"), key("1")).revision();
        Recorder recorder = new Recorder();
        store.watch(WatchRequest.key(key("a")), recorder);
        backend.commitFailure = new StorageException(StorageException.Kind.INTERNAL, "disk on fire");
        assertThatThrownBy(() -> store.put(key("a"), key("2")))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
        assertThat(store.currentRevision()).isEqualTo(before);
        recorder.awaitClosed();
        assertThat(recorder.closed().kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
        assertThat(recorder.events()).isEmpty();
        assertThatThrownBy(() -> store.get(key("a")))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
    }

    @Test
    void closingTheStoreEndsWatchesWithUnavailable() {
        MvccStore store = open();
        Recorder recorder = new Recorder();
        store.watch(WatchRequest.prefix(key("k/")), recorder);
        store.close();
        recorder.awaitClosed();
        assertThat(recorder.closed().kind()).isEqualTo(StorageException.Kind.UNAVAILABLE);
        assertThatThrownBy(() -> store.put(key("a"), key("1")))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
        assertThatThrownBy(() -> store.range(RangeRequest.key(key("a"))))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.UNAVAILABLE));
    }

    @Test
    void anExpiredLeaseIsRevokedByTheChecker() {
        MvccStore store = open(MvccStore.Config.defaults().withLeaseCheckInterval(Duration.ofMillis(20)));
        Lease lease = store.grantLease(1);
        store.put(key("a"), key("1"), lease.id());
        store.put(key("b"), key("1"), lease.id());
        long before = store.currentRevision();
        await("the lease to expire", () -> store.get(key("a")) == null);
        assertThat(store.get(key("b"))).isNull();
        assertThat(store.currentRevision()).as("both keys deleted in one revision").isEqualTo(before + 1);
    }

    @Test
    void aLeaseKeptAliveDoesNotExpire() throws Exception {
        MvccStore store = open(MvccStore.Config.defaults().withLeaseCheckInterval(Duration.ofMillis(20)));
        Lease lease = store.grantLease(2);
        store.put(key("a"), key("1"), lease.id());
        // Renewed every 100 ms for longer than its TTL: only a stall of nearly 2 s could let it expire.
        long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(2500);
        while (System.nanoTime() < until) {
            store.keepAlive(lease.id());
            Thread.sleep(100);
        }
        assertThat(store.get(key("a"))).isNotNull();
        store.revokeLease(lease.id());
    }
}
