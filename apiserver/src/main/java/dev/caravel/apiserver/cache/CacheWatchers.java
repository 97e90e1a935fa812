package dev.caravel.apiserver.cache;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The watchers of one {@link WatchCache} and the dispatch of its events to them. Watchers pinned
 * to a value of the kind's indexed field (a kubelet's {@code spec.nodeName=<node>}) are found by
 * that value, so an event is offered to the few watchers it can concern rather than to all of them
 * (Kubernetes' indexed triggers). Offers never wait: a watcher whose queue is full is ended.
 *
 * <p>Not thread-safe: every method runs under the cache's write lock, which also orders a
 * watcher's registration against the events dispatched around it.
 */
final class CacheWatchers {

    private static final Logger LOG = LoggerFactory.getLogger(CacheWatchers.class);

    private final String resource;
    private final int indexedField;
    private final long bookmarkIntervalNanos;
    private final Set<CacheWatcher> all = new LinkedHashSet<>();
    private final Map<String, Set<CacheWatcher>> byTrigger = new HashMap<>();
    private final Set<CacheWatcher> untriggered = new LinkedHashSet<>();

    /**
     * @param indexedField the position of the kind's indexed field among its selectable fields, -1 for none
     */
    CacheWatchers(String resource, int indexedField, long bookmarkIntervalNanos) {
        this.resource = resource;
        this.indexedField = indexedField;
        this.bookmarkIntervalNanos = bookmarkIntervalNanos;
    }

    void addLocked(CacheWatcher watcher) {
        all.add(watcher);
        if (watcher.trigger() != null) {
            byTrigger.computeIfAbsent(watcher.trigger(), t -> new LinkedHashSet<>()).add(watcher);
        } else {
            untriggered.add(watcher);
        }
    }

    void removeLocked(CacheWatcher watcher) {
        if (!all.remove(watcher)) {
            return;
        }
        if (watcher.trigger() != null) {
            Set<CacheWatcher> set = byTrigger.get(watcher.trigger());
            if (set != null) {
                set.remove(watcher);
                if (set.isEmpty()) {
                    byTrigger.remove(watcher.trigger());
                }
            }
        } else {
            untriggered.remove(watcher);
        }
    }

    /** Ends every watcher (a re-list, or the cache closing); their clients watch again. */
    void terminateAllLocked() {
        for (CacheWatcher watcher : all) {
            watcher.terminate();
        }
        all.clear();
        byTrigger.clear();
        untriggered.clear();
    }

    /** Offers an event to every watcher that may see it, as the type it sees; a full watcher is ended. */
    void dispatchLocked(CacheEvent event) {
        if (all.isEmpty()) {
            return;
        }
        List<CacheWatcher> slow = null;
        for (CacheWatcher watcher : candidatesLocked(event)) {
            if (event.revision() <= watcher.startRevision()) {
                continue;
            }
            CacheEvent.Type type = event.typeFor(watcher.selection());
            if (type != null && !watcher.offer(new CacheWatcher.Event(event, type))) {
                if (slow == null) {
                    slow = new ArrayList<>();
                }
                slow.add(watcher);
            }
        }
        if (slow != null) {
            for (CacheWatcher watcher : slow) {
                LOG.info("watch cache {}: closing a watcher of {} that fell {} events behind; its client resumes",
                        resource, watcher.selection().prefix(), watcher.capacity());
                watcher.terminate();
                removeLocked(watcher);
            }
        }
    }

    /** The watchers an event can concern: all without a trigger, and those on its old or new trigger value. */
    private Collection<CacheWatcher> candidatesLocked(CacheEvent event) {
        if (byTrigger.isEmpty()) {
            return untriggered;
        }
        Set<CacheWatcher> candidates = new HashSet<>(untriggered);
        for (CachedObject object : new CachedObject[] {event.object(), event.previous()}) {
            if (object != null) {
                Set<CacheWatcher> triggered = byTrigger.get(object.fields()[indexedField]);
                if (triggered != null) {
                    candidates.addAll(triggered);
                }
            }
        }
        return candidates;
    }

    /** Queues a bookmark at {@code revision} for each watcher that allows them and is due one. */
    void bookmarkLocked(long revision, long nowNanos) {
        for (CacheWatcher watcher : all) {
            if (watcher.wantsBookmarks() && nowNanos >= watcher.nextBookmarkNanos && revision >= watcher.startRevision()) {
                // A full queue skips this bookmark: the events in it carry newer revisions anyway.
                watcher.offer(new CacheWatcher.Bookmark(revision));
                watcher.nextBookmarkNanos = nowNanos + bookmarkIntervalNanos;
            }
        }
    }
}
