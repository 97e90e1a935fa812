package dev.caravel.apiserver.aggregation;

import dev.caravel.apiserver.cache.CacheWatcher;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.request.ListOptions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * Calls back on every change of one resource, cluster-wide, from its watch cache: how the
 * availability controller hears of APIServices, Services and Endpoints changing, as
 * kube-aggregator's informers tell it. A watch the cache ends is opened again.
 */
final class StoreChanges implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreChanges.class);

    private final Thread thread;
    private volatile boolean closed;

    StoreChanges(GenericStore store, Runnable onChange) {
        this.thread = Thread.ofVirtual().name("caravel-aggregation-watch-" + store.definition().resource()).unstarted(() -> {
            while (!closed) {
                try (CacheWatcher watcher = store.reads().watch(
                        store.reads().selection(store.keys().prefix(""), ListOptions.defaults()), ListOptions.defaults())) {
                    while (!closed && !watcher.isTerminated()) {
                        CacheWatcher.Item item = watcher.poll(TimeUnit.MILLISECONDS.toNanos(500));
                        if (item instanceof CacheWatcher.Event) {
                            onChange.run();
                        } else if (item instanceof CacheWatcher.Ended) {
                            break;
                        }
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    if (!closed) {
                        LOG.warn("aggregation: watching {} failed; watching again", store.definition().resource(), e);
                        try {
                            Thread.sleep(500);
                        } catch (InterruptedException stop) {
                            return;
                        }
                    }
                }
            }
        });
    }

    void start() {
        thread.start();
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
