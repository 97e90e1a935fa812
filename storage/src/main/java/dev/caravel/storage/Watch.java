package dev.caravel.storage;

/** A running watch. Closing it stops delivery; no listener call starts after close returns. */
public interface Watch extends AutoCloseable {

    /**
     * Asks the store to call {@link WatchListener#onProgress} once every event up to its current
     * revision has been delivered to this watch (etcd's RequestProgress).
     */
    void requestProgress();

    @Override
    void close();
}
