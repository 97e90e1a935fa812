package dev.caravel.storage.rocksdb;

import dev.caravel.storage.KeyValue;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.mvcc.LeaseRecord;
import dev.caravel.storage.mvcc.Revision;
import dev.caravel.storage.mvcc.RevisionRecord;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.zip.CRC32C;

/**
 * How {@link RocksDbBackend} lays out its values. RocksDB already checksums its blocks; this second,
 * per-value CRC32C catches what RocksDB cannot see: a value written damaged (a bad buffer on the way
 * in), or moved under another key. The checksum covers the RocksDB key too, so a record copied under
 * another revision fails it.
 *
 * <p>A revision record, stored under {@link Revision#encode()} (16 bytes, big-endian main then sub):
 * <pre>
 *   offset  size  field
 *   0       1     format version, {@value #RECORD_FORMAT_VERSION}
 *   1       1     flags: bit 0 set for a tombstone (a delete)
 *   2       8     createRevision          (big-endian, as every number here)
 *   10      8     version
 *   18      8     lease id (0 for none)
 *   26      4     key length k
 *   30      k     key
 *   30+k    v     value (all bytes up to the checksum; empty for a tombstone)
 *   30+k+v  4     CRC32C of the 16 revision bytes followed by bytes [0, 30+k+v)
 * </pre>
 * The modification revision is not stored: it is the revision the record is stored under. Numbers
 * are fixed-width rather than varints: 34 bytes of overhead against values of kilobytes is noise,
 * RocksDB's block compression squeezes the zero bytes anyway, and fixed offsets keep the decoder
 * obvious.
 *
 * <p>A lease, stored under its id (8 bytes, big-endian): format version (1 byte), time to live in
 * seconds (8), CRC32C of key and those 9 bytes (4). A meta value (current or compacted revision):
 * the revision (8 bytes), CRC32C of key and those 8 bytes (4).
 */
final class RocksDbRecordFormat {

    static final byte RECORD_FORMAT_VERSION = 1;
    static final byte LEASE_FORMAT_VERSION = 1;

    private static final int RECORD_HEADER = 30;
    private static final int CHECKSUM = 4;
    private static final byte TOMBSTONE = 1;

    private RocksDbRecordFormat() {}

    static byte[] encodeRecord(RevisionRecord record) {
        KeyValue kv = record.kv();
        byte[] revisionKey = record.revision().encode();
        int length = RECORD_HEADER + kv.key().length + kv.value().length + CHECKSUM;
        ByteBuffer out = ByteBuffer.allocate(length);
        out.put(RECORD_FORMAT_VERSION)
                .put(record.tombstone() ? TOMBSTONE : 0)
                .putLong(kv.createRevision())
                .putLong(kv.version())
                .putLong(kv.lease())
                .putInt(kv.key().length)
                .put(kv.key())
                .put(kv.value());
        out.putInt(checksum(revisionKey, out.array(), length - CHECKSUM));
        return out.array();
    }

    /** Decodes a record stored under {@code revisionKey}; CORRUPTED naming {@code directory} if it is damaged. */
    static RevisionRecord decodeRecord(byte[] revisionKey, byte[] stored, Path directory) {
        return decodeRecord(revisionKey, ByteBuffer.wrap(stored), directory);
    }

    /**
     * Decodes a record from {@code stored}'s remaining bytes (heap or direct: a list reads values
     * into one reused direct buffer, so each value is copied onto the heap once, into its KeyValue).
     */
    static RevisionRecord decodeRecord(byte[] revisionKey, ByteBuffer stored, Path directory) {
        if (revisionKey.length != Revision.ENCODED_LENGTH) {
            throw corrupted(directory, "a record key has " + revisionKey.length + " bytes, a revision has 16");
        }
        Revision revision = Revision.decode(revisionKey);
        int storedLength = stored.remaining();
        if (storedLength < RECORD_HEADER + CHECKSUM) {
            throw corrupted(directory, "record " + revision + " is " + storedLength + " bytes, shorter than its header");
        }
        verifyChecksum(revisionKey, stored, directory, "record " + revision);
        ByteBuffer in = stored.slice();
        byte format = in.get();
        if (format != RECORD_FORMAT_VERSION) {
            throw corrupted(directory, "record " + revision + " has unknown format version " + format);
        }
        boolean tombstone = (in.get() & TOMBSTONE) != 0;
        long createRevision = in.getLong();
        long version = in.getLong();
        long lease = in.getLong();
        int keyLength = in.getInt();
        int valueLength = storedLength - RECORD_HEADER - CHECKSUM - keyLength;
        if (keyLength <= 0 || valueLength < 0) {
            throw corrupted(directory, "record " + revision + " has a key length of " + keyLength
                    + " in " + storedLength + " bytes");
        }
        byte[] key = new byte[keyLength];
        byte[] value = new byte[valueLength];
        in.get(key).get(value);
        try {
            KeyValue kv = tombstone
                    ? KeyValue.tombstone(key, revision.main())
                    : new KeyValue(key, value, createRevision, revision.main(), version, lease);
            return new RevisionRecord(revision, kv, tombstone);
        } catch (IllegalArgumentException e) {
            throw corrupted(directory, "record " + revision + " holds impossible values: " + e.getMessage());
        }
    }

    static byte[] encodeLeaseKey(long id) {
        return ByteBuffer.allocate(Long.BYTES).putLong(id).array();
    }

    static byte[] encodeLease(LeaseRecord lease) {
        byte[] key = encodeLeaseKey(lease.id());
        ByteBuffer out = ByteBuffer.allocate(1 + Long.BYTES + CHECKSUM);
        out.put(LEASE_FORMAT_VERSION).putLong(lease.ttlSeconds());
        out.putInt(checksum(key, out.array(), 1 + Long.BYTES));
        return out.array();
    }

    static LeaseRecord decodeLease(byte[] key, byte[] stored, Path directory) {
        if (key.length != Long.BYTES || stored.length != 1 + Long.BYTES + CHECKSUM) {
            throw corrupted(directory, "a lease entry has a " + key.length + "-byte key and a " + stored.length
                    + "-byte value, expected 8 and 13");
        }
        long id = ByteBuffer.wrap(key).getLong();
        verifyChecksum(key, stored, directory, "lease " + id);
        ByteBuffer in = ByteBuffer.wrap(stored);
        byte format = in.get();
        if (format != LEASE_FORMAT_VERSION) {
            throw corrupted(directory, "lease " + id + " has unknown format version " + format);
        }
        return new LeaseRecord(id, in.getLong());
    }

    static byte[] encodeMeta(byte[] key, long revision) {
        ByteBuffer out = ByteBuffer.allocate(Long.BYTES + CHECKSUM);
        out.putLong(revision);
        out.putInt(checksum(key, out.array(), Long.BYTES));
        return out.array();
    }

    static long decodeMeta(byte[] key, byte[] stored, Path directory) {
        String name = new String(key, java.nio.charset.StandardCharsets.US_ASCII);
        if (stored.length != Long.BYTES + CHECKSUM) {
            throw corrupted(directory, "meta " + name + " is " + stored.length + " bytes, expected 12");
        }
        verifyChecksum(key, stored, directory, "meta " + name);
        return ByteBuffer.wrap(stored).getLong();
    }

    private static void verifyChecksum(byte[] key, ByteBuffer stored, Path directory, String what) {
        int start = stored.position();
        int bodyLength = stored.remaining() - CHECKSUM;
        int expected = stored.getInt(start + bodyLength);
        CRC32C crc = new CRC32C();
        crc.update(key);
        crc.update(stored.slice(start, bodyLength));
        int actual = (int) crc.getValue();
        if (expected != actual) {
            throw corrupted(directory, what + " fails its CRC32C checksum (stored "
                    + Integer.toHexString(expected) + ", computed " + Integer.toHexString(actual) + ")");
        }
    }

    private static void verifyChecksum(byte[] key, byte[] stored, Path directory, String what) {
        int bodyLength = stored.length - CHECKSUM;
        int expected = ByteBuffer.wrap(stored, bodyLength, CHECKSUM).getInt();
        int actual = checksum(key, stored, bodyLength);
        if (expected != actual) {
            throw corrupted(directory, what + " fails its CRC32C checksum (stored "
                    + Integer.toHexString(expected) + ", computed " + Integer.toHexString(actual) + ")");
        }
    }

    private static int checksum(byte[] key, byte[] body, int bodyLength) {
        CRC32C crc = new CRC32C();
        crc.update(key);
        crc.update(body, 0, bodyLength);
        return (int) crc.getValue();
    }

    static StorageException corrupted(Path directory, String problem) {
        return new StorageException(StorageException.Kind.CORRUPTED,
                "RocksDB database " + directory + ": " + problem);
    }
}
