package dev.caravel.storage.mvcc;

/**
 * A position in the store's history, as etcd's revision: {@code main} is the transaction's revision
 * (the one clients see), {@code sub} the index of the change within that transaction. Ordered by
 * main then sub; encoded big-endian in 16 bytes so that byte order is revision order.
 */
public record Revision(long main, long sub) implements Comparable<Revision> {

    public static final int ENCODED_LENGTH = 16;

    public Revision {
        if (main < 0 || sub < 0) {
            throw new IllegalArgumentException("revision parts must not be negative: " + main + "." + sub);
        }
    }

    @Override
    public int compareTo(Revision other) {
        int byMain = Long.compare(main, other.main);
        return byMain != 0 ? byMain : Long.compare(sub, other.sub);
    }

    public byte[] encode() {
        byte[] bytes = new byte[ENCODED_LENGTH];
        for (int i = 0; i < 8; i++) {
            bytes[i] = (byte) (main >>> (56 - 8 * i));
            bytes[8 + i] = (byte) (sub >>> (56 - 8 * i));
        }
        return bytes;
    }

    public static Revision decode(byte[] bytes) {
        if (bytes.length != ENCODED_LENGTH) {
            throw new IllegalArgumentException("an encoded revision has 16 bytes, got " + bytes.length);
        }
        long main = 0;
        long sub = 0;
        for (int i = 0; i < 8; i++) {
            main = (main << 8) | (bytes[i] & 0xff);
            sub = (sub << 8) | (bytes[8 + i] & 0xff);
        }
        return new Revision(main, sub);
    }

    @Override
    public String toString() {
        return main + "." + sub;
    }
}
