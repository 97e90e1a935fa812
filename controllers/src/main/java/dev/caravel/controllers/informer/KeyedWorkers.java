package dev.caravel.controllers.informer;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every controller runs: informer threads that feed a {@link KeyedWorkQueue}, and worker
 * threads that reconcile one key at a time. A key whose pass failed, or did not finish, comes back
 * after an exponential backoff (doubling from the initial delay up to the cap); a finished key
 * starts again from the initial delay next time.
 *
 * <p>{@link #start} once; {@link #close} stops the informers, the workers and the backoff timer,
 * interrupting a pass in flight (its key is picked up again by the next start's list).
 */
public final class KeyedWorkers implements AutoCloseable {

    /** One pass over a key: true when nothing more is to be done for it, false to retry it later. */
    public interface Reconciler {
        boolean reconcile(String key) throws IOException, InterruptedException;
    }

    private final String component;
    private final Logger log;
    private final int workers;
    private final Duration initialBackoff;
    private final Duration maxBackoff;
    private final Reconciler reconciler;
    private final ScheduledExecutorService scheduler;
    private final KeyedWorkQueue queue;
    private final Map<String, Integer> attempts = new ConcurrentHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private final List<Informer> informers = new ArrayList<>();
    private volatile boolean stopped;

    public KeyedWorkers(String component, int workers, Duration initialBackoff, Duration maxBackoff, Reconciler reconciler) {
        this.component = component;
        this.log = LoggerFactory.getLogger(component);
        this.workers = workers;
        this.initialBackoff = initialBackoff;
        this.maxBackoff = maxBackoff;
        this.reconciler = reconciler;
        this.scheduler = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, component + "-timer"));
        this.queue = new KeyedWorkQueue(scheduler);
    }

    /** Queues a key for a pass (once, however often it is added before a worker takes it). */
    public void add(String key) {
        queue.add(key);
    }

    /** Queues a key for a pass after {@code delay} (a deadline the controller waits for). */
    public void addAfter(String key, Duration delay) {
        if (delay.isNegative() || delay.isZero()) {
            queue.add(key);
        } else {
            queue.addAfter(key, delay);
        }
    }

    /** Forgets a key's failed attempts, e.g. when the object it names is gone. */
    public void forget(String key) {
        attempts.remove(key);
    }

    /** The timer the backoff runs on, for a controller's own periodic work (a resync). */
    public ScheduledExecutorService timer() {
        return scheduler;
    }

    public synchronized void start(List<Informer> feeding) {
        if (!threads.isEmpty()) {
            throw new IllegalStateException(component + ": already started");
        }
        informers.addAll(feeding);
        for (int i = 0; i < informers.size(); i++) {
            threads.add(daemon(informers.get(i)::run, component + "-informer-" + i));
        }
        for (int i = 0; i < workers; i++) {
            threads.add(daemon(this::workLoop, component + "-worker-" + i));
        }
        threads.forEach(Thread::start);
    }

    @Override
    public synchronized void close() {
        if (stopped) {
            return;
        }
        stopped = true;
        queue.shutDown();
        scheduler.shutdownNow();
        informers.forEach(Informer::close);
        threads.forEach(Thread::interrupt);
        for (Thread thread : threads) {
            try {
                thread.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
    }

    private void workLoop() {
        while (!stopped) {
            String key;
            try {
                key = queue.take();
            } catch (InterruptedException e) {
                return;
            }
            if (key == null) {
                return;
            }
            try {
                if (reconciler.reconcile(key)) {
                    attempts.remove(key);
                } else {
                    Duration delay = retry(key);
                    log.debug("{}: {}: not finished, retrying in {} ms", component, key, delay.toMillis());
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | RuntimeException e) {
                if (stopped) {
                    return;
                }
                Duration delay = retry(key);
                log.warn("{}: {}: pass failed, retrying in {} ms: {}", component, key, delay.toMillis(), e.toString());
            } finally {
                queue.done(key);
            }
        }
    }

    private Duration retry(String key) {
        int attempt = attempts.merge(key, 1, Integer::sum);
        Duration delay = initialBackoff;
        for (int i = 1; i < attempt && delay.compareTo(maxBackoff) < 0; i++) {
            delay = delay.multipliedBy(2);
        }
        delay = delay.compareTo(maxBackoff) <= 0 ? delay : maxBackoff;
        queue.addAfter(key, delay);
        return delay;
    }

    private static Thread daemon(Runnable runnable, String name) {
        Thread thread = new Thread(runnable, name);
        thread.setDaemon(true);
        return thread;
    }
}
