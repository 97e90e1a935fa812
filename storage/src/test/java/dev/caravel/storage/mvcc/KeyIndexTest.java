package dev.caravel.storage.mvcc;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import java.util.List;
import org.junit.jupiter.api.Test;

class KeyIndexTest {

    private final KeyIndex index = new KeyIndex();

    private static byte[] key(String name) {
        return ByteKeys.utf8(name);
    }

    private static Revision rev(long main) {
        return new Revision(main, 0);
    }

    /** The example of KeyIndex's doc comment, step by step. */
    @Test
    void theWorkedExampleOfTheDocCommentHolds() {
        byte[] a = key("a");
        index.put(a, rev(2), 0);
        index.put(a, rev(3), 0);
        index.tombstone(a, rev(5));
        index.put(a, rev(7), 0);
        index.put(a, rev(8), 0);

        assertThat(index.get(a, 1)).isNull();
        KeyIndex.KeyRevision at4 = index.get(a, 4);
        assertThat(at4.revision()).isEqualTo(rev(3));
        assertThat(at4.version()).isEqualTo(2);
        assertThat(at4.createRevision()).isEqualTo(2);
        assertThat(index.get(a, 5)).isNull();
        assertThat(index.get(a, 6)).isNull();
        KeyIndex.KeyRevision at7 = index.get(a, 7);
        assertThat(at7.revision()).isEqualTo(rev(7));
        assertThat(at7.version()).isEqualTo(1);
        assertThat(at7.createRevision()).isEqualTo(7);

        assertThat(index.compact(3)).containsExactly(rev(2));
        assertThat(index.get(a, 3).version()).isEqualTo(2);
        assertThat(index.get(a, 4).createRevision()).isEqualTo(2);

        assertThat(index.compact(6)).containsExactly(rev(3), rev(5));
        assertThat(index.get(a, 6)).isNull();
        assertThat(index.get(a, 8).version()).isEqualTo(2);

        assertThat(index.compact(8)).containsExactly(rev(7));
        KeyIndex.KeyRevision at8 = index.get(a, 8);
        assertThat(at8.revision()).isEqualTo(rev(8));
        assertThat(at8.version()).isEqualTo(2);
        assertThat(at8.createRevision()).isEqualTo(7);

        index.tombstone(a, rev(9));
        assertThat(index.compact(9)).containsExactly(rev(8), rev(9));
        assertThat(index.size()).isZero();
    }

    @Test
    void compactionKeepsTheNewestRevisionOfAKeyUnchangedSinceLongAgo() {
        index.put(key("a"), rev(2), 0);
        index.put(key("b"), rev(3), 0);
        index.put(key("b"), rev(4), 0);
        assertThat(index.compact(4)).containsExactly(rev(3));
        assertThat(index.get(key("a"), 4).revision()).isEqualTo(rev(2));
        assertThat(index.get(key("b"), 4).version()).isEqualTo(2);
    }

    @Test
    void compactionKeepsATombstoneNewerThanTheCompactRevision() {
        index.put(key("a"), rev(2), 0);
        index.put(key("a"), rev(3), 0);
        index.tombstone(key("a"), rev(5));
        assertThat(index.compact(4)).containsExactly(rev(2));
        assertThat(index.get(key("a"), 4).revision()).isEqualTo(rev(3));
        assertThat(index.get(key("a"), 5)).isNull();
    }

    @Test
    void rangeCountsEveryLiveKeyButReturnsAtMostTheLimit() {
        for (int i = 0; i < 10; i++) {
            index.put(key("k" + i), rev(2 + i), 0);
        }
        index.tombstone(key("k3"), rev(20));
        KeyIndex.RangeHits limited = index.range(key("k"), ByteKeys.prefixEnd(key("k")), 30, 4);
        assertThat(limited.count()).isEqualTo(9);
        assertThat(limited.hits()).extracting(h -> ByteKeys.toUtf8(h.key())).containsExactly("k0", "k1", "k2", "k4");
        KeyIndex.RangeHits countOnly = index.range(key("k"), ByteKeys.prefixEnd(key("k")), 30, -1);
        assertThat(countOnly.count()).isEqualTo(9);
        assertThat(countOnly.hits()).isEmpty();
    }

    @Test
    void rangeAtARevisionSkipsKeysNotYetCreatedOrAlreadyDeleted() {
        index.put(key("a"), rev(2), 0);
        index.put(key("b"), rev(3), 0);
        index.tombstone(key("a"), rev(4));
        index.put(key("c"), rev(5), 0);
        assertThat(names(index.range(key("a"), new byte[] {0}, 3, 0).hits())).containsExactly("a", "b");
        assertThat(names(index.range(key("a"), new byte[] {0}, 4, 0).hits())).containsExactly("b");
        assertThat(names(index.range(key("a"), new byte[] {0}, 5, 0).hits())).containsExactly("b", "c");
        assertThat(names(index.range(key("b"), key("c"), 5, 0).hits())).containsExactly("b");
        assertThat(index.range(key("c"), key("a"), 5, 0).count()).isZero();
    }

    @Test
    void keysAreOrderedAsUnsignedBytes() {
        index.put(new byte[] {(byte) 0x80}, rev(2), 0);
        index.put(new byte[] {0x7f}, rev(3), 0);
        List<KeyIndex.KeyRevision> hits = index.range(new byte[] {1}, new byte[] {0}, 3, 0).hits();
        assertThat(hits).extracting(h -> h.key()[0]).containsExactly((byte) 0x7f, (byte) 0x80);
    }

    @Test
    void aRevisionGoingBackwardsFailsLoudly() {
        index.put(key("a"), rev(5), 0);
        assertThatThrownBy(() -> index.put(key("a"), rev(4), 0))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("going backwards").hasMessageContaining("5.0").hasMessageContaining("4.0");
    }

    @Test
    void deletingAKeyThatIsNotAliveFailsLoudly() {
        assertThatThrownBy(() -> index.tombstone(key("a"), rev(2))).isInstanceOf(IllegalStateException.class);
        index.put(key("a"), rev(2), 0);
        index.tombstone(key("a"), rev(3));
        assertThatThrownBy(() -> index.tombstone(key("a"), rev(4))).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void leasesAreKeptPerRevision() {
        index.put(key("a"), rev(2), 7);
        index.put(key("a"), rev(3), 0);
        assertThat(index.get(key("a"), 2).lease()).isEqualTo(7);
        assertThat(index.get(key("a"), 3).lease()).isZero();
    }

    @Test
    void restoringRecordsLeftByACompactionKeepsCreateRevisionAndVersion() {
        byte[] a = key("a");
        index.restore(RevisionRecord.put(rev(8), new KeyValue(a, ByteKeys.utf8("v"), 7, 8, 2, 0)));
        index.restore(RevisionRecord.put(rev(9), new KeyValue(a, ByteKeys.utf8("v"), 7, 9, 3, 0)));
        KeyIndex.KeyRevision at9 = index.get(a, 9);
        assertThat(at9.createRevision()).isEqualTo(7);
        assertThat(at9.version()).isEqualTo(3);
        index.restore(RevisionRecord.delete(rev(10), a));
        assertThat(index.get(a, 10)).isNull();
        index.put(a, rev(11), 0);
        assertThat(index.get(a, 11).version()).isEqualTo(1);
        assertThat(index.get(a, 11).createRevision()).isEqualTo(11);
    }

    private static List<String> names(List<KeyIndex.KeyRevision> hits) {
        return hits.stream().map(h -> ByteKeys.toUtf8(h.key())).toList();
    }
}
