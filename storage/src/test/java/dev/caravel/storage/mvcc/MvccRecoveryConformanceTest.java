package dev.caravel.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStoreConformanceTest.Recorder;
import dev.caravel.storage.Lease;
import dev.caravel.storage.Op;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * What an {@link MvccStore} must find again when it is reopened on a {@link Backend}: keys with
 * their revisions and versions, the current and compacted revisions, history still readable and
 * watchable, and leases with their keys. Each backend subclasses it and supplies
 * {@link #openBackend()}, which opens the same storage each time it is called within one test
 * (empty storage on the first call).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
@SuppressWarnings("try") // a watch opened in try-with-resources only to be closed at its end
public abstract class MvccRecoveryConformanceTest {

    /** Opens the backend under test on this test's storage: empty the first time, as left by the last close after. */
    protected abstract Backend openBackend();

    private final List<MvccStore> opened = new ArrayList<>();

    private MvccStore open() {
        MvccStore store = MvccStore.open(openBackend(), MvccStore.Config.defaults());
        opened.add(store);
        return store;
    }

    private MvccStore reopen(MvccStore store) {
        store.close();
        opened.remove(store);
        return open();
    }

    @AfterEach
    void closeStores() {
        opened.forEach(MvccStore::close);
    }

    private static byte[] key(String name) {
        return ByteKeys.utf8(name);
    }

    @Test
    void aNewStoreIsAtRevisionOneAndStaysThereWhenReopenedUnwritten() {
        MvccStore store = open();
        assertThat(store.currentRevision()).isEqualTo(1);
        store = reopen(store);
        assertThat(store.currentRevision()).isEqualTo(1);
        assertThat(store.put(key("a"), key("1")).revision()).isEqualTo(2);
    }

    @Test
    void reopeningRecoversKeysRevisionsAndVersions() {
        MvccStore store = open();
        long created = store.put(key("a"), key("1")).revision();
        store.put(key("a"), key("2"));
        store.put(key("b"), key("1"));
        store.delete(key("b"));
        long txn = store.txn(TxnRequest.when(List.of(), List.of(Op.put(key("c"), key("1")), Op.put(key("d"), key("1"))),
                List.of())).revision();
        long last = store.put(key("b"), key("again")).revision();

        store = reopen(store);
        assertThat(store.currentRevision()).isEqualTo(last);
        KeyValue a = store.get(key("a"));
        assertThat(a.valueUtf8()).isEqualTo("2");
        assertThat(a.createRevision()).isEqualTo(created);
        assertThat(a.version()).isEqualTo(2);
        KeyValue b = store.get(key("b"));
        assertThat(b.createRevision()).isEqualTo(last);
        assertThat(b.version()).isEqualTo(1);
        assertThat(store.get(key("c")).modRevision()).isEqualTo(txn);
        assertThat(store.range(RangeRequest.key(key("a")).atRevision(created)).kvs())
                .extracting(KeyValue::valueUtf8).containsExactly("1");
        assertThat(store.put(key("e"), key("1")).revision()).isEqualTo(last + 1);
        store.put(key("a"), key("3"));
        assertThat(store.get(key("a")).version()).isEqualTo(3);
    }

    @Test
    void reopeningAfterCompactionKeepsTheCompactedRevisionAndTheNewestVersions() {
        MvccStore store = open();
        long created = store.put(key("a"), key("1")).revision();
        store.put(key("a"), key("2"));
        store.put(key("b"), key("1"));
        store.delete(key("b"));
        long compactAt = store.put(key("a"), key("3")).revision();
        store.compact(compactAt);
        long last = store.put(key("c"), key("1")).revision();

        store = reopen(store);
        assertThat(store.currentRevision()).isEqualTo(last);
        assertThat(store.compactedRevision()).isEqualTo(compactAt);
        KeyValue a = store.get(key("a"));
        assertThat(a.valueUtf8()).isEqualTo("3");
        assertThat(a.createRevision()).isEqualTo(created);
        assertThat(a.version()).isEqualTo(3);
        assertThat(store.get(key("b"))).isNull();
        assertThat(store.range(new RangeRequest(key("a"), new byte[] {0}, compactAt, 0, false, false)).kvs())
                .extracting(KeyValue::keyUtf8).containsExactly("a");
        store.put(key("a"), key("4"));
        assertThat(store.get(key("a")).version()).isEqualTo(4);
    }

    @Test
    void aWatchAfterReopeningReplaysTheHistoryFromTheBackend() {
        MvccStore store = open();
        List<Long> written = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            written.add(store.put(key("k/" + (i % 3)), key("v" + i)).revision());
        }
        written.add(store.delete(key("k/0")).revision());

        store = reopen(store);
        Recorder recorder = new Recorder();
        try (Watch watch = store.watch(WatchRequest.prefix(key("k/")).fromRevision(written.get(2)).withPrevKv(), recorder)) {
            recorder.awaitRevision(written.get(written.size() - 1));
            List<WatchEvent> events = recorder.events();
            assertThat(events).extracting(WatchEvent::revision).containsExactlyElementsOf(written.subList(2, written.size()));
            assertThat(events.get(1).prevKv().valueUtf8()).isEqualTo("v0");
            assertThat(events.get(events.size() - 1).type()).isEqualTo(WatchEvent.Type.DELETE);
        }
    }

    @Test
    void leasesComeBackWithTheirFullTimeToLiveAndTheirKeys() {
        MvccStore store = open();
        Lease withKeys = store.grantLease(100);
        Lease withoutKeys = store.grantLease(200);
        Lease revoked = store.grantLease(100);
        store.put(key("a"), key("1"), withKeys.id());
        store.put(key("b"), key("1"), withKeys.id());
        store.put(key("c"), key("1"), revoked.id());
        store.revokeLease(revoked.id());

        store = reopen(store);
        assertThat(store.timeToLive(withKeys.id()).remainingTtlSeconds()).isGreaterThan(90);
        assertThat(store.timeToLive(withoutKeys.id()).grantedTtlSeconds()).isEqualTo(200);
        assertThat(store.timeToLive(revoked.id()).remainingTtlSeconds()).isEqualTo(-1);
        assertThat(store.get(key("c"))).isNull();
        assertThat(store.get(key("a")).lease()).isEqualTo(withKeys.id());
        long before = store.currentRevision();
        store.revokeLease(withKeys.id());
        assertThat(store.get(key("a"))).as("keys re-attached to their lease at recovery").isNull();
        assertThat(store.get(key("b"))).isNull();
        assertThat(store.currentRevision()).isEqualTo(before + 1);
    }
}
