package dev.caravel.controllers.informer;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * A queue of keys where a key is never handed to two workers at once: a key added while it is
 * being worked on is queued again when {@link #done} is called, and a key already waiting is not
 * queued twice. Delayed adds (for backoff) go through a scheduler.
 */
public final class KeyedWorkQueue {

    private final ArrayDeque<String> queue = new ArrayDeque<>();
    private final Set<String> waiting = new HashSet<>();
    private final Set<String> working = new HashSet<>();
    private final Set<String> dirty = new HashSet<>();
    private final ScheduledExecutorService scheduler;
    private boolean shutDown;

    public KeyedWorkQueue(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    public synchronized void add(String key) {
        if (shutDown) {
            return;
        }
        if (working.contains(key)) {
            dirty.add(key);
        } else if (waiting.add(key)) {
            queue.addLast(key);
            notifyAll();
        }
    }

    public void addAfter(String key, Duration delay) {
        try {
            scheduler.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException shuttingDown) {
            // the controller is stopping
        }
    }

    /** The next key, now marked as being worked on; null once shut down. */
    public synchronized String take() throws InterruptedException {
        while (queue.isEmpty() && !shutDown) {
            wait();
        }
        if (shutDown) {
            return null;
        }
        String key = queue.removeFirst();
        waiting.remove(key);
        working.add(key);
        return key;
    }

    public synchronized void done(String key) {
        working.remove(key);
        if (dirty.remove(key)) {
            add(key);
        }
    }

    public synchronized void shutDown() {
        shutDown = true;
        notifyAll();
    }
}
