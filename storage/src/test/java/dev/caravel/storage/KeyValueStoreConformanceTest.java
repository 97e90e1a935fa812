package dev.caravel.storage;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.fail;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.Timeout;

/**
 * The storage contract, run against every {@link KeyValueStore}: memory, RocksDB and etcd each
 * subclass this and supply the store. The store may be shared by all tests of a class (one etcd
 * per class), so every test writes under its own unique key prefix and checks revisions only
 * relative to revisions it observed itself. Nothing waits by sleeping: waits poll a condition
 * until a deadline ({@link #await}).
 *
 * <p>What it asks of a store beyond etcd's API: a watch from revision 0 sees every change committed
 * after {@code watch} returns (an etcd adapter waits for the watch's "created" response).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // a watch opened in try-with-resources only to be closed at its end
public abstract class KeyValueStoreConformanceTest {

    /** How long a test waits for something asynchronous (watch events, lease expiry) before failing. */
    protected static final Duration WAIT = Duration.ofSeconds(10);

    /** The store under test; it may be shared by every test of the class. */
    protected abstract KeyValueStore store();

    private String prefix;

    @BeforeEach
    void choosePrefix(TestInfo info) {
        String method = info.getTestMethod().map(m -> m.getName()).orElse("test");
        prefix = "/conformance/" + method + "/" + UUID.randomUUID().toString().substring(0, 8) + "/";
    }

    // ---- helpers ----

    protected byte[] key(String name) {
        return ByteKeys.utf8(prefix + name);
    }

    protected byte[] prefixKey() {
        return ByteKeys.utf8(prefix);
    }

    private static byte[] bytes(String value) {
        return ByteKeys.utf8(value);
    }

    private long put(String name, String value) {
        return store().put(key(name), bytes(value)).revision();
    }

    private KeyValue get(String name) {
        return store().get(key(name));
    }

    private List<String> names(List<KeyValue> kvs) {
        List<String> names = new ArrayList<>();
        for (KeyValue kv : kvs) {
            String full = kv.keyUtf8();
            names.add(full.startsWith(prefix) ? full.substring(prefix.length()) : full);
        }
        return names;
    }

    /** Polls {@code condition} until it holds or {@link #WAIT} has passed. */
    protected static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                fail("timed out after " + WAIT + " waiting for " + what);
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted waiting for " + what);
            }
        }
    }

    private static StorageException.Kind kindOf(Runnable action) {
        try {
            action.run();
        } catch (StorageException e) {
            return e.kind();
        }
        return null;
    }

    /** Records what a watch delivers, and checks the listener contract as it goes. */
    public static final class Recorder implements WatchListener {
        private final List<List<WatchEvent>> calls = new ArrayList<>();
        private final List<Long> progress = new ArrayList<>();
        private StorageException closed;
        private final StringBuilder violations = new StringBuilder();
        private boolean inCall;
        private long lastRevision;

        @Override
        public void onEvents(List<WatchEvent> events) {
            enter();
            try {
                synchronized (this) {
                    if (events.isEmpty()) {
                        violations.append("empty onEvents call; ");
                    }
                    if (closed != null) {
                        violations.append("events after onClosed; ");
                    }
                    for (WatchEvent event : events) {
                        if (event.revision() < lastRevision) {
                            violations.append("revision ").append(event.revision()).append(" after ").append(lastRevision).append("; ");
                        }
                        lastRevision = event.revision();
                    }
                    calls.add(List.copyOf(events));
                }
            } finally {
                leave();
            }
        }

        @Override
        public void onProgress(long revision) {
            enter();
            try {
                synchronized (this) {
                    progress.add(revision);
                }
            } finally {
                leave();
            }
        }

        @Override
        public void onClosed(StorageException cause) {
            enter();
            try {
                synchronized (this) {
                    if (closed != null) {
                        violations.append("onClosed twice; ");
                    }
                    closed = cause;
                }
            } finally {
                leave();
            }
        }

        private synchronized void enter() {
            if (inCall) {
                violations.append("concurrent listener calls; ");
            }
            inCall = true;
        }

        private synchronized void leave() {
            inCall = false;
        }

        public synchronized List<WatchEvent> events() {
            List<WatchEvent> all = new ArrayList<>();
            calls.forEach(all::addAll);
            return all;
        }

        public synchronized List<List<WatchEvent>> calls() {
            return List.copyOf(calls);
        }

        public synchronized List<Long> progress() {
            return List.copyOf(progress);
        }

        public synchronized StorageException closed() {
            return closed;
        }

        public synchronized long lastRevision() {
            return lastRevision;
        }

        public void awaitEventCount(int count) {
            await(count + " events", () -> events().size() >= count);
        }

        public void awaitRevision(long revision) {
            await("events up to revision " + revision, () -> lastRevision() >= revision);
        }

        public void awaitClosed() {
            await("onClosed", () -> closed() != null);
        }

        public synchronized void assertContractKept() {
            assertThat(violations.toString()).as("listener contract violations").isEmpty();
        }
    }

    private record Seen(WatchEvent.Type type, String key, long revision) {}

    private List<Seen> seen(List<WatchEvent> events) {
        List<Seen> seen = new ArrayList<>();
        for (WatchEvent event : events) {
            String full = event.kv().keyUtf8();
            seen.add(new Seen(event.type(), full.startsWith(prefix) ? full.substring(prefix.length()) : full, event.revision()));
        }
        return seen;
    }

    // ---- put, get, delete ----

    @Test
    void putThenGetReturnsTheValueWithItsRevisions() {
        long revision = put("a", "1");
        KeyValue kv = get("a");
        assertThat(kv.valueUtf8()).isEqualTo("1");
        assertThat(kv.createRevision()).isEqualTo(revision);
        assertThat(kv.modRevision()).isEqualTo(revision);
        assertThat(kv.version()).isEqualTo(1);
        assertThat(kv.lease()).isZero();
        assertThat(store().currentRevision()).isGreaterThanOrEqualTo(revision);
    }

    @Test
    void getOfAMissingKeyReturnsNull() {
        assertThat(get("missing")).isNull();
    }

    @Test
    void eachWriteGetsAHigherRevision() {
        long first = put("a", "1");
        long second = put("b", "1");
        long third = store().delete(key("a")).revision();
        assertThat(second).isGreaterThan(first);
        assertThat(third).isGreaterThan(second);
    }

    @Test
    void putOfAnExistingKeyKeepsItsCreateRevisionAndIncrementsItsVersion() {
        long created = put("a", "1");
        put("a", "2");
        long last = put("a", "3");
        KeyValue kv = get("a");
        assertThat(kv.valueUtf8()).isEqualTo("3");
        assertThat(kv.createRevision()).isEqualTo(created);
        assertThat(kv.modRevision()).isEqualTo(last);
        assertThat(kv.version()).isEqualTo(3);
    }

    @Test
    void putReturnsThePreviousVersionWhenTheKeyExisted() {
        OpResult.PutResult first = store().put(key("a"), bytes("1"));
        assertThat(first.prevKv()).isNull();
        OpResult.PutResult second = store().put(key("a"), bytes("2"));
        assertThat(second.prevKv()).isNotNull();
        assertThat(second.prevKv().valueUtf8()).isEqualTo("1");
        assertThat(second.prevKv().modRevision()).isEqualTo(first.revision());
        assertThat(second.prevKv().version()).isEqualTo(1);
    }

    @Test
    void deleteRemovesTheKeyAndCountsIt() {
        put("a", "1");
        OpResult.DeleteResult deleted = store().delete(key("a"));
        assertThat(deleted.deleted()).isEqualTo(1);
        assertThat(deleted.prevKvs()).hasSize(1);
        assertThat(deleted.prevKvs().get(0).valueUtf8()).isEqualTo("1");
        assertThat(get("a")).isNull();
    }

    @Test
    void deleteOfAMissingKeyDeletesNothingAndKeepsTheRevision() {
        long written = put("other", "1");
        long before = store().currentRevision();
        OpResult.DeleteResult deleted = store().delete(key("missing"));
        assertThat(deleted.deleted()).isZero();
        assertThat(deleted.prevKvs()).isEmpty();
        assertThat(deleted.revision()).isGreaterThanOrEqualTo(written).isEqualTo(before);
        assertThat(get("other").modRevision()).isEqualTo(written);
    }

    @Test
    void deleteOfAPrefixDeletesEveryKeyInItAtOneRevision() {
        put("dir/a", "1");
        put("dir/b", "2");
        put("other", "3");
        OpResult.DeleteResult deleted = store().deleteRange(key("dir/"), ByteKeys.prefixEnd(key("dir/")));
        assertThat(deleted.deleted()).isEqualTo(2);
        assertThat(names(deleted.prevKvs())).containsExactly("dir/a", "dir/b");
        assertThat(store().range(RangeRequest.prefix(key("dir/"))).kvs()).isEmpty();
        assertThat(get("other")).isNotNull();
    }

    @Test
    void putAfterDeleteStartsANewGenerationAtVersionOne() {
        put("a", "1");
        put("a", "2");
        store().delete(key("a"));
        long recreated = put("a", "3");
        KeyValue kv = get("a");
        assertThat(kv.createRevision()).isEqualTo(recreated);
        assertThat(kv.version()).isEqualTo(1);
    }

    @Test
    void anEmptyKeyIsRefused() {
        assertThat(kindOf(() -> store().put(new byte[0], bytes("x")))).isEqualTo(StorageException.Kind.INVALID_REQUEST);
        assertThat(kindOf(() -> store().range(RangeRequest.key(new byte[0])))).isEqualTo(StorageException.Kind.INVALID_REQUEST);
    }

    // ---- range ----

    @Test
    void rangeOfAPrefixReturnsItsKeysInByteOrder() {
        put("b", "2");
        put("a", "1");
        put("c", "3");
        put("a/x", "4");
        OpResult.RangeResult result = store().range(RangeRequest.prefix(prefixKey()));
        assertThat(names(result.kvs())).containsExactly("a", "a/x", "b", "c");
        assertThat(result.count()).isEqualTo(4);
        assertThat(result.more()).isFalse();
    }

    @Test
    void rangeOfAnIntervalIncludesItsStartAndExcludesItsEnd() {
        put("a", "1");
        put("b", "2");
        put("c", "3");
        OpResult.RangeResult result = store().range(RangeRequest.interval(key("a"), key("c")));
        assertThat(names(result.kvs())).containsExactly("a", "b");
    }

    @Test
    void rangeOfASingleKeyReturnsOnlyThatKey() {
        put("a", "1");
        put("ab", "2");
        OpResult.RangeResult result = store().range(RangeRequest.key(key("a")));
        assertThat(names(result.kvs())).containsExactly("a");
        assertThat(result.count()).isEqualTo(1);
    }

    @Test
    void rangeFromAKeyWithTheZeroByteEndReturnsEveryKeyFromIt() {
        put("a", "1");
        put("m", "2");
        put("z", "3");
        OpResult.RangeResult result = store().range(new RangeRequest(key("m"), new byte[] {0}, 0, 0, false, false));
        List<String> names = names(result.kvs());
        assertThat(names).contains("m", "z").doesNotContain("a");
        assertThat(names.indexOf("m")).isLessThan(names.indexOf("z"));
        for (int i = 1; i < result.kvs().size(); i++) {
            assertThat(ByteKeys.compare(result.kvs().get(i - 1).key(), result.kvs().get(i).key())).isNegative();
        }
        assertThat(ByteKeys.compare(result.kvs().get(0).key(), key("m"))).isGreaterThanOrEqualTo(0);
    }

    @Test
    void rangeWithALimitSaysThereIsMoreAndCountsEveryKey() {
        for (String name : List.of("a", "b", "c", "d", "e")) {
            put(name, name);
        }
        OpResult.RangeResult limited = store().range(RangeRequest.prefix(prefixKey()).withLimit(2));
        assertThat(names(limited.kvs())).containsExactly("a", "b");
        assertThat(limited.more()).isTrue();
        assertThat(limited.count()).isEqualTo(5);
        OpResult.RangeResult exact = store().range(RangeRequest.prefix(prefixKey()).withLimit(5));
        assertThat(exact.kvs()).hasSize(5);
        assertThat(exact.more()).isFalse();
    }

    @Test
    void countOnlyReturnsTheCountWithoutKeyValues() {
        for (int i = 0; i < 25; i++) {
            put("k" + i, "v");
        }
        OpResult.RangeResult result = store().range(RangeRequest.prefix(prefixKey()).countingOnly());
        assertThat(result.count()).isEqualTo(25);
        assertThat(result.kvs()).isEmpty();
    }

    @Test
    void keysOnlyReturnsKeyValuesWithoutValues() {
        long revision = put("a", "value");
        OpResult.RangeResult result = store().range(RangeRequest.prefix(prefixKey()).keysOnlyRequest());
        assertThat(result.kvs()).hasSize(1);
        KeyValue kv = result.kvs().get(0);
        assertThat(kv.value()).isEmpty();
        assertThat(kv.modRevision()).isEqualTo(revision);
        assertThat(kv.createRevision()).isEqualTo(revision);
        assertThat(kv.version()).isEqualTo(1);
    }

    @Test
    void rangeAtAnOldRevisionSeesTheStoreAsItWasThen() {
        long first = put("a", "1");
        long second = put("a", "2");
        put("b", "1");
        store().delete(key("a"));
        OpResult.RangeResult atFirst = store().range(RangeRequest.prefix(prefixKey()).atRevision(first));
        assertThat(names(atFirst.kvs())).containsExactly("a");
        assertThat(atFirst.kvs().get(0).valueUtf8()).isEqualTo("1");
        OpResult.RangeResult atSecond = store().range(RangeRequest.key(key("a")).atRevision(second));
        assertThat(atSecond.kvs().get(0).valueUtf8()).isEqualTo("2");
        assertThat(atSecond.kvs().get(0).version()).isEqualTo(2);
        assertThat(store().range(RangeRequest.prefix(prefixKey())).kvs()).extracting(KeyValue::keyUtf8)
                .containsExactly(prefix + "b");
    }

    @Test
    void rangeAtAFutureRevisionFailsWithFutureRevision() {
        long current = put("a", "1");
        assertThatThrownBy(() -> store().range(RangeRequest.key(key("a")).atRevision(current + 1_000_000)))
                .isInstanceOfSatisfying(StorageException.class,
                        e -> assertThat(e.kind()).isEqualTo(StorageException.Kind.FUTURE_REVISION));
    }

    @Test
    void rangeResultCarriesTheStoreRevision() {
        long written = put("a", "1");
        assertThat(store().range(RangeRequest.key(key("a"))).revision()).isGreaterThanOrEqualTo(written);
    }

    // ---- transactions ----

    private TxnResponse txn(List<Compare> compares, List<Op> success, List<Op> failure) {
        return store().txn(TxnRequest.when(compares, success, failure));
    }

    @Test
    void txnRunsTheSuccessBranchWhenEveryCompareHolds() {
        long created = put("a", "1");
        TxnResponse response = txn(List.of(Compare.modRevisionEquals(key("a"), created), Compare.absent(key("b"))),
                List.of(Op.put(key("b"), bytes("2"))), List.of(Op.put(key("c"), bytes("3"))));
        assertThat(response.succeeded()).isTrue();
        assertThat(response.revision()).isGreaterThan(created);
        assertThat(get("b").valueUtf8()).isEqualTo("2");
        assertThat(get("b").modRevision()).isEqualTo(response.revision());
        assertThat(get("c")).isNull();
    }

    @Test
    void txnRunsTheFailureBranchWhenACompareFails() {
        long created = put("a", "1");
        TxnResponse response = txn(List.of(Compare.modRevisionEquals(key("a"), created + 1_000)),
                List.of(Op.put(key("b"), bytes("2"))), List.of(Op.put(key("c"), bytes("3")), Op.get(key("a"))));
        assertThat(response.succeeded()).isFalse();
        assertThat(get("b")).isNull();
        assertThat(get("c").valueUtf8()).isEqualTo("3");
        assertThat(response.results()).hasSize(2);
        OpResult.RangeResult read = (OpResult.RangeResult) response.results().get(1);
        assertThat(read.kvs()).extracting(KeyValue::valueUtf8).containsExactly("1");
    }

    @Test
    void comparesOnCreateRevisionModRevisionAndVersionWorkWithEveryResult() {
        long created = put("a", "1");
        long modified = put("a", "2");
        byte[] a = key("a");
        byte[] missing = key("missing");
        List<Compare> holding = List.of(
                new Compare(a, Compare.Target.CREATE_REVISION, Compare.Result.EQUAL, created),
                new Compare(a, Compare.Target.CREATE_REVISION, Compare.Result.LESS, modified),
                new Compare(a, Compare.Target.MOD_REVISION, Compare.Result.EQUAL, modified),
                new Compare(a, Compare.Target.MOD_REVISION, Compare.Result.GREATER, created),
                new Compare(a, Compare.Target.MOD_REVISION, Compare.Result.NOT_EQUAL, created),
                new Compare(a, Compare.Target.VERSION, Compare.Result.EQUAL, 2),
                new Compare(a, Compare.Target.VERSION, Compare.Result.GREATER, 1),
                new Compare(a, Compare.Target.VERSION, Compare.Result.LESS, 3),
                new Compare(missing, Compare.Target.CREATE_REVISION, Compare.Result.EQUAL, 0),
                new Compare(missing, Compare.Target.MOD_REVISION, Compare.Result.EQUAL, 0),
                new Compare(missing, Compare.Target.VERSION, Compare.Result.EQUAL, 0));
        for (Compare compare : holding) {
            assertThat(txn(List.of(compare), List.of(), List.of()).succeeded()).as("%s %s %s", compare.target(),
                    compare.result(), compare.operand()).isTrue();
        }
        List<Compare> failing = List.of(
                new Compare(a, Compare.Target.CREATE_REVISION, Compare.Result.NOT_EQUAL, created),
                new Compare(a, Compare.Target.MOD_REVISION, Compare.Result.LESS, modified),
                new Compare(a, Compare.Target.VERSION, Compare.Result.EQUAL, 1),
                new Compare(missing, Compare.Target.VERSION, Compare.Result.GREATER, 0),
                Compare.exists(missing));
        for (Compare compare : failing) {
            assertThat(txn(List.of(compare), List.of(), List.of()).succeeded()).as("%s %s %s", compare.target(),
                    compare.result(), compare.operand()).isFalse();
        }
    }

    @Test
    void getInsideATxnSeesTheTxnsEarlierWrites() {
        put("a", "old");
        TxnResponse response = txn(List.of(), List.of(
                Op.put(key("a"), bytes("new")),
                Op.get(key("a")),
                Op.delete(key("b")),
                Op.put(key("c"), bytes("c")),
                new Op.Get(RangeRequest.prefix(prefixKey()))), List.of());
        OpResult.RangeResult single = (OpResult.RangeResult) response.results().get(1);
        assertThat(single.kvs()).extracting(KeyValue::valueUtf8).containsExactly("new");
        assertThat(single.kvs().get(0).modRevision()).isEqualTo(response.revision());
        OpResult.RangeResult all = (OpResult.RangeResult) response.results().get(4);
        assertThat(names(all.kvs())).containsExactly("a", "c");
    }

    @Test
    void aTxnWritesAllItsKeysAtOneRevision() {
        TxnResponse response = txn(List.of(), List.of(Op.put(key("a"), bytes("1")), Op.put(key("b"), bytes("2"))), List.of());
        assertThat(get("a").modRevision()).isEqualTo(response.revision());
        assertThat(get("b").modRevision()).isEqualTo(response.revision());
        for (OpResult result : response.results()) {
            assertThat(result.revision()).isEqualTo(response.revision());
        }
    }

    @Test
    void aFailedCompareChangesNothing() {
        put("c", "1");
        long written = put("a", "1");
        long before = store().currentRevision();
        TxnResponse response = txn(List.of(Compare.absent(key("a"))),
                List.of(Op.put(key("a"), bytes("2")), Op.put(key("b"), bytes("2")), Op.delete(key("c"))), List.of());
        assertThat(response.succeeded()).isFalse();
        assertThat(response.revision()).isEqualTo(before);
        assertThat(get("a").valueUtf8()).isEqualTo("1");
        assertThat(get("a").modRevision()).isEqualTo(written);
        assertThat(get("b")).isNull();
        assertThat(get("c")).isNotNull();
    }

    @Test
    void aTxnThatChangesNothingDoesNotBumpTheRevision() {
        put("a", "1");
        long before = store().currentRevision();
        TxnResponse readOnly = txn(List.of(Compare.absent(key("a"))), List.of(), List.of(Op.get(key("a"))));
        assertThat(readOnly.revision()).isEqualTo(before);
        TxnResponse deleteOfNothing = txn(List.of(), List.of(Op.delete(key("missing"))), List.of());
        assertThat(deleteOfNothing.revision()).isEqualTo(before);
        assertThat(store().currentRevision()).isEqualTo(before);
    }

    @Test
    void aTxnWritingTheSameKeyTwiceIsRefused() {
        byte[] a = key("a");
        // etcd refuses a key put twice, or put and deleted; it accepts a key deleted twice (checkIntervals
        // in etcdserver/api/v3rpc/key.go compares puts with puts and deletes, never deletes with deletes).
        List<List<Op>> duplicates = List.of(
                List.of(Op.put(a, bytes("1")), Op.put(a, bytes("2"))),
                List.of(Op.put(a, bytes("1")), Op.delete(a)),
                List.of(Op.put(a, bytes("1")), new Op.Delete(prefixKey(), ByteKeys.prefixEnd(prefixKey()), false)));
        for (List<Op> ops : duplicates) {
            assertThat(kindOf(() -> txn(List.of(), ops, List.of()))).as("%s", ops)
                    .isEqualTo(StorageException.Kind.INVALID_REQUEST);
        }
        assertThat(get("a")).isNull();
    }

    @Test
    void aTxnMayDeleteTheSameKeyTwiceAsEtcdAllows() {
        put("a", "1");
        TxnResponse response = txn(List.of(), List.of(Op.delete(key("a")), Op.delete(key("a"))), List.of());
        assertThat(((OpResult.DeleteResult) response.results().get(0)).deleted()).isEqualTo(1);
        assertThat(((OpResult.DeleteResult) response.results().get(1)).deleted()).isZero();
        assertThat(get("a")).isNull();
    }

    @Test
    void concurrentCompareAndSwapIncrementsLoseNoUpdate() throws Exception {
        int threads = 16;
        int incrementsPerThread = 25;
        List<byte[]> counters = List.of(key("c0"), key("c1"), key("c2"));
        for (byte[] counter : counters) {
            store().put(counter, bytes("0"));
        }
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                done.add(pool.submit(() -> {
                    for (int i = 0; i < incrementsPerThread; i++) {
                        byte[] counter = counters.get((thread + i) % counters.size());
                        while (true) {
                            KeyValue current = store().get(counter);
                            long next = Long.parseLong(current.valueUtf8()) + 1;
                            TxnResponse response = store().txn(TxnRequest.when(
                                    List.of(Compare.modRevisionEquals(counter, current.modRevision())),
                                    List.of(Op.put(counter, bytes(Long.toString(next)))), List.of()));
                            if (response.succeeded()) {
                                break;
                            }
                        }
                    }
                    return null;
                }));
            }
            for (Future<?> future : done) {
                future.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long total = 0;
        int[] expected = new int[counters.size()];
        for (int t = 0; t < threads; t++) {
            for (int i = 0; i < incrementsPerThread; i++) {
                expected[(t + i) % counters.size()]++;
            }
        }
        for (int c = 0; c < counters.size(); c++) {
            KeyValue kv = store().get(counters.get(c));
            assertThat(Long.parseLong(kv.valueUtf8())).as("counter %d", c).isEqualTo(expected[c]);
            assertThat(kv.version()).isEqualTo(expected[c] + 1L);
            total += Long.parseLong(kv.valueUtf8());
        }
        assertThat(total).isEqualTo((long) threads * incrementsPerThread);
    }

    // ---- watch ----

    @Test
    void watchDeliversEveryEventFromItsStartRevisionOnceAndInOrder() {
        long start = put("a", "1");
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()).fromRevision(start), recorder)) {
            long b = put("b", "1");
            TxnResponse multi = txn(List.of(), List.of(Op.put(key("c"), bytes("1")), Op.put(key("d"), bytes("1")),
                    Op.delete(key("a"))), List.of());
            long last = put("b", "2");
            recorder.awaitRevision(last);
            List<Seen> expected = List.of(
                    new Seen(WatchEvent.Type.PUT, "a", start),
                    new Seen(WatchEvent.Type.PUT, "b", b),
                    new Seen(WatchEvent.Type.PUT, "c", multi.revision()),
                    new Seen(WatchEvent.Type.PUT, "d", multi.revision()),
                    new Seen(WatchEvent.Type.DELETE, "a", multi.revision()),
                    new Seen(WatchEvent.Type.PUT, "b", last));
            assertThat(seen(recorder.events())).containsExactlyElementsOf(expected);
            List<WatchEvent> txnCall = recorder.calls().stream()
                    .filter(call -> call.stream().anyMatch(e -> e.revision() == multi.revision()))
                    .findFirst().orElseThrow();
            assertThat(txnCall.stream().filter(e -> e.revision() == multi.revision())).hasSize(3);
            recorder.assertContractKept();
        }
    }

    @Test
    void watchFromNowDeliversOnlyLaterChanges() {
        put("a", "before");
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()), recorder)) {
            long after = put("a", "after");
            recorder.awaitRevision(after);
            assertThat(seen(recorder.events())).containsExactly(new Seen(WatchEvent.Type.PUT, "a", after));
            assertThat(recorder.events().get(0).kv().valueUtf8()).isEqualTo("after");
        }
    }

    @Test
    void watchFromAFutureRevisionStartsThere() {
        long current = put("a", "0");
        long start = current + 3;
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()).fromRevision(start), recorder)) {
            List<Long> written = new ArrayList<>();
            for (int i = 1; i <= 6; i++) {
                written.add(put("a", Integer.toString(i)));
            }
            long last = written.get(written.size() - 1);
            recorder.awaitRevision(last);
            assertThat(recorder.events()).extracting(WatchEvent::revision)
                    .containsExactlyElementsOf(written.stream().filter(r -> r >= start).toList());
        }
    }

    @Test
    void watchOfOneKeyIgnoresOtherKeys() {
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.key(key("a")), recorder)) {
            put("ab", "x");
            put("b", "x");
            long last = put("a", "x");
            recorder.awaitRevision(last);
            assertThat(seen(recorder.events())).containsExactly(new Seen(WatchEvent.Type.PUT, "a", last));
        }
    }

    @Test
    void watchWithPrevKvCarriesThePreviousVersion() {
        long first = put("a", "1");
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()).withPrevKv(), recorder)) {
            put("a", "2");
            long deleted = store().delete(key("a")).revision();
            put("b", "new");
            long last = put("b", "newer");
            recorder.awaitRevision(last);
            List<WatchEvent> events = recorder.events();
            assertThat(events).hasSize(4);
            assertThat(events.get(0).prevKv().valueUtf8()).isEqualTo("1");
            assertThat(events.get(0).prevKv().modRevision()).isEqualTo(first);
            assertThat(events.get(1).type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(events.get(1).revision()).isEqualTo(deleted);
            assertThat(events.get(1).prevKv().valueUtf8()).isEqualTo("2");
            assertThat(events.get(2).prevKv()).isNull();
            assertThat(events.get(3).prevKv().valueUtf8()).isEqualTo("new");
        }
    }

    @Test
    void watchReportsDeletesWithTheDeletionRevision() {
        put("a", "1");
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()), recorder)) {
            long deleted = store().delete(key("a")).revision();
            recorder.awaitRevision(deleted);
            WatchEvent event = recorder.events().get(0);
            assertThat(event.type()).isEqualTo(WatchEvent.Type.DELETE);
            assertThat(event.kv().keyUtf8()).isEqualTo(prefix + "a");
            assertThat(event.kv().modRevision()).isEqualTo(deleted);
            assertThat(event.prevKv()).isNull();
        }
    }

    @Test
    void aWatchResumedAfterItsLastRevisionMissesAndDuplicatesNothing() {
        Recorder first = new Recorder();
        long lastSeen;
        List<Long> written = new ArrayList<>();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()), first)) {
            for (int i = 0; i < 5; i++) {
                written.add(put("k" + (i % 2), "v" + i));
            }
            first.awaitRevision(written.get(written.size() - 1));
            lastSeen = first.lastRevision();
        }
        for (int i = 5; i < 10; i++) {
            written.add(put("k" + (i % 2), "v" + i));
        }
        Recorder second = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()).fromRevision(lastSeen + 1), second)) {
            for (int i = 10; i < 15; i++) {
                written.add(put("k" + (i % 2), "v" + i));
            }
            second.awaitRevision(written.get(written.size() - 1));
        }
        List<Long> revisions = new ArrayList<>();
        first.events().forEach(e -> revisions.add(e.revision()));
        second.events().forEach(e -> revisions.add(e.revision()));
        assertThat(revisions).containsExactlyElementsOf(written);
        first.assertContractKept();
        second.assertContractKept();
    }

    @Test
    void watchFromAnOldRevisionReplaysHistory() {
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            written.add(put("k" + (i % 3), "v" + i));
        }
        written.add(store().delete(key("k0")).revision());
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()).fromRevision(written.get(3)).withPrevKv(), recorder)) {
            recorder.awaitRevision(written.get(written.size() - 1));
            List<WatchEvent> events = recorder.events();
            assertThat(events).extracting(WatchEvent::revision).containsExactlyElementsOf(written.subList(3, written.size()));
            assertThat(events.get(0).kv().valueUtf8()).isEqualTo("v3");
            assertThat(events.get(0).prevKv().valueUtf8()).isEqualTo("v0");
            assertThat(events.get(events.size() - 1).type()).isEqualTo(WatchEvent.Type.DELETE);
            recorder.assertContractKept();
        }
    }

    @Test
    void requestProgressReportsARevisionAtLeastTheLastWrite() {
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()), recorder)) {
            long last = put("a", "1");
            recorder.awaitRevision(last);
            watch.requestProgress();
            await("a progress notification", () -> !recorder.progress().isEmpty());
            assertThat(recorder.progress().get(0)).isGreaterThanOrEqualTo(last);
        }
    }

    @Test
    void aClosedWatchDeliversNothingMore() {
        Recorder recorder = new Recorder();
        Watch watch = store().watch(WatchRequest.prefix(prefixKey()), recorder);
        long first = put("a", "1");
        recorder.awaitRevision(first);
        watch.close();
        put("a", "2");
        Recorder witness = new Recorder();
        long last;
        try (Watch other = store().watch(WatchRequest.prefix(prefixKey()), witness)) {
            last = put("a", "3");
            witness.awaitRevision(last);
        }
        assertThat(recorder.events()).extracting(WatchEvent::revision).containsExactly(first);
        assertThat(recorder.closed()).isNull();
    }

    @Test
    void manyConcurrentWatchersEachSeeEveryEvent() throws Exception {
        int watcherCount = 40;
        int writers = 4;
        int writesPerWriter = 25;
        List<Recorder> recorders = new ArrayList<>();
        List<Watch> watches = new ArrayList<>();
        long start = store().currentRevision() + 1;
        try {
            for (int i = 0; i < watcherCount; i++) {
                Recorder recorder = new Recorder();
                recorders.add(recorder);
                WatchRequest request = WatchRequest.prefix(prefixKey());
                // Half start at the next change, half replay from a revision before any write of this test.
                watches.add(store().watch(i % 2 == 0 ? request : request.fromRevision(start), recorder));
            }
            ExecutorService pool = Executors.newFixedThreadPool(writers);
            List<Future<List<Long>>> results = new ArrayList<>();
            try {
                for (int w = 0; w < writers; w++) {
                    int writer = w;
                    results.add(pool.submit(() -> {
                        List<Long> revisions = new ArrayList<>();
                        for (int i = 0; i < writesPerWriter; i++) {
                            revisions.add(put("w" + writer + "/" + (i % 5), "v" + i));
                        }
                        return revisions;
                    }));
                }
                List<Long> all = new ArrayList<>();
                for (Future<List<Long>> result : results) {
                    all.addAll(result.get(60, TimeUnit.SECONDS));
                }
                all.sort(null);
                long last = all.get(all.size() - 1);
                for (Recorder recorder : recorders) {
                    recorder.awaitRevision(last);
                }
                for (int i = 0; i < recorders.size(); i++) {
                    List<Long> seen = recorders.get(i).events().stream().map(WatchEvent::revision).toList();
                    // Watchers from "now" were created before any write, so they too see every write.
                    assertThat(seen).as("watcher %d", i).containsExactlyElementsOf(all);
                    recorders.get(i).assertContractKept();
                }
            } finally {
                pool.shutdownNow();
            }
        } finally {
            watches.forEach(Watch::close);
        }
    }

    // ---- compaction ----

    @Test
    void rangeAtACompactedRevisionFailsWithCompacted() {
        long old = put("a", "1");
        put("a", "2");
        long compactAt = put("a", "3");
        store().compact(compactAt);
        assertThatThrownBy(() -> store().range(RangeRequest.key(key("a")).atRevision(old)))
                .isInstanceOfSatisfying(StorageException.class, e -> {
                    assertThat(e.kind()).isEqualTo(StorageException.Kind.COMPACTED);
                    // etcd's range error does not say the compacted revision (its watch does): 0 is allowed here.
                    if (e.compactRevision() != 0) {
                        assertThat(e.compactRevision()).isGreaterThanOrEqualTo(compactAt);
                    }
                });
    }

    @Test
    void theNewestVersionsSurviveCompaction() {
        put("a", "1");
        long lastOfA = put("a", "2");
        put("b", "1");
        store().delete(key("b"));
        long created = put("c", "1");
        long compactAt = put("c", "2");
        store().compact(compactAt);
        KeyValue a = get("a");
        assertThat(a.valueUtf8()).isEqualTo("2");
        assertThat(a.modRevision()).isEqualTo(lastOfA);
        assertThat(a.version()).isEqualTo(2);
        KeyValue c = get("c");
        assertThat(c.createRevision()).isEqualTo(created);
        assertThat(c.version()).isEqualTo(2);
        assertThat(get("b")).isNull();
        assertThat(names(store().range(RangeRequest.prefix(prefixKey()).atRevision(compactAt)).kvs()))
                .containsExactly("a", "c");
        long later = put("c", "3");
        assertThat(get("c").version()).isEqualTo(3);
        assertThat(get("c").modRevision()).isEqualTo(later);
    }

    @Test
    void watchFromACompactedRevisionFailsWithCompacted() {
        long old = put("a", "1");
        long compactAt = put("a", "2");
        store().compact(compactAt);
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()).fromRevision(old), recorder)) {
            recorder.awaitClosed();
            assertThat(recorder.closed().kind()).isEqualTo(StorageException.Kind.COMPACTED);
            assertThat(recorder.closed().compactRevision()).isGreaterThanOrEqualTo(compactAt);
            assertThat(recorder.events()).isEmpty();
        }
    }

    @Test
    void compactingAtAFutureRevisionFailsWithFutureRevision() {
        long current = put("a", "1");
        assertThat(kindOf(() -> store().compact(current + 1_000_000))).isEqualTo(StorageException.Kind.FUTURE_REVISION);
    }

    @Test
    void compactingAtTheCompactedRevisionAgainFailsWithCompacted() {
        long revision = put("a", "1");
        store().compact(revision);
        assertThat(kindOf(() -> store().compact(revision))).isEqualTo(StorageException.Kind.COMPACTED);
    }

    // ---- leases ----

    @Test
    void aGrantedLeaseReportsItsTimeToLive() {
        Lease lease = store().grantLease(30);
        try {
            assertThat(lease.id()).isNotZero();
            assertThat(lease.grantedTtlSeconds()).isGreaterThanOrEqualTo(30);
            Lease ttl = store().timeToLive(lease.id());
            assertThat(ttl.grantedTtlSeconds()).isEqualTo(lease.grantedTtlSeconds());
            assertThat(ttl.remainingTtlSeconds()).isBetween(1L, lease.grantedTtlSeconds());
        } finally {
            store().revokeLease(lease.id());
        }
    }

    @Test
    void grantedLeasesHaveDistinctIds() {
        Lease first = store().grantLease(30);
        Lease second = store().grantLease(30);
        try {
            assertThat(first.id()).isNotEqualTo(second.id());
        } finally {
            store().revokeLease(first.id());
            store().revokeLease(second.id());
        }
    }

    @Test
    void keepAliveRenewsALease() {
        Lease lease = store().grantLease(30);
        try {
            Lease renewed = store().keepAlive(lease.id());
            assertThat(renewed.id()).isEqualTo(lease.id());
            assertThat(renewed.remainingTtlSeconds()).isGreaterThan(0);
            assertThat(store().timeToLive(lease.id()).remainingTtlSeconds()).isGreaterThan(0);
        } finally {
            store().revokeLease(lease.id());
        }
    }

    @Test
    void revokingALeaseDeletesItsKeysAtOneRevisionWithDeleteEvents() {
        Lease lease = store().grantLease(60);
        store().put(key("a"), bytes("1"), lease.id());
        store().put(key("b"), bytes("1"), lease.id());
        put("c", "no lease");
        assertThat(get("a").lease()).isEqualTo(lease.id());
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()), recorder)) {
            long before = store().currentRevision();
            store().revokeLease(lease.id());
            recorder.awaitEventCount(2);
            List<WatchEvent> events = recorder.events();
            assertThat(events).extracting(WatchEvent::type).containsOnly(WatchEvent.Type.DELETE);
            assertThat(names(events.stream().map(WatchEvent::kv).toList())).containsExactlyInAnyOrder("a", "b");
            assertThat(events.get(0).revision()).isEqualTo(events.get(1).revision()).isGreaterThan(before);
        }
        assertThat(get("a")).isNull();
        assertThat(get("b")).isNull();
        assertThat(get("c")).isNotNull();
        assertThat(store().timeToLive(lease.id()).remainingTtlSeconds()).isEqualTo(-1);
    }

    @Test
    void anExpiredLeaseDeletesItsKeys() {
        Lease lease = store().grantLease(1);
        store().put(key("a"), bytes("1"), lease.id());
        Recorder recorder = new Recorder();
        try (Watch watch = store().watch(WatchRequest.prefix(prefixKey()), recorder)) {
            await("the lease to expire and delete its key", () -> get("a") == null);
            recorder.awaitEventCount(1);
            assertThat(recorder.events().get(0).type()).isEqualTo(WatchEvent.Type.DELETE);
        }
        assertThat(store().timeToLive(lease.id()).remainingTtlSeconds()).isEqualTo(-1);
        assertThat(kindOf(() -> store().keepAlive(lease.id()))).isEqualTo(StorageException.Kind.LEASE_NOT_FOUND);
    }

    @Test
    void aPutWithAnUnknownLeaseIsRefusedAndWritesNothing() {
        long before = store().currentRevision();
        assertThat(kindOf(() -> store().put(key("a"), bytes("1"), 0x7e57_0000_0000_0001L)))
                .isEqualTo(StorageException.Kind.LEASE_NOT_FOUND);
        assertThat(get("a")).isNull();
        assertThat(store().currentRevision()).isEqualTo(before);
    }

    @Test
    void unknownLeasesHaveNoTimeToLiveAndCannotBeRenewedOrRevoked() {
        long unknown = 0x7e57_0000_0000_0002L;
        assertThat(store().timeToLive(unknown).remainingTtlSeconds()).isEqualTo(-1);
        assertThat(kindOf(() -> store().keepAlive(unknown))).isEqualTo(StorageException.Kind.LEASE_NOT_FOUND);
        assertThat(kindOf(() -> store().revokeLease(unknown))).isEqualTo(StorageException.Kind.LEASE_NOT_FOUND);
    }

    @Test
    void reputtingAKeyWithAnotherLeaseMovesIt() {
        Lease first = store().grantLease(60);
        Lease second = store().grantLease(60);
        try {
            store().put(key("a"), bytes("1"), first.id());
            store().put(key("a"), bytes("2"), second.id());
            store().put(key("b"), bytes("1"), first.id());
            store().put(key("b"), bytes("2"));
            store().revokeLease(first.id());
            assertThat(get("a").lease()).isEqualTo(second.id());
            assertThat(get("b")).isNotNull();
            assertThat(get("b").lease()).isZero();
        } finally {
            store().revokeLease(second.id());
        }
        assertThat(get("a")).isNull();
    }

    // ---- limits ----

    @Test
    void aValueOverTheRequestLimitIsRefusedAndNothingIsWritten() {
        long written = put("a", "small");
        long before = store().currentRevision();
        byte[] big = new byte[(int) StorageLimits.MAX_REQUEST_BYTES + 1024];
        Arrays.fill(big, (byte) 'x');
        assertThat(kindOf(() -> store().put(key("a"), big))).isEqualTo(StorageException.Kind.REQUEST_TOO_LARGE);
        assertThat(kindOf(() -> store().put(key("b"), big))).isEqualTo(StorageException.Kind.REQUEST_TOO_LARGE);
        assertThat(get("a").valueUtf8()).isEqualTo("small");
        assertThat(get("a").modRevision()).isEqualTo(written);
        assertThat(get("b")).isNull();
        assertThat(store().currentRevision()).isEqualTo(before);
    }

    @Test
    void aTransactionOverTheOperationLimitIsRefusedAndNothingIsWritten() {
        long before = store().currentRevision();
        List<Op> tooMany = new ArrayList<>();
        for (int i = 0; i <= StorageLimits.MAX_TXN_OPS; i++) {
            tooMany.add(Op.put(key("k" + i), bytes("v")));
        }
        assertThat(kindOf(() -> store().txn(new TxnRequest(List.of(), tooMany, List.of()))))
                .isEqualTo(StorageException.Kind.INVALID_REQUEST);
        assertThat(get("k0")).isNull();
        assertThat(store().currentRevision()).isEqualTo(before);

        List<Op> atTheLimit = tooMany.subList(0, StorageLimits.MAX_TXN_OPS);
        TxnResponse response = store().txn(new TxnRequest(List.of(), atTheLimit, List.of()));
        assertThat(response.revision()).isGreaterThan(before);
        assertThat(store().range(RangeRequest.prefix(key("k")).countingOnly()).count()).isEqualTo(StorageLimits.MAX_TXN_OPS);
    }

    @Test
    void aOneMebibyteValueIsStored() {
        byte[] value = new byte[1 << 20];
        for (int i = 0; i < value.length; i++) {
            value[i] = (byte) i;
        }
        store().put(key("big"), value);
        assertThat(store().get(key("big")).value()).isEqualTo(value);
    }
}
