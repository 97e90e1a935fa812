package dev.caravel.storage.etcd;

import dev.caravel.storage.KeyValue;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.StorageException.Kind;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import io.etcd.jetcd.common.exception.CompactedException;
import io.etcd.jetcd.watch.WatchResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One {@link Watch} on etcd, made of successive jetcd watchers ("attempts"): when a stream breaks,
 * the attempt is closed and a new one watches from the revision after the last event delivered.
 *
 * <p>Why not jetcd's own re-creation: jetcd resumes from a revision it moves forward on its created
 * answer (to the store's current revision, even while the events between the start revision and it
 * are still to come) and on progress answers (to their revision, not the one after). The first loses
 * events, the second repeats those of that revision. So jetcd's retry is stopped at the first error,
 * and every event at or below {@link #lastDelivered} is dropped, whatever stream it comes from.
 * A watch "from the next change" is given its start revision by the store before it starts: etcd
 * creates a watch asynchronously, so a write made just after {@code watch()} returned could
 * otherwise come before the watch exists and be missed.
 *
 * <p>Progress (docs/decisions/0005): etcd before the fix of etcd-io/etcd#15220 (3.4.23, Debian's, among them) answers
 * RequestProgress out of band, with its current revision, ahead of events still queued for the
 * watch, and always ahead of the events of a watch still catching up from an old revision. An answer
 * at or below the last event delivered is passed on at once. One ahead of it is held until the
 * events up to it arrive, or until the stream has been quiet for {@link EtcdStoreOptions#progressSettleDelay()},
 * longer than etcd's 100 ms catch-up period: then nothing is queued for the watch, and the answer holds.
 * With a fixed etcd this only delays some answers.
 *
 * <p>Threads: jetcd calls the attempts on its event loop; that thread only converts, filters and
 * queues. Listener calls run on the store's delivery executor, one at a time per watch
 * ({@link Deliveries}), so a listener may call the store back without stalling jetcd.
 *
 * <p>Lock order: jetcd holds its watch client's monitor while it calls {@code onError}, which takes
 * {@link #lock}; so jetcd's watcher is never closed or created while {@link #lock} is held.
 */
final class EtcdWatch implements Watch {

    private final EtcdStore store;
    private final WatchRequest request;
    private final WatchListener listener;
    private final Deliveries deliveries;
    private final String name;

    /** Guards every field below. Never held while calling jetcd (see the lock order above). */
    private final Object lock = new Object();
    private boolean ended;
    /** The newest revision whose events the listener was given; all events at or below it are dropped. */
    private long lastDelivered;
    /** The revision last given to onProgress: an event at or below it afterwards means etcd broke its promise. */
    private long lastProgress;
    private Attempt current;
    private int bufferedEvents;
    /** A progress answer from etcd ahead of the events delivered, not yet passed on; 0 for none. */
    private long pendingProgress;
    /** When the stream last brought events (or a new attempt started), in System.nanoTime(). */
    private long lastArrivalNanos = System.nanoTime();
    private boolean settleScheduled;
    /**
     * A progress request not answered yet: sent again by the next attempt, since the answer of a
     * broken stream never comes.
     */
    private boolean progressWanted;
    /** Attempts in a row that broke before etcd answered their creation. */
    private int failedAttempts;

    EtcdWatch(EtcdStore store, WatchRequest request, WatchListener listener) {
        this.store = store;
        this.request = request;
        this.listener = listener;
        this.deliveries = new Deliveries();
        this.name = "watch[" + describe(request) + "]";
        if (request.startRevision() <= 0) {
            throw new IllegalArgumentException("EtcdStore pins a watch's start revision before creating it");
        }
        this.lastDelivered = request.startRevision() - 1;
    }

    void start() {
        startAttempt();
    }

    @Override
    public void requestProgress() {
        Attempt attempt;
        synchronized (lock) {
            if (ended) {
                return;
            }
            progressWanted = true;
            // jetcd drops a progress request made before its stream is open; an attempt's stream is
            // open once etcd has answered its creation, and the request is sent then (onResponse).
            attempt = current != null && current.created ? current : null;
        }
        if (attempt != null && attempt.watcher != null) {
            attempt.watcher.requestProgress();
        }
    }

    @Override
    public void close() {
        Attempt attempt;
        synchronized (lock) {
            if (ended) {
                deliveries.stop();
                return;
            }
            ended = true;
            attempt = current;
            current = null;
        }
        store.forget(this);
        closeAttempt(attempt);
        deliveries.stop();
        EtcdStore.log.debug("{} closed by its owner", name);
    }

    /** Ends the watch by the store's doing: the listener's last call is onClosed(cause). */
    void end(StorageException cause) {
        Attempt attempt;
        synchronized (lock) {
            if (ended) {
                return;
            }
            ended = true;
            attempt = current;
            current = null;
            if (cause.kind() == Kind.WATCHER_TOO_SLOW) {
                deliveries.discardQueued();
            }
            deliveries.submit(() -> listener.onClosed(cause));
        }
        store.forget(this);
        closeAttempt(attempt);
        EtcdStore.log.info("{} ended: {}", name, cause.getMessage());
    }

    // ---------------------------------------------------------------- attempts

    private void startAttempt() {
        Attempt attempt;
        synchronized (lock) {
            if (ended) {
                return;
            }
            attempt = new Attempt(lastDelivered + 1);
            current = attempt;
            lastArrivalNanos = System.nanoTime();
        }
        io.etcd.jetcd.Watch.Watcher watcher;
        try {
            watcher = store.watchClient().watch(EtcdStore.bytes(request.key()),
                    EtcdStore.watchOption(request, attempt.fromRevision), attempt);
        } catch (RuntimeException e) {
            end(store.isClosed()
                    ? new StorageException(Kind.UNAVAILABLE, name + ": the etcd store is closed")
                    : EtcdErrors.translate(e, name));
            return;
        }
        attempt.watcher = watcher;
        boolean stale;
        boolean sendProgressRequest;
        synchronized (lock) {
            stale = current != attempt;
            // etcd may have answered the creation before jetcd handed the watcher back.
            sendProgressRequest = !stale && attempt.created && progressWanted;
        }
        if (stale) {
            closeAttempt(attempt);
        } else if (sendProgressRequest) {
            watcher.requestProgress();
        }
    }

    /**
     * The attempt broke: drop it, and watch again after a pause (etcd may be restarting). The pause
     * doubles with each attempt that breaks before etcd answered its creation, up to 32 times the
     * first, so a cluster that stays down is not asked twice a second by every watch.
     */
    private void retry(Attempt broken, String reason) {
        long delayMillis;
        synchronized (lock) {
            if (ended || current != broken) {
                return;
            }
            current = null;
            failedAttempts = broken.created ? 1 : failedAttempts + 1;
            delayMillis = store.options().watchRetryDelay().toMillis() << Math.min(failedAttempts - 1, 5);
            EtcdStore.log.warn("{} lost its stream ({}); watching again from revision {} in {} ms", name, reason,
                    lastDelivered + 1, delayMillis);
        }
        try {
            // Closed from another thread: jetcd is inside its own error handling, holding its monitor.
            store.retries().execute(() -> closeAttempt(broken));
            store.retries().schedule(this::startAttempt, delayMillis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            end(new StorageException(Kind.UNAVAILABLE, name + ": the etcd store is closed"));
        }
    }

    private static void closeAttempt(Attempt attempt) {
        if (attempt != null && attempt.watcher != null) {
            try {
                attempt.watcher.close();
            } catch (RuntimeException e) {
                EtcdStore.log.debug("closing a jetcd watcher failed: {}", e.toString());
            }
        }
    }

    private void onResponse(Attempt attempt, WatchResponse response) {
        boolean sendProgressRequest = false;
        synchronized (lock) {
            if (ended || current != attempt) {
                return;
            }
            long headerRevision = response.getHeader().getRevision();
            if (response.isCreatedNotify()) {
                attempt.created = true;
                sendProgressRequest = progressWanted;
            } else {
                onChangesLocked(response, headerRevision);
            }
        }
        if (sendProgressRequest && attempt.watcher != null) {
            attempt.watcher.requestProgress();
        }
    }

    private void onChangesLocked(WatchResponse response, long headerRevision) {
        if (response.getEvents().isEmpty()) {
            if (response.isProgressNotify()) {
                if (headerRevision <= lastDelivered) {
                    deliverProgressLocked(lastDelivered);
                } else {
                    pendingProgress = Math.max(pendingProgress, headerRevision);
                    scheduleSettleLocked(store.options().progressSettleDelay().toNanos());
                }
            }
            return;
        }
        lastArrivalNanos = System.nanoTime();
        List<WatchEvent> fresh = new ArrayList<>(response.getEvents().size());
        for (io.etcd.jetcd.watch.WatchEvent event : response.getEvents()) {
            KeyValue kv = EtcdStore.keyValue(event.getKeyValue());
            if (kv.modRevision() <= lastDelivered) {
                continue; // a new attempt may repeat what an old one delivered
            }
            if (kv.modRevision() <= lastProgress) {
                EtcdStore.log.error("{}: etcd sent an event at revision {} after reporting progress at {}"
                        + " (etcd-io/etcd#15220: RequestProgress answered out of band)", name, kv.modRevision(), lastProgress);
            }
            WatchEvent.Type type = switch (event.getEventType()) {
                case PUT -> WatchEvent.Type.PUT;
                case DELETE -> WatchEvent.Type.DELETE;
                default -> null;
            };
            if (type == null) {
                EtcdStore.log.warn("{}: ignoring an event of unknown type at revision {}", name, kv.modRevision());
                continue;
            }
            KeyValue prev = request.prevKv() ? EtcdStore.keyValueOrNull(event.getPrevKV()) : null;
            fresh.add(new WatchEvent(type, kv, prev));
        }
        if (fresh.isEmpty()) {
            return;
        }
        lastDelivered = fresh.get(fresh.size() - 1).revision();
        bufferedEvents += fresh.size();
        if (bufferedEvents > store.options().maxBufferedEvents()) {
            int buffered = bufferedEvents;
            // Ended from another thread: this one is jetcd's event loop. end() drops what is queued.
            store.retries().execute(() -> end(new StorageException(Kind.WATCHER_TOO_SLOW, name + " has "
                    + buffered + " events not taken by its listener; watch again from the revision after the last one seen")));
            return;
        }
        // etcd never splits one revision over two responses (no fragment flag is set here), but it
        // may put several in one; each goes to the listener on its own, as the other stores do.
        int from = 0;
        for (int i = 1; i <= fresh.size(); i++) {
            if (i == fresh.size() || fresh.get(i).revision() != fresh.get(from).revision()) {
                List<WatchEvent> revision = List.copyOf(fresh.subList(from, i));
                deliveries.submit(() -> {
                    try {
                        listener.onEvents(revision);
                    } finally {
                        synchronized (lock) {
                            bufferedEvents -= revision.size();
                        }
                    }
                });
                from = i;
            }
        }
        if (pendingProgress != 0 && lastDelivered >= pendingProgress) {
            deliverProgressLocked(lastDelivered);
        }
    }

    private void deliverProgressLocked(long revision) {
        pendingProgress = 0;
        progressWanted = false;
        long reported = Math.max(revision, lastProgress);
        lastProgress = reported;
        deliveries.submit(() -> listener.onProgress(reported));
    }

    private void scheduleSettleLocked(long delayNanos) {
        if (settleScheduled) {
            return;
        }
        settleScheduled = true;
        try {
            store.retries().schedule(this::settle, delayNanos, TimeUnit.NANOSECONDS);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            settleScheduled = false;
        }
    }

    /** Passes a held progress answer on once the stream has been quiet long enough (see the class comment). */
    private void settle() {
        synchronized (lock) {
            settleScheduled = false;
            if (ended || pendingProgress == 0) {
                return;
            }
            long settleNanos = store.options().progressSettleDelay().toNanos();
            long quietNanos = System.nanoTime() - lastArrivalNanos;
            if (quietNanos >= settleNanos) {
                deliverProgressLocked(pendingProgress);
            } else {
                scheduleSettleLocked(settleNanos - quietNanos);
            }
        }
    }

    private void onError(Attempt attempt, Throwable error) {
        synchronized (lock) {
            if (ended || current != attempt) {
                return;
            }
        }
        Throwable cause = EtcdErrors.unwrap(error);
        if (cause instanceof CompactedException compacted) {
            store.noteCompactRevision(compacted.getCompactedRevision());
            end(StorageException.compacted(attempt.fromRevision, compacted.getCompactedRevision()));
            return;
        }
        StorageException translated = EtcdErrors.translate(cause, name);
        switch (translated.kind()) {
            case UNAVAILABLE, INTERNAL -> retry(attempt, translated.getMessage());
            default -> end(translated);
        }
    }

    private void onCompleted(Attempt attempt) {
        retry(attempt, "etcd ended the stream");
    }

    private static String describe(WatchRequest request) {
        String key = EtcdStore.bytes(request.key()).toString();
        if (request.rangeEnd() == null || request.rangeEnd().length == 0) {
            return key;
        }
        return key + ".." + (request.rangeEnd().length == 1 && request.rangeEnd()[0] == 0
                ? "end" : EtcdStore.bytes(request.rangeEnd()).toString());
    }

    /** One jetcd watcher of this watch. Its callbacks count only while it is {@link #current}. */
    private final class Attempt implements io.etcd.jetcd.Watch.Listener {
        final long fromRevision;
        volatile io.etcd.jetcd.Watch.Watcher watcher;
        /** etcd has answered this attempt's creation, so its stream is open. Guarded by the watch's lock. */
        boolean created;

        Attempt(long fromRevision) {
            this.fromRevision = fromRevision;
        }

        @Override
        public void onNext(WatchResponse response) {
            onResponse(this, response);
        }

        @Override
        public void onError(Throwable error) {
            EtcdWatch.this.onError(this, error);
        }

        @Override
        public void onCompleted() {
            EtcdWatch.this.onCompleted(this);
        }
    }

    /**
     * The listener's calls, in order, one at a time, on the store's delivery executor. After
     * {@link #stop()} returns no call starts: stop waits for the call under way, unless the listener
     * itself is closing its watch.
     */
    private final class Deliveries {
        /** Held for the length of each listener call. */
        private final ReentrantLock calling = new ReentrantLock();
        /** Guarded by itself. */
        private final ArrayDeque<Runnable> queue = new ArrayDeque<>();
        private boolean draining;
        private volatile boolean stopped;

        void submit(Runnable call) {
            synchronized (queue) {
                if (stopped) {
                    return;
                }
                queue.add(call);
                if (draining) {
                    return;
                }
                draining = true;
            }
            try {
                store.deliveries().execute(this::drain);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                synchronized (queue) {
                    draining = false;
                    queue.clear();
                }
            }
        }

        void discardQueued() {
            synchronized (queue) {
                queue.clear();
            }
        }

        void stop() {
            synchronized (queue) {
                stopped = true;
                queue.clear();
            }
            if (!calling.isHeldByCurrentThread()) {
                calling.lock();
                calling.unlock();
            }
        }

        private void drain() {
            while (true) {
                Runnable next;
                synchronized (queue) {
                    next = stopped ? null : queue.poll();
                    if (next == null) {
                        draining = false;
                        return;
                    }
                }
                calling.lock();
                try {
                    if (!stopped) {
                        next.run();
                    }
                } catch (RuntimeException e) {
                    EtcdStore.log.error("{}: the listener failed", name, e);
                } finally {
                    calling.unlock();
                }
            }
        }
    }
}
