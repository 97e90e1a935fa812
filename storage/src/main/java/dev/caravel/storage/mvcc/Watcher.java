package dev.caravel.storage.mvcc;

import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One watch of an {@link MvccStore}: where it is in the history, and its bounded buffer of
 * deliveries, which a task on the delivery executor hands to the listener one call at a time.
 * Offering to a full buffer fails instead of waiting; the {@link WatcherGroups} then moves the
 * watcher to the unsynced group, which catches it up from the backend once it has drained.
 */
final class Watcher implements Watch {

    private static final Logger log = LoggerFactory.getLogger("storage.mvcc");

    private sealed interface Delivery {}

    private record Events(List<WatchEvent> events) implements Delivery {}

    private record Progress(long revision) implements Delivery {}

    private record End(StorageException cause) implements Delivery {}

    final long id;
    final byte[] key;
    final byte[] rangeEnd;
    final boolean prevKv;
    final boolean progressNotify;
    private final WatchListener listener;
    private final WatcherGroups groups;
    private final Executor deliveryExecutor;
    private final int bufferEvents;

    // Guarded by WatcherGroups.lock.
    /** The first revision whose events this watcher has not been handed yet. */
    long nextRevision;
    boolean synced;
    boolean progressPending;
    boolean eventsSinceProgressTick;

    /**
     * Guards {@link #queue}, {@link #queuedEvents}, {@link #draining} and {@link #ended}. Lock order:
     * WatcherGroups.lock, then this; never held while calling the listener.
     */
    private final Object queueLock = new Object();
    private final ArrayDeque<Delivery> queue = new ArrayDeque<>();
    /** Events queued or being delivered: the buffer's fill. */
    private int queuedEvents;
    private boolean draining;
    /** Set once the watch has ended (by the store or by close): nothing more is accepted. */
    private boolean ended;

    /**
     * Held while the listener is called: {@link #close()} takes it so that no call starts after
     * close returns (it is reentrant, so a listener may close its own watch).
     */
    private final ReentrantLock callLock = new ReentrantLock();
    private volatile boolean closedByUser;
    /** System.nanoTime() when the listener call in progress started, 0 when none is. */
    private volatile long callStartedNanos;

    Watcher(long id, byte[] key, byte[] rangeEnd, boolean prevKv, boolean progressNotify, WatchListener listener,
            WatcherGroups groups, Executor deliveryExecutor, int bufferEvents) {
        this.id = id;
        this.key = key;
        this.rangeEnd = rangeEnd;
        this.prevKv = prevKv;
        this.progressNotify = progressNotify;
        this.listener = listener;
        this.groups = groups;
        this.deliveryExecutor = deliveryExecutor;
        this.bufferEvents = bufferEvents;
    }

    boolean contains(byte[] candidate) {
        return ByteKeys.inRange(candidate, key, rangeEnd);
    }

    boolean isSingleKey() {
        return rangeEnd == null || rangeEnd.length == 0;
    }

    /** Queues events unless the buffer is full; an empty buffer takes any number, so one big transaction always fits. */
    boolean offerEvents(List<WatchEvent> events) {
        synchronized (queueLock) {
            if (ended) {
                return true;
            }
            if (queuedEvents > 0 && queuedEvents + events.size() > bufferEvents) {
                return false;
            }
            queue.add(new Events(events));
            queuedEvents += events.size();
            scheduleLocked();
            return true;
        }
    }

    void offerProgress(long revision) {
        synchronized (queueLock) {
            if (!ended) {
                queue.add(new Progress(revision));
                scheduleLocked();
            }
        }
    }

    /** Ends the watch by the store's doing: what is queued is still delivered, then onClosed. */
    void end(StorageException cause) {
        end(cause, false);
    }

    /**
     * Ends the watch by the store's doing; with {@code dropQueued}, events not yet handed to the
     * listener are dropped first (the watcher resumes from the last revision it saw).
     */
    void end(StorageException cause, boolean dropQueued) {
        synchronized (queueLock) {
            if (ended) {
                return;
            }
            ended = true;
            if (dropQueued) {
                queue.clear();
            }
            queue.add(new End(cause));
            scheduleLocked();
        }
        log.debug("storage.mvcc: watch {} on {} ended: {}", id, ByteKeys.toUtf8(key), cause.getMessage());
    }

    /** Nothing queued or being delivered: a catch-up batch of any size may be offered. */
    boolean isIdle() {
        synchronized (queueLock) {
            return queuedEvents == 0 && !ended;
        }
    }

    /** Whether the listener has been in one call for longer than {@code timeoutNanos}. */
    boolean stuckFor(long timeoutNanos, long nowNanos) {
        long started = callStartedNanos;
        return started != 0 && nowNanos - started > timeoutNanos;
    }

    boolean isEnded() {
        synchronized (queueLock) {
            return ended;
        }
    }

    @Override
    public void requestProgress() {
        groups.requestProgress(this);
    }

    @Override
    public void close() {
        closedByUser = true;
        callLock.lock();
        callLock.unlock();
        synchronized (queueLock) {
            ended = true;
            queue.clear();
            queuedEvents = 0;
        }
        groups.remove(this);
    }

    private void scheduleLocked() {
        if (draining) {
            return;
        }
        draining = true;
        try {
            deliveryExecutor.execute(this::drain);
        } catch (RejectedExecutionException e) {
            draining = false;
            log.debug("storage.mvcc: watch {} delivery refused, the store is closing", id);
        }
    }

    private void drain() {
        while (true) {
            Delivery delivery;
            synchronized (queueLock) {
                delivery = queue.poll();
                if (delivery == null) {
                    draining = false;
                    return;
                }
            }
            callLock.lock();
            try {
                if (!closedByUser) {
                    callStartedNanos = System.nanoTime() | 1;
                    switch (delivery) {
                        case Events events -> listener.onEvents(events.events());
                        case Progress progress -> listener.onProgress(progress.revision());
                        case End end -> listener.onClosed(end.cause());
                    }
                }
            } catch (RuntimeException e) {
                log.warn("storage.mvcc: watch {} on {}: listener threw; delivery goes on", id, ByteKeys.toUtf8(key), e);
            } finally {
                callStartedNanos = 0;
                callLock.unlock();
            }
            if (delivery instanceof Events events) {
                synchronized (queueLock) {
                    queuedEvents = Math.max(0, queuedEvents - events.events().size());
                }
                groups.deliveredSome(this);
            }
        }
    }

    @Override
    public String toString() {
        return "watch " + id + " on " + ByteKeys.toUtf8(key);
    }
}
