package dev.caravel.storage.etcd;

import static dev.caravel.storage.ByteKeys.utf8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.Compare;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.Lease;
import dev.caravel.storage.Op;
import dev.caravel.storage.OpResult;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.StorageException.Kind;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.TxnResponse;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

/**
 * What the etcd adapter adds to jetcd, checked against a real etcd: the mapping of etcd's errors,
 * the per-operation results of a transaction, and the watch's delivery across a restart of etcd.
 * Each test works under its own key prefix, so they share one etcd.
 */
@SuppressWarnings("try") // a watch opened in try-with-resources only to be closed at its end
class EtcdStoreAdapterTest {

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

    private static byte[] key(TestInfo test, String name) {
        return utf8("/" + test.getTestMethod().orElseThrow().getName() + "/" + name);
    }

    private static byte[] prefix(TestInfo test) {
        return utf8("/" + test.getTestMethod().orElseThrow().getName() + "/");
    }

    @Test
    void rangeReportsCountAndMoreBeyondItsLimit(TestInfo test) {
        for (int i = 0; i < 5; i++) {
            store.put(key(test, "k" + i), utf8("v" + i));
        }
        OpResult.RangeResult limited = store.range(RangeRequest.prefix(prefix(test)).withLimit(2));
        assertThat(limited.kvs()).extracting(KeyValue::keyUtf8).containsExactly("/" + name(test) + "/k0", "/" + name(test) + "/k1");
        assertThat(limited.more()).isTrue();
        assertThat(limited.count()).isEqualTo(5);

        OpResult.RangeResult counted = store.range(RangeRequest.prefix(prefix(test)).countingOnly());
        assertThat(counted.kvs()).isEmpty();
        assertThat(counted.count()).isEqualTo(5);

        OpResult.RangeResult keysOnly = store.range(RangeRequest.prefix(prefix(test)).keysOnlyRequest());
        assertThat(keysOnly.kvs()).hasSize(5).allSatisfy(kv -> assertThat(kv.value()).isEmpty());
        assertThat(keysOnly.revision()).isEqualTo(store.currentRevision());
    }

    @Test
    void transactionAnswersEachOperationInItsOrder(TestInfo test) {
        byte[] a = key(test, "a");
        byte[] b = key(test, "b");
        long created = store.put(a, utf8("1")).revision();
        TxnResponse response = store.txn(TxnRequest.when(
                List.of(Compare.modRevisionEquals(a, created)),
                List.of(Op.get(a), new Op.Put(a, utf8("2"), 0, true), new Op.Delete(key(test, "c"), null, true), new Op.Put(b, utf8("3"), 0, true), Op.get(b)),
                List.of()));

        assertThat(response.succeeded()).isTrue();
        assertThat(response.revision()).isEqualTo(created + 1);
        assertThat(response.results()).hasSize(5);
        assertThat(((OpResult.RangeResult) response.results().get(0)).kvs()).extracting(KeyValue::valueUtf8).containsExactly("1");
        assertThat(((OpResult.PutResult) response.results().get(1)).prevKv().valueUtf8()).isEqualTo("1");
        assertThat(((OpResult.DeleteResult) response.results().get(2)).deleted()).isZero();
        assertThat(((OpResult.PutResult) response.results().get(3)).prevKv()).isNull();
        assertThat(((OpResult.RangeResult) response.results().get(4)).kvs()).extracting(KeyValue::valueUtf8).containsExactly("3");
    }

    @Test
    void failedCompareRunsTheOtherBranchWithoutANewRevision(TestInfo test) {
        byte[] a = key(test, "a");
        store.put(a, utf8("1"));
        long before = store.currentRevision();
        TxnResponse response = store.txn(TxnRequest.when(List.of(Compare.absent(a)), List.of(Op.put(a, utf8("2"))), List.of(Op.get(a))));
        assertThat(response.succeeded()).isFalse();
        assertThat(response.revision()).isEqualTo(before);
        assertThat(((OpResult.RangeResult) response.results().get(0)).kvs()).extracting(KeyValue::valueUtf8).containsExactly("1");
    }

    @Test
    void readBelowTheCompactedRevisionNamesIt(TestInfo test) {
        long first = store.put(key(test, "a"), utf8("1")).revision();
        long second = store.put(key(test, "a"), utf8("2")).revision();
        store.compact(second);

        assertThatThrownBy(() -> store.range(RangeRequest.key(key(test, "a")).atRevision(first)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(Kind.COMPACTED);
                    assertThat(e.compactRevision()).isGreaterThanOrEqualTo(second);
                });
        assertThatThrownBy(() -> store.compact(second))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.COMPACTED));
    }

    @Test
    void futureRevisionIsRefused(TestInfo test) {
        long future = store.currentRevision() + 1000;
        assertThatThrownBy(() -> store.range(RangeRequest.key(key(test, "a")).atRevision(future)))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FUTURE_REVISION));
        assertThatThrownBy(() -> store.compact(future))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.FUTURE_REVISION));
    }

    @Test
    void requestAboveEtcdsLimitIsTooLarge(TestInfo test) {
        byte[] twoMegabytes = new byte[2 * 1024 * 1024];
        byte[] almostLimit = new byte[1_600_000];
        assertThatThrownBy(() -> store.put(key(test, "big"), twoMegabytes))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REQUEST_TOO_LARGE));
        assertThatThrownBy(() -> store.put(key(test, "big"), almostLimit))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.REQUEST_TOO_LARGE));
    }

    @Test
    void duplicateKeyInATransactionIsInvalid(TestInfo test) {
        byte[] a = key(test, "a");
        assertThatThrownBy(() -> store.txn(TxnRequest.when(List.of(), List.of(Op.put(a, utf8("1")), Op.put(a, utf8("2"))), List.of())))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.INVALID_REQUEST));
    }

    @Test
    void unknownLeaseIsNotFound(TestInfo test) {
        long unknown = 0x7ead_beefL;
        assertThatThrownBy(() -> store.revokeLease(unknown))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LEASE_NOT_FOUND));
        assertThatThrownBy(() -> store.keepAlive(unknown))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LEASE_NOT_FOUND));
        assertThatThrownBy(() -> store.put(key(test, "a"), utf8("1"), unknown))
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.LEASE_NOT_FOUND));
        assertThat(store.timeToLive(unknown).remainingTtlSeconds()).isEqualTo(-1);
    }

    @Test
    void leaseKeepsItsKeysUntilRevoked(TestInfo test) {
        Lease lease = store.grantLease(30);
        assertThat(lease.grantedTtlSeconds()).isEqualTo(30);
        store.put(key(test, "a"), utf8("1"), lease.id());
        assertThat(store.get(key(test, "a")).lease()).isEqualTo(lease.id());
        assertThat(store.keepAlive(lease.id()).remainingTtlSeconds()).isEqualTo(30);
        Lease alive = store.timeToLive(lease.id());
        assertThat(alive.grantedTtlSeconds()).isEqualTo(30);
        assertThat(alive.remainingTtlSeconds()).isBetween(1L, 30L);
        store.revokeLease(lease.id());
        assertThat(store.get(key(test, "a"))).isNull();
    }

    @Test
    void watchDeliversOneTransactionInOneCall(TestInfo test) throws Exception {
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(prefix(test)).withPrevKv(), recorder)) {
            store.put(key(test, "a"), utf8("0"));
            store.txn(TxnRequest.when(List.of(), List.of(Op.put(key(test, "a"), utf8("1")), Op.put(key(test, "b"), utf8("1")), Op.delete(key(test, "c"))), List.of()));
            store.delete(key(test, "a"));
            recorder.awaitEvents(4);
            assertThat(recorder.batches).hasSize(3);
            assertThat(recorder.batches.get(1)).hasSize(2);
            WatchEvent deleted = recorder.batches.get(2).get(0);
            assertThat(deleted.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(deleted.kv()).isEqualTo(KeyValue.tombstone(key(test, "a"), deleted.revision()));
            assertThat(deleted.prevKv().valueUtf8()).isEqualTo("1");
            assertThat(recorder.batches.get(0).get(0).prevKv()).isNull();
        }
    }

    @Test
    void watchFromACompactedRevisionIsClosedWithTheCompactedRevision(TestInfo test) throws Exception {
        long first = store.put(key(test, "a"), utf8("1")).revision();
        long second = store.put(key(test, "a"), utf8("2")).revision();
        store.compact(second);
        Recorder recorder = new Recorder();
        store.watch(WatchRequest.prefix(prefix(test)).fromRevision(first), recorder);
        recorder.await(r -> r.closed.size() == 1);
        assertThat(recorder.closed.get(0).kind()).isEqualTo(Kind.COMPACTED);
        assertThat(recorder.closed.get(0).compactRevision()).isGreaterThanOrEqualTo(second);
        assertThat(recorder.events()).isEmpty();
    }

    @Test
    void progressFollowsTheEventsBeforeIt(TestInfo test) throws Exception {
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(prefix(test)), recorder)) {
            long written = store.put(key(test, "a"), utf8("1")).revision();
            recorder.awaitEvents(1);
            store.put(utf8("/elsewhere/" + name(test)), utf8("1"));
            long current = store.currentRevision();
            watch.requestProgress();
            recorder.await(r -> !r.progress.isEmpty());
            assertThat(recorder.progress.get(0)).isGreaterThanOrEqualTo(current).isGreaterThan(written);
        }
    }

    /**
     * etcd refuses only revisions below the compacted one: the compacted revision itself is still
     * readable and watchable. (WatchRequest's javadoc says "at or below"; etcd is the reference.)
     */
    @Test
    void theCompactedRevisionItselfCanStillBeReadAndWatched(TestInfo test) throws Exception {
        store.put(key(test, "a"), utf8("1"));
        long compactAt = store.put(key(test, "a"), utf8("2")).revision();
        store.compact(compactAt);
        assertThat(store.range(RangeRequest.key(key(test, "a")).atRevision(compactAt)).kvs())
                .extracting(KeyValue::valueUtf8).containsExactly("2");
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(prefix(test)).fromRevision(compactAt), recorder)) {
            recorder.awaitEvents(1);
            assertThat(recorder.events()).extracting(WatchEvent::revision).containsExactly(compactAt);
            assertThat(recorder.closed).isEmpty();
        }
    }

    /** etcd 3.4.23 answers this progress request before it sends the 300 events (etcd-io/etcd#15220). */
    @Test
    void progressOfAWatchStillCatchingUpComesAfterItsEvents(TestInfo test) throws Exception {
        long first = 0;
        for (int i = 0; i < 300; i++) {
            long revision = store.put(key(test, "k" + (i % 7)), utf8("v" + i)).revision();
            first = first == 0 ? revision : first;
        }
        long last = store.currentRevision();
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(prefix(test)).fromRevision(first), recorder)) {
            watch.requestProgress();
            recorder.await(r -> !r.progress.isEmpty());
            assertThat(recorder.eventsBeforeFirstProgress).isEqualTo(300);
            assertThat(recorder.progress.get(0)).isGreaterThanOrEqualTo(last);
        }
    }

    @Test
    void progressRequestedRightAfterWatchingIsAnswered(TestInfo test) throws Exception {
        long current = store.currentRevision();
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(prefix(test)), recorder)) {
            watch.requestProgress();
            recorder.await(r -> !r.progress.isEmpty());
            assertThat(recorder.progress.get(0)).isGreaterThanOrEqualTo(current);
        }
    }

    /** etcd creates a watch asynchronously; the store pins "from the next change" inside watch(). */
    @Test
    void aWriteRightAfterWatchingIsSeen(TestInfo test) throws Exception {
        for (int i = 0; i < 20; i++) {
            Recorder recorder = new Recorder();
            try (Watch watch = store.watch(WatchRequest.key(key(test, "k" + i)), recorder)) {
                long written = store.put(key(test, "k" + i), utf8("v")).revision();
                recorder.awaitEvents(1);
                assertThat(recorder.events()).extracting(WatchEvent::revision).containsExactly(written);
            }
        }
    }

    @Test
    void listenerTooFarBehindIsClosedAsTooSlow(TestInfo test) throws Exception {
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        Recorder recorder = new Recorder() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                try {
                    release.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                super.onEvents(events);
            }
        };
        try (EtcdStore small = EtcdStore.connect(List.of(etcd.clientEndpoint()), EtcdStoreOptions.DEFAULTS.withMaxBufferedEvents(10));
                Watch watch = small.watch(WatchRequest.prefix(prefix(test)), recorder)) {
            for (int i = 0; i < 30; i++) {
                store.put(key(test, "k" + i), utf8("v"));
            }
            Thread.sleep(500);
            release.countDown();
            recorder.await(r -> r.closed.size() == 1);
            assertThat(recorder.closed.get(0).kind()).isEqualTo(Kind.WATCHER_TOO_SLOW);
            assertThat(recorder.events().size()).isLessThan(30);
        }
    }

    @Test
    void closedWatchDeliversNothingMore(TestInfo test) throws Exception {
        Recorder recorder = new Recorder();
        Watch watch = store.watch(WatchRequest.prefix(prefix(test)), recorder);
        store.put(key(test, "a"), utf8("1"));
        recorder.awaitEvents(1);
        watch.close();
        store.put(key(test, "a"), utf8("2"));
        Thread.sleep(300);
        assertThat(recorder.events()).hasSize(1);
        assertThat(recorder.closed).isEmpty();
    }

    @Test
    void watchResumesAcrossAnEtcdRestartWithoutLossOrRepeat(TestInfo test) throws Exception {
        Recorder recorder = new Recorder();
        long start = store.currentRevision() + 1;
        try (Watch watch = store.watch(WatchRequest.prefix(prefix(test)).fromRevision(start), recorder)) {
            for (int i = 0; i < 20; i++) {
                store.put(key(test, "k" + (i % 3)), utf8("before-" + i));
            }
            recorder.awaitEvents(20);
            etcd.restart();
            for (int i = 0; i < 20; i++) {
                store.put(key(test, "k" + (i % 3)), utf8("after-" + i));
            }
            recorder.awaitEvents(40);
            Thread.sleep(1500); // a repeat, if any, comes with the next attempt
            List<Long> revisions = recorder.events().stream().map(WatchEvent::revision).toList();
            assertThat(revisions).hasSize(40).doesNotHaveDuplicates().isSorted();
            assertThat(recorder.closed).isEmpty();
        }
    }

    @Test
    void unreachableEtcdIsUnavailable(TestInfo test) {
        try (EtcdStore nowhere = EtcdStore.connect(List.of(java.net.URI.create("http://127.0.0.1:1")),
                EtcdStoreOptions.DEFAULTS.withRequestTimeout(Duration.ofSeconds(2)))) {
            assertThatThrownBy(nowhere::currentRevision)
                    .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
        }
    }

    @Test
    void closedStoreIsUnavailableAndEndsItsWatches(TestInfo test) throws Exception {
        EtcdStore second = EtcdStore.connect(List.of(etcd.clientEndpoint()));
        Recorder recorder = new Recorder();
        second.watch(WatchRequest.prefix(prefix(test)), recorder);
        second.close();
        recorder.await(r -> r.closed.size() == 1);
        assertThat(recorder.closed.get(0).kind()).isEqualTo(Kind.UNAVAILABLE);
        assertThatThrownBy(second::currentRevision)
                .isInstanceOfSatisfying(StorageException.class, e -> assertThat(e.kind()).isEqualTo(Kind.UNAVAILABLE));
    }

    @Test
    void largeRangeFitsInOneAnswer(TestInfo test) {
        // 50,000 values of 4 KiB: a list of 200 MB, far above gRPC's default 4 MiB inbound limit.
        byte[] value = new byte[4096];
        int keys = 50_000;
        int perTxn = 128; // etcd's --max-txn-ops default
        for (int first = 0; first < keys; first += perTxn) {
            List<Op> puts = new ArrayList<>();
            for (int i = first; i < Math.min(keys, first + perTxn); i++) {
                puts.add(Op.put(key(test, String.format("%06d", i)), value));
            }
            store.txn(TxnRequest.when(List.of(), puts, List.of()));
        }
        OpResult.RangeResult all = store.range(RangeRequest.prefix(prefix(test)));
        assertThat(all.kvs()).hasSize(keys);
        assertThat(all.count()).isEqualTo(keys);
        store.deleteRange(prefix(test), ByteKeys.prefixEnd(prefix(test)));
    }

    private static String name(TestInfo test) {
        return test.getTestMethod().orElseThrow().getName();
    }

    /** Records a watch's calls and checks they never overlap. */
    static class Recorder implements WatchListener {
        final List<List<WatchEvent>> batches = new CopyOnWriteArrayList<>();
        final List<Long> progress = new CopyOnWriteArrayList<>();
        final List<StorageException> closed = new CopyOnWriteArrayList<>();
        private final AtomicInteger inside = new AtomicInteger();
        volatile int eventsBeforeFirstProgress = -1;

        @Override
        public void onEvents(List<WatchEvent> events) {
            enter();
            batches.add(events);
            inside.decrementAndGet();
        }

        @Override
        public void onProgress(long revision) {
            enter();
            if (progress.isEmpty()) {
                eventsBeforeFirstProgress = events().size();
            }
            progress.add(revision);
            inside.decrementAndGet();
        }

        @Override
        public void onClosed(StorageException cause) {
            enter();
            closed.add(cause);
            inside.decrementAndGet();
        }

        private void enter() {
            if (inside.incrementAndGet() != 1) {
                throw new AssertionError("listener called concurrently");
            }
        }

        List<WatchEvent> events() {
            return batches.stream().flatMap(List::stream).toList();
        }

        void awaitEvents(int count) throws InterruptedException {
            await(r -> r.events().size() >= count);
        }

        void await(Predicate<Recorder> condition) throws InterruptedException {
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (!condition.test(this)) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("timed out; events " + events() + ", progress " + progress + ", closed " + closed);
                }
                Thread.sleep(20);
            }
        }
    }
}
