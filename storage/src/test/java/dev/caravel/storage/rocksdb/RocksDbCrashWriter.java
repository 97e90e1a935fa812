package dev.caravel.storage.rocksdb;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValueStore;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Random;

/**
 * The child process of {@link RocksDbDurabilityTest}: opens the store in the folder given and writes
 * from several threads until it is killed. After each acknowledged write it prints
 * {@code ACK <key> <revision>}: a line the parent sees is a write the store promised to keep.
 *
 * <p>Arguments: the data folder, a name for this run (part of every key), the number of writer threads.
 */
public final class RocksDbCrashWriter {

    private RocksDbCrashWriter() {}

    public static void main(String[] args) throws InterruptedException {
        Path folder = Path.of(args[0]);
        String run = args[1];
        int writers = Integer.parseInt(args[2]);
        // Our own stream on stdout, flushed per line, so nothing acknowledged sits in a buffer.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        KeyValueStore store = RocksDbStore.open(folder);
        out.println("READY " + store.currentRevision());
        for (int w = 0; w < writers; w++) {
            int writer = w;
            Thread thread = new Thread(() -> {
                byte[] value = new byte[1024];
                new Random(writer).nextBytes(value);
                for (long n = 0; ; n++) {
                    String key = "/durability/" + run + "/" + writer + "/" + n;
                    long revision = store.put(ByteKeys.utf8(key), value).revision();
                    synchronized (out) {
                        out.println("ACK " + key + " " + revision);
                    }
                }
            }, "writer-" + w);
            thread.start();
        }
        Thread.currentThread().join();
    }
}
