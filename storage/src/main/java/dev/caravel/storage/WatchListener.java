package dev.caravel.storage;

import java.util.List;

/**
 * Receives a watch's events. For one watch the store calls these methods from one thread at a
 * time, never concurrently, and in revision order. A listener must return quickly; the store
 * buffers a slow listener's events within bounds and never makes writers wait for it.
 */
public interface WatchListener {

    /**
     * Events in revision order; the events of one revision (one transaction) always arrive in one
     * call, and every event at or after the watch's start revision arrives exactly once.
     */
    void onEvents(List<WatchEvent> events);

    /**
     * Every event of this watch up to and including {@code revision} has been delivered: the store
     * is at {@code revision} and nothing else in the watched interval changed.
     */
    default void onProgress(long revision) {}

    /**
     * The watch has ended by the store's doing (not by {@link Watch#close()}): because its start
     * revision was compacted ({@link StorageException.Kind#COMPACTED}, with the compacted revision),
     * because the store closed, or because the listener fell too far behind. Nothing follows it.
     * A watcher resumes by watching again from the revision after the last one it saw.
     */
    void onClosed(StorageException cause);
}
