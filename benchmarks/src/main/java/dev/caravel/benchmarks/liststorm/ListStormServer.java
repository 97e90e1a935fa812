package dev.caravel.benchmarks.liststorm;

import ch.qos.logback.classic.Level;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.rocksdb.RocksDbStore;
import org.slf4j.LoggerFactory;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The API server of one list-storm mode, in its own JVM so that its CPU time and heap are its own:
 * {@code ListStormServer <store folder> <consistentListFromCache>}. It answers on stdout with lines
 * starting {@value #PREFIX}: the URL once serving, and the heap used after a full GC when sent
 * {@code heap} on stdin, and its collectors' counts and times when sent {@code gc}. End of stdin (the benchmark going away) stops it.
 */
public final class ListStormServer {

    static final String PREFIX = "liststorm-server: ";

    private ListStormServer() {}

    public static void main(String[] args) throws Exception {
        ((ch.qos.logback.classic.Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)).setLevel(Level.WARN);
        Path folder = Path.of(args[0]);
        boolean fromCache = Boolean.parseBoolean(args[1]);
        try (KeyValueStore store = RocksDbStore.open(folder)) {
            CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store)
                    .withConsistentListFromCache(fromCache));
            server.start();
            System.out.println(PREFIX + "url " + server.url());
            System.out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
            String line;
            while ((line = in.readLine()) != null && !line.equals("stop")) {
                if (line.equals("heap")) {
                    System.out.println(PREFIX + "heap " + heapAfterGc());
                    System.out.flush();
                } else if (line.equals("gc")) {
                    System.out.println(PREFIX + "gc " + collections());
                    System.out.flush();
                }
            }
            server.close();
        }
        System.exit(0);
    }

    /** Each collector's collections and milliseconds so far: {@code name=count/millis;...} (names hold no = or ;). */
    private static String collections() {
        StringBuilder figures = new StringBuilder();
        for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
            figures.append(collector.getName()).append('=').append(collector.getCollectionCount()).append('/')
                    .append(collector.getCollectionTime()).append(';');
        }
        return figures.toString();
    }

    /** Heap used after full collections, once the figure stops falling. */
    private static long heapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(200);
            best = Math.min(best, memory.getHeapMemoryUsage().getUsed());
        }
        return best;
    }
}
