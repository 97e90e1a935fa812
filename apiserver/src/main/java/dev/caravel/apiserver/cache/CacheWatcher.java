package dev.caravel.apiserver.cache;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One watch served by a {@link WatchCache}: the initial events it was started with, then the
 * events the cache dispatches to it, through a bounded queue. The cache never waits for a watcher:
 * when the queue is full the watcher is ended ({@link #isTerminated()}), and its client watches
 * again from the last resourceVersion it received, as Kubernetes clients do when a watch closes.
 *
 * <p>Read by one thread (the HTTP stream writing it), filled by the cache's dispatch.
 */
public final class CacheWatcher implements AutoCloseable {

    /** What a watcher reads next. */
    public sealed interface Item {}

    /** An event, with the type this watcher sees it as. */
    public record Event(CacheEvent event, CacheEvent.Type type) implements Item {}

    /** The cache has seen everything up to {@code revision}. */
    public record Bookmark(long revision) implements Item {}

    /** The cache ended this watch; nothing follows. */
    public record Ended() implements Item {}

    private final Selection selection;
    private final long startRevision;
    private final boolean bookmarks;
    private final String trigger;
    private final List<CachedObject> initialObjects;
    private final List<CacheEvent> initialEvents;
    private final BlockingQueue<Item> queue;
    private final WatchCache cache;
    private volatile boolean terminated;
    /** Bookmark bookkeeping, written under the cache's lock. */
    long nextBookmarkNanos;

    CacheWatcher(WatchCache cache, Selection selection, long startRevision, boolean bookmarks, String trigger,
                 List<CachedObject> initialObjects, List<CacheEvent> initialEvents, int capacity, long bookmarkAt) {
        this.cache = cache;
        this.selection = selection;
        this.startRevision = startRevision;
        this.bookmarks = bookmarks;
        this.trigger = trigger;
        this.initialObjects = initialObjects;
        this.initialEvents = initialEvents;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.nextBookmarkNanos = bookmarkAt;
    }

    /** The events its queue holds before the cache ends it as too slow. */
    int capacity() {
        return queue.size() + queue.remainingCapacity();
    }

    public Selection selection() {
        return selection;
    }

    /** The revision the watch starts after: its initial state's, or the one asked for. */
    public long startRevision() {
        return startRevision;
    }

    /** The current objects a watch from "now" starts with (sent as ADDED); empty otherwise. */
    public List<CachedObject> initialObjects() {
        return initialObjects;
    }

    /** The events from the window a watch from a past revision starts with, with their types for this watcher. */
    public List<Event> initialEvents() {
        return initialEvents.stream()
                .map(e -> new Event(e, e.typeFor(selection)))
                .filter(e -> e.type() != null)
                .toList();
    }

    boolean wantsBookmarks() {
        return bookmarks;
    }

    /** The indexed field's value this watcher selects on (pods: a node name), or null. */
    String trigger() {
        return trigger;
    }

    /** Offers an item without waiting; false when the queue is full. */
    boolean offer(Item item) {
        return !terminated && queue.offer(item);
    }

    /** Marks the watcher as ended by the cache: nothing more is queued; what is queued is still read. */
    void terminate() {
        terminated = true;
        // Wakes a reader waiting on an empty queue; a full queue has items to wake it anyway.
        queue.offer(new Ended());
    }

    /** Whether the cache ended this watch (too slow, or the cache re-listed); read what is queued, then stop. */
    public boolean isTerminated() {
        return terminated;
    }

    /** The next item, waiting up to {@code timeoutNanos}; null when none came (or the watch ended and is drained). */
    public Item poll(long timeoutNanos) throws InterruptedException {
        Item item = queue.poll();
        if (item != null || terminated) {
            return item;
        }
        return queue.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops the watch: the cache forgets it. */
    @Override
    public void close() {
        terminated = true;
        cache.forget(this);
    }
}
