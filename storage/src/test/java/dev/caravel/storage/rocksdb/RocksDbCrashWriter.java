package dev.caravel.storage.rocksdb;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.mvcc.MvccStore;
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
 * <p>Arguments: the data folder, a name for this run (part of every key), the number of writer
 * threads, and optionally {@code churn}: then one more thread overwrites a few hot keys with 4 KB
 * values and another compacts every 50 ms, so that kills also land in the middle of compactions.
 */
public final class RocksDbCrashWriter {

    private RocksDbCrashWriter() {}

    public static void main(String[] args) throws InterruptedException {
        Path folder = Path.of(args[0]);
        String run = args[1];
        int writers = Integer.parseInt(args[2]);
        // Our own stream on stdout, flushed per line, so nothing acknowledged sits in a buffer.
        PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), true, StandardCharsets.UTF_8);
        boolean churn = args.length > 3 && args[3].equals("churn");
        MvccStore store = RocksDbStore.open(folder);
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
        if (churn) {
            Thread.ofPlatform().name("churn").start(() -> {
                byte[] value = new byte[4096];
                for (long n = 0; ; n++) {
                    store.put(ByteKeys.utf8("/churn/" + (n % 20)), value);
                }
            });
            Thread.ofPlatform().name("compactor").start(() -> {
                while (true) {
                    long target = store.currentRevision() - 200;
                    if (target > store.compactedRevision()) {
                        try {
                            store.compact(target);
                        } catch (StorageException e) {
                            // COMPACTED: another compaction got there first; nothing to do
                        }
                    }
                    try {
                        Thread.sleep(50);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            });
        }
        Thread.currentThread().join();
    }
}
