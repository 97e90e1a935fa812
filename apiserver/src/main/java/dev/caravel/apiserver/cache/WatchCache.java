package dev.caravel.apiserver.cache;

import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.selection.LabelRequirement;
import dev.caravel.apiserver.selection.SelectableFields;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.OpResult;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchEvent;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NavigableSet;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * The watch cache of one resource (Kubernetes' Cacher and watchCache): the resource's current
 * objects, kept in key order with indexes, a window of recent events, and the watchers it feeds.
 * Filled by a reflector thread that lists the resource's keys from storage, then watches them from
 * the revision after the list, asking storage for progress so that the cache knows it has caught up
 * with revision R even when none of its keys changed. On compaction or any watch failure it lists
 * again, which ends every watcher (their clients watch again, as from a restarted server).
 *
 * <p>Indexes: the namespace is a key range of the sorted map (keys are
 * {@code /registry/pods/<namespace>/<name>}); labels map key, then value, to the keys carrying
 * them; the kind's indexed field (pods: spec.nodeName) maps its value to keys. A list picks the
 * smallest candidate set its selectors allow, then checks every selector on each candidate.
 *
 * <p>Lock order: {@link #lock} (guards the objects, indexes, history, watchers ({@link CacheWatchers}),
 * revision) before {@link #freshness} (the lock revision waiters sleep on). Dispatch to watchers
 * happens under the write lock so that a watcher registered at revision R receives exactly the
 * events after R; it never blocks: a full watcher is ended.
 */
public final class WatchCache implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WatchCache.class);
    /** A watch's start "from the cache's revision, whatever it is when the watch registers". */
    public static final long NOW = -1;

    /**
     * @param historyCapacity        events kept for watches resuming from a past revision
     * @param watcherCapacity        events queued per watcher before it is ended as too slow
     * @param progressInterval       how often the cache asks storage for progress while idle, so
     *                               bookmarks and consistent reads see the current revision
     * @param bookmarkInterval       how often a watcher that allows bookmarks gets one
     */
    public record Config(int historyCapacity, int watcherCapacity, Duration progressInterval, Duration bookmarkInterval) {
        public Config {
            if (historyCapacity < 1 || watcherCapacity < 1) {
                throw new IllegalArgumentException("capacities must be positive");
            }
            Objects.requireNonNull(progressInterval, "progressInterval");
            Objects.requireNonNull(bookmarkInterval, "bookmarkInterval");
        }

        /**
         * 10,000 events of history (Kubernetes sizes its window by time, 75 s, up to 102,400
         * events; at 500 writes/s that is 37,500: 10,000 keeps 20 s while holding memory to a few
         * dozen megabytes of superseded versions); 1,000 events per watcher (Kubernetes' largest
         * watcher buffer); progress asked every second; a bookmark every 10 s.
         */
        public static Config defaults() {
            return new Config(10_000, 1_000, Duration.ofSeconds(1), Duration.ofSeconds(10));
        }

        public Config withBookmarkInterval(Duration interval) {
            return new Config(historyCapacity, watcherCapacity, progressInterval, interval);
        }

        public Config withHistoryCapacity(int capacity) {
            return new Config(capacity, watcherCapacity, progressInterval, bookmarkInterval);
        }

        public Config withWatcherCapacity(int capacity) {
            return new Config(historyCapacity, capacity, progressInterval, bookmarkInterval);
        }
    }

    private final KeyValueStore kv;
    private final String prefix;
    private final SelectableFields selectable;
    private final CachedObject.TypeMeta typeMeta;
    private final GroupResource resource;
    private final Config config;
    private final int indexedField;
    private final Thread reflector;

    /** Guards everything below it; taken before {@link #freshness}. */
    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private final TreeMap<String, CachedObject> objects = new TreeMap<>();
    private final Map<String, Map<String, NavigableSet<String>>> labelIndex = new HashMap<>();
    private final Map<String, NavigableSet<String>> fieldIndex = new HashMap<>();
    private final EventHistory history;
    private final CacheWatchers watchers;
    /** Strings shared by many objects (label keys and values, namespaces, field values); reflector thread only. */
    private final Map<String, String> strings = new HashMap<>();
    private boolean ready;
    private volatile long revision;

    /**
     * Revision waiters sleep on {@link #fresher}; signalled when the revision moves or the cache
     * becomes ready. A lock rather than a monitor: readers wait on virtual threads, which a
     * monitor would pin to their carrier on JDK 21.
     */
    private final ReentrantLock freshness = new ReentrantLock();
    private final Condition fresher = freshness.newCondition();
    private volatile Watch storageWatch;
    private volatile boolean closed;
    private final LinkedBlockingQueue<Signal> signals = new LinkedBlockingQueue<>();
    /** Kubernetes' apiserver_cache_list_{total,fetched_objects_total,returned_objects_total}, for this resource. */
    private final LongAdder lists = new LongAdder();
    private final LongAdder listsByIndex = new LongAdder();
    private final LongAdder fetchedObjects = new LongAdder();
    private final LongAdder returnedObjects = new LongAdder();

    /**
     * What the lists served from this cache cost: how many there were, how many an index served,
     * how many objects they examined and how many they returned. A selective list that examines
     * far more than it returns is what an index is for.
     */
    public record ListStats(long lists, long listsByIndex, long fetchedObjects, long returnedObjects) {}

    public ListStats listStats() {
        return new ListStats(lists.sum(), listsByIndex.sum(), fetchedObjects.sum(), returnedObjects.sum());
    }

    private sealed interface Signal {}
    private record Events(List<WatchEvent> events) implements Signal {}
    private record Progress(long revision) implements Signal {}
    private record Closed(StorageException cause) implements Signal {}

    public WatchCache(KeyValueStore kv, String prefix, SelectableFields selectable, CachedObject.TypeMeta typeMeta,
                      GroupResource resource, Config config) {
        this.kv = kv;
        this.prefix = prefix;
        this.selectable = selectable;
        this.typeMeta = typeMeta;
        this.resource = resource;
        this.config = config;
        this.indexedField = selectable.indexedField().map(selectable::indexOf).orElse(-1);
        this.history = new EventHistory(config.historyCapacity());
        this.watchers = new CacheWatchers(resource.toString(), indexedField, config.bookmarkInterval().toNanos());
        this.reflector = Thread.ofVirtual().name("watch-cache-" + resource).unstarted(this::reflect);
    }

    /** Starts the reflector; the cache is ready once its first list is in. */
    public WatchCache start() {
        reflector.start();
        return this;
    }

    /** The key prefix of the resource's objects: {@code /registry/pods/}. */
    public String prefix() {
        return prefix;
    }

    public GroupResource resource() {
        return resource;
    }

    public SelectableFields selectable() {
        return selectable;
    }

    public CachedObject.TypeMeta typeMeta() {
        return typeMeta;
    }

    /** The revision the cache has caught up with: every change up to it is in. 0 before the first list. */
    public long revision() {
        return revision;
    }

    // ---- reflector ----------------------------------------------------------------------------

    private void reflect() {
        long backoffMillis = 100;
        while (!closed) {
            try {
                listAndWatch();
                backoffMillis = 100;
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                if (closed) {
                    return;
                }
                LOG.warn("watch cache {}: list and watch of {} failed, retrying in {} ms: {}", resource, prefix,
                        backoffMillis, e.toString());
                try {
                    Thread.sleep(backoffMillis);
                } catch (InterruptedException interrupted) {
                    return;
                }
                backoffMillis = Math.min(backoffMillis * 2, 5_000);
            }
        }
    }

    /**
     * Lists the resource from storage into the cache and returns the list's revision. A method of
     * its own so that the listed values (as many bytes as the cache itself) are garbage as soon as
     * it returns: held in a local of the long-running watch loop below, they doubled the cache's
     * heap for as long as the watch lasted (the list-storm benchmark measured 2.2x the JSON).
     */
    private long fillFromList(byte[] start, byte[] end) {
        OpResult.RangeResult listed = kv.range(RangeRequest.interval(start, end));
        List<CachedObject> decoded = new ArrayList<>(listed.kvs().size());
        strings.clear();
        for (KeyValue item : listed.kvs()) {
            decoded.add(CachedObject.decode(item.keyUtf8(), item.value(), item.modRevision(), selectable, this::intern));
        }
        replace(decoded, listed.revision());
        return listed.revision();
    }

    /** One list, then its watch until it fails; returns to be called again (a re-list). */
    private void listAndWatch() throws InterruptedException {
        byte[] start = ByteKeys.utf8(prefix);
        byte[] end = ByteKeys.prefixEnd(start);
        long listedRevision = fillFromList(start, end);
        signals.clear();
        Watch watch = kv.watch(new WatchRequest(start, end, listedRevision + 1, false, true), new WatchListener() {
            @Override
            public void onEvents(List<WatchEvent> events) {
                signals.add(new Events(events));
            }

            @Override
            public void onProgress(long progress) {
                signals.add(new Progress(progress));
            }

            @Override
            public void onClosed(StorageException cause) {
                signals.add(new Closed(cause));
            }
        });
        storageWatch = watch;
        try {
            long progressNanos = config.progressInterval().toNanos();
            long nextProgress = System.nanoTime() + progressNanos;
            while (!closed) {
                long now = System.nanoTime();
                if (now >= nextProgress) {
                    watch.requestProgress();
                    nextProgress = now + progressNanos;
                    sendBookmarks();
                }
                Signal signal = signals.poll(Math.max(nextProgress - now, 1_000_000), TimeUnit.NANOSECONDS);
                switch (signal) {
                    case null -> { }
                    case Events events -> apply(events.events());
                    case Progress progress -> advance(progress.revision());
                    case Closed closedSignal -> {
                        StorageException cause = closedSignal.cause();
                        if (!closed) {
                            LOG.info("watch cache {}: storage watch ended ({}), listing again", resource,
                                    cause == null ? "closed" : cause.kind());
                        }
                        return;
                    }
                }
            }
        } finally {
            storageWatch = null;
            watch.close();
        }
    }

    private String intern(String s) {
        String shared = strings.putIfAbsent(s, s);
        return shared == null ? s : shared;
    }

    /** Replaces the state with a fresh list; every watcher ends (its client watches again). */
    private void replace(List<CachedObject> listed, long listRevision) {
        lock.writeLock().lock();
        try {
            objects.clear();
            labelIndex.clear();
            fieldIndex.clear();
            for (CachedObject object : listed) {
                objects.put(object.key(), object);
                indexLocked(object);
            }
            history.resetLocked(listRevision);
            watchers.terminateAllLocked();
            revision = listRevision;
            ready = true;
        } finally {
            lock.writeLock().unlock();
        }
        LOG.debug("watch cache {}: listed {} objects at revision {}", resource, listed.size(), listRevision);
        signalFreshness();
    }

    /** Applies the events of one or more revisions: decodes outside the lock, then updates and dispatches. */
    private void apply(List<WatchEvent> events) {
        List<CachedObject> decoded = new ArrayList<>(events.size());
        for (WatchEvent event : events) {
            decoded.add(event.type() == WatchEvent.Type.PUT
                    ? CachedObject.decode(event.kv().keyUtf8(), event.kv().value(), event.revision(), selectable, this::intern)
                    : null);
        }
        lock.writeLock().lock();
        try {
            for (int i = 0; i < events.size(); i++) {
                WatchEvent event = events.get(i);
                String key = event.kv().keyUtf8();
                CachedObject current = decoded.get(i);
                CachedObject previous = current != null ? objects.put(key, current) : objects.remove(key);
                if (previous != null) {
                    unindexLocked(previous);
                }
                if (current != null) {
                    indexLocked(current);
                }
                if (current == null && previous == null) {
                    continue;
                }
                CacheEvent cacheEvent = new CacheEvent(current, previous, event.revision(), typeMeta);
                history.addLocked(cacheEvent);
                watchers.dispatchLocked(cacheEvent);
                revision = Math.max(revision, event.revision());
            }
        } finally {
            lock.writeLock().unlock();
        }
        signalFreshness();
    }

    private void advance(long progress) {
        if (progress <= revision) {
            return;
        }
        lock.writeLock().lock();
        try {
            revision = Math.max(revision, progress);
        } finally {
            lock.writeLock().unlock();
        }
        signalFreshness();
    }

    private void signalFreshness() {
        freshness.lock();
        try {
            fresher.signalAll();
        } finally {
            freshness.unlock();
        }
    }

    private void indexLocked(CachedObject object) {
        object.labels().forEach((key, value) -> labelIndex.computeIfAbsent(key, k -> new HashMap<>())
                .computeIfAbsent(value, v -> new TreeSet<>()).add(object.key()));
        if (indexedField >= 0) {
            fieldIndex.computeIfAbsent(object.fields()[indexedField], v -> new TreeSet<>()).add(object.key());
        }
    }

    private void unindexLocked(CachedObject object) {
        object.labels().forEach((key, value) -> {
            Map<String, NavigableSet<String>> values = labelIndex.get(key);
            if (values != null) {
                NavigableSet<String> keys = values.get(value);
                if (keys != null && keys.remove(object.key()) && keys.isEmpty()) {
                    values.remove(value);
                    if (values.isEmpty()) {
                        labelIndex.remove(key);
                    }
                }
            }
        });
        if (indexedField >= 0) {
            String value = object.fields()[indexedField];
            NavigableSet<String> keys = fieldIndex.get(value);
            if (keys != null && keys.remove(object.key()) && keys.isEmpty()) {
                fieldIndex.remove(value);
            }
        }
    }

    // ---- freshness ----------------------------------------------------------------------------

    /**
     * Waits until the cache has caught up with {@code wanted}, asking storage for progress while
     * it waits (Kubernetes' waitUntilFreshAndBlock with RequestWatchProgress).
     *
     * @return false when {@code timeout} passed first
     */
    public boolean waitUntilFresh(long wanted, Duration timeout) throws InterruptedException {
        if (ready && revision >= wanted) {
            return true;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        long nextProgress = 0;
        freshness.lock();
        try {
            while (!(ready && revision >= wanted)) {
                long now = System.nanoTime();
                if (now >= deadline || closed) {
                    return false;
                }
                if (now >= nextProgress) {
                    Watch watch = storageWatch;
                    if (watch != null) {
                        watch.requestProgress();
                    }
                    // Asked again while waiting: a request can be answered before the events it must follow.
                    nextProgress = now + TimeUnit.MILLISECONDS.toNanos(100);
                }
                long waitNanos = Math.min(deadline, nextProgress) - now;
                fresher.awaitNanos(Math.max(waitNanos, 100_000));
            }
        } finally {
            freshness.unlock();
        }
        return true;
    }

    /** Waits for the first list; a cache that is not ready in time answers 429, as Kubernetes' does. */
    private void awaitReady() {
        if (ready) {
            return;
        }
        try {
            if (!waitUntilFresh(0, Duration.ofSeconds(5))) {
                throw StatusException.tooManyRequests("storage is (re)initializing", 1);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusException.serviceUnavailable("interrupted while waiting for the watch cache");
        }
    }

    // ---- lists --------------------------------------------------------------------------------

    /**
     * One page of the current state: the objects the selection sees, in key order, from
     * {@code startKey} on (null: from the start), at most {@code limit} (0: all).
     */
    public ListResult list(Selection selection, long limit, String startKey) {
        return listAt(selection, limit, startKey, -1);
    }

    /**
     * A page of the state at {@code atRevision} when the cache can serve it exactly: when nothing
     * under its prefix changed between that revision and now. Empty when it cannot.
     */
    public Optional<ListResult> listExactly(Selection selection, long limit, String startKey, long atRevision) {
        awaitReady();
        lock.readLock().lock();
        try {
            if (atRevision > revision || !history.unchangedSinceLocked(atRevision)) {
                return Optional.empty();
            }
            return Optional.of(listLocked(selection, limit, startKey, atRevision));
        } finally {
            lock.readLock().unlock();
        }
    }

    private ListResult listAt(Selection selection, long limit, String startKey, long atRevision) {
        awaitReady();
        lock.readLock().lock();
        try {
            return listLocked(selection, limit, startKey, atRevision < 0 ? revision : atRevision);
        } finally {
            lock.readLock().unlock();
        }
    }

    private ListResult listLocked(Selection selection, long limit, String startKey, long listRevision) {
        String scope = scopeOf(selection);
        String to = scope + Character.MAX_VALUE;
        String from = startKey == null || startKey.compareTo(scope) < 0 ? scope : startKey;
        if (from.compareTo(to) > 0) {
            from = to; // a continue token past the end: an empty page, not a bad range
        }
        Iterator<String> keys = null;
        Iterator<CachedObject> values = null;
        Collection<String> indexed = candidatesLocked(selection, from, to);
        if (indexed != null) {
            keys = indexed.iterator();
        } else {
            values = objects.subMap(from, true, to, false).values().iterator();
        }
        List<CachedObject> items = new ArrayList<>();
        String lastKey = null;
        boolean more = false;
        long fetched = 0;
        while (keys != null ? keys.hasNext() : values.hasNext()) {
            CachedObject object = keys != null ? objects.get(keys.next()) : values.next();
            if (object == null) {
                continue;
            }
            fetched++;
            if (limit > 0 && items.size() >= limit) {
                more = true;
                break;
            }
            if (selection.matches(object)) {
                items.add(object);
                lastKey = object.key();
            }
        }
        lists.increment();
        if (indexed != null) {
            listsByIndex.increment();
        }
        fetchedObjects.add(fetched);
        returnedObjects.add(items.size());
        String token = "";
        Long remaining = null;
        if (more && lastKey != null) {
            token = ContinueToken.after(selection.prefix(), lastKey, listRevision).encode();
            if (selection.selectsEverything()) {
                remaining = (long) objects.subMap(lastKey, false, to, false).size();
            }
        }
        return new ListResult(items, listRevision, token, remaining);
    }

    /**
     * The keys an index offers for the selection, sorted, within [from, to); null when no index
     * helps and the whole key range is read.
     */
    private Collection<String> candidatesLocked(Selection selection, String from, String to) {
        Optional<String> name = selection.fields().requiresExactMatch("metadata.name");
        if (name.isPresent() && isObjectPrefix(selection.prefix())) {
            String key = selection.prefix() + name.get();
            return key.compareTo(from) >= 0 && objects.containsKey(key) ? List.of(key) : List.of();
        }
        Collection<String> best = null;
        if (indexedField >= 0) {
            Optional<String> value = selection.fields().requiresExactMatch(selectable.names().get(indexedField));
            if (value.isPresent()) {
                NavigableSet<String> keys = fieldIndex.get(value.get());
                best = keys == null ? List.of() : keys.subSet(from, true, to, false);
            }
        }
        for (LabelRequirement requirement : selection.labels().requirements()) {
            if (!requirement.operator().selectsValues()) {
                continue;
            }
            Map<String, NavigableSet<String>> byValue = labelIndex.getOrDefault(requirement.key(), Map.of());
            List<NavigableSet<String>> sets = new ArrayList<>();
            int size = 0;
            for (String value : requirement.values()) {
                NavigableSet<String> keys = byValue.get(value);
                if (keys != null) {
                    NavigableSet<String> inRange = keys.subSet(from, true, to, false);
                    sets.add(inRange);
                    size += inRange.size();
                }
            }
            if (best == null || size < best.size()) {
                if (sets.size() == 1) {
                    best = sets.get(0);
                } else {
                    TreeSet<String> union = new TreeSet<>();
                    sets.forEach(union::addAll);
                    best = union;
                }
            }
        }
        return best;
    }

    /**
     * The key range a selection reads: its prefix, narrowed to one namespace when a list across
     * namespaces pins {@code metadata.namespace} (the namespace index is the key order itself).
     */
    private String scopeOf(Selection selection) {
        if (selection.prefix().equals(prefix) && selectable.indexOf("metadata.namespace") >= 0) {
            Optional<String> namespace = selection.fields().requiresExactMatch("metadata.namespace");
            if (namespace.isPresent()) {
                return prefix + namespace.get() + "/";
            }
        }
        return selection.prefix();
    }

    /** Whether keys under {@code p} are {@code p + name}: a cluster-scoped resource, or one namespace. */
    private boolean isObjectPrefix(String p) {
        String rest = p.substring(prefix.length());
        return selectable.indexOf("metadata.namespace") < 0 ? rest.isEmpty() : !rest.isEmpty();
    }

    // ---- watches ------------------------------------------------------------------------------

    /**
     * Starts a watcher. With {@code initialState} it starts with the objects it sees now (sent as
     * ADDED) and then the events after the cache's revision; otherwise with the events after
     * {@code fromRevision} still in the window (then the live ones), or with the events after the
     * cache's revision when it is {@link #NOW}. A {@code fromRevision} ahead of the cache simply
     * waits for events after it, as Kubernetes' watch cache does.
     *
     * @throws StatusException 410 when {@code fromRevision} has left the window
     */
    public CacheWatcher watch(Selection selection, boolean initialState, long fromRevision, boolean bookmarks) {
        awaitReady();
        String trigger = null;
        if (indexedField >= 0) {
            trigger = selection.fields().requiresExactMatch(selectable.names().get(indexedField)).orElse(null);
        }
        lock.writeLock().lock();
        try {
            List<CachedObject> state = List.of();
            List<CacheEvent> events = List.of();
            long start;
            if (initialState) {
                state = listLocked(selection, 0, null, revision).items();
                start = revision;
            } else if (fromRevision == NOW) {
                start = revision;
            } else if (fromRevision <= revision) {
                events = history.sinceLocked(fromRevision);
                start = revision;
            } else {
                // Ahead of the cache: the events up to it are skipped at dispatch.
                start = fromRevision;
            }
            CacheWatcher watcher = new CacheWatcher(this, selection, start, bookmarks, trigger, state, events,
                    config.watcherCapacity(), System.nanoTime() + config.bookmarkInterval().toNanos());
            watchers.addLocked(watcher);
            return watcher;
        } finally {
            lock.writeLock().unlock();
        }
    }

    void forget(CacheWatcher watcher) {
        lock.writeLock().lock();
        try {
            watchers.removeLocked(watcher);
        } finally {
            lock.writeLock().unlock();
        }
    }

    /** Queues a bookmark at the current revision for each watcher that allows them and is due one. */
    private void sendBookmarks() {
        lock.writeLock().lock();
        try {
            watchers.bookmarkLocked(revision, System.nanoTime());
        } finally {
            lock.writeLock().unlock();
        }
    }

    @Override
    public void close() {
        closed = true;
        reflector.interrupt();
        Watch watch = storageWatch;
        if (watch != null) {
            watch.close();
        }
        lock.writeLock().lock();
        try {
            watchers.terminateAllLocked();
        } finally {
            lock.writeLock().unlock();
        }
        signalFreshness();
    }
}
