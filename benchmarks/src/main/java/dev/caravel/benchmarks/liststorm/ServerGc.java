package dev.caravel.benchmarks.liststorm;

import java.util.List;
import java.util.Locale;

/**
 * The garbage collector of the list-storm server's JVM. A 12 GiB G1 heap holding a gigabyte of
 * cached objects is the suspect for the small lists' p99 tail; generational ZGC, whose pauses do
 * not grow with the heap, is the alternative measured beside it.
 */
enum ServerGc {
    G1,
    /** Generational ZGC: the only ZGC from JDK 23; on 21 and 22 it must be asked for. */
    ZGC;

    static ServerGc parse(String name) {
        return switch (name.toLowerCase(Locale.ROOT)) {
            case "g1" -> G1;
            case "zgc" -> ZGC;
            default -> throw new IllegalArgumentException("--server-gc is g1 or zgc, not " + name);
        };
    }

    /** The JVM flags that select this collector on the running JDK (the child runs the same java). */
    List<String> jvmFlags() {
        return switch (this) {
            case G1 -> List.of("-XX:+UseG1GC");
            case ZGC -> Runtime.version().feature() >= 23 ? List.of("-XX:+UseZGC")
                    : List.of("-XX:+UseZGC", "-XX:+ZGenerational");
        };
    }

    String label() {
        return name().toLowerCase(Locale.ROOT);
    }
}
