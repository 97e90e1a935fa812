package dev.caravel.apiserver.cache;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StorageOperation;
import dev.caravel.apiserver.request.ListOptions;
import dev.caravel.apiserver.request.ResourceVersionMatch;
import dev.caravel.apiserver.selection.FieldSelector;
import dev.caravel.storage.ByteKeys;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.OpResult;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * The list and watch reads of one resource, answered by its {@link WatchCache} or by storage as
 * kube-apiserver's CacheDelegator decides (see "Semantics for get and list" in the Kubernetes API
 * concepts):
 * <ul>
 *   <li>resourceVersion unset, a consistent read: from the cache once it has caught up with
 *       storage's current revision (asking storage for progress while it waits), from storage when
 *       it does not within {@link #FRESHNESS_TIMEOUT}, or always when consistent lists from the
 *       cache are turned off (incident 3 of MISSION.md);</li>
 *   <li>{@code 0}: whatever the cache holds; a limit is ignored, as Kubernetes does;</li>
 *   <li>N, NotOlderThan: from the cache once it has reached N; 504 Too large resource version
 *       when it does not within {@link #FRESHNESS_TIMEOUT};</li>
 *   <li>N, Exact (or N with a limit and no match, the legacy exact read), and continue tokens:
 *       the state at exactly N. Kubernetes sends these to storage; the cache answers them when
 *       none of the resource's keys changed since N (its state then is the state at N), and
 *       storage otherwise. With consistent lists from the cache off, they all go to storage, as
 *       in Kubernetes before 1.31.</li>
 * </ul>
 */
public final class CachedReads {

    /** How long a read waits for the cache to reach the revision it needs (Kubernetes' blockTimeout). */
    public static final Duration FRESHNESS_TIMEOUT = Duration.ofSeconds(3);
    /** The retry delay of the 504 for a resourceVersion the cache did not reach (Kubernetes': 1 s). */
    private static final int TOO_LARGE_RETRY_SECONDS = 1;

    private final KeyValueStore kv;
    private final WatchCache cache;
    private final boolean consistentListFromCache;

    public CachedReads(KeyValueStore kv, WatchCache cache, boolean consistentListFromCache) {
        this.kv = kv;
        this.cache = cache;
        this.consistentListFromCache = consistentListFromCache;
    }

    public WatchCache cache() {
        return cache;
    }

    /**
     * What a list or watch under {@code prefix} sees: the selectors, the field selector converted
     * for the kind (a 400 for a field it does not support).
     */
    public Selection selection(String prefix, ListOptions options) {
        FieldSelector fields = cache.selectable().convert(options.fieldSelector());
        return new Selection(prefix, options.labelSelector(), fields, cache.selectable());
    }

    // ---- list ---------------------------------------------------------------------------------

    public ListResult list(String prefix, ListOptions options) {
        Selection selection = selection(prefix, options);
        String rv = options.resourceVersion();
        long limit = options.limit();
        try {
            if (!options.continueToken().isEmpty()) {
                ContinueToken token = ContinueToken.decode(options.continueToken());
                String start = token.startKey(prefix);
                if (token.revision() != ContinueToken.LATEST && consistentListFromCache) {
                    Optional<ListResult> cached = cache.listExactly(selection, limit, start, token.revision());
                    if (cached.isPresent()) {
                        return cached.get();
                    }
                }
                return fromStorage(selection, prefix, token.revision() == ContinueToken.LATEST ? 0 : token.revision(),
                        start, limit, true);
            }
            ResourceVersionMatch match = options.resourceVersionMatch();
            boolean legacyExact = match == null && limit > 0 && !rv.isEmpty() && !rv.equals("0");
            if (match == ResourceVersionMatch.EXACT || legacyExact) {
                long exact = options.resourceVersionNumber();
                Optional<ListResult> cached = consistentListFromCache
                        ? cache.listExactly(selection, limit, null, exact) : Optional.empty();
                return cached.orElseGet(() -> fromStorage(selection, prefix, exact, null, limit, false));
            }
            if (rv.isEmpty()) {
                if (!consistentListFromCache) {
                    return fromStorage(selection, prefix, 0, null, limit, false);
                }
                long current = kv.currentRevision();
                if (!cache.waitUntilFresh(current, FRESHNESS_TIMEOUT)) {
                    // Kubernetes falls back to storage rather than fail a consistent read.
                    return fromStorage(selection, prefix, 0, null, limit, false);
                }
                return cache.list(selection, limit, null);
            }
            if (rv.equals("0")) {
                return cache.list(selection, 0, null);
            }
            long notOlderThan = options.resourceVersionNumber();
            requireFresh(notOlderThan);
            return cache.list(selection, limit, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusException.serviceUnavailable("interrupted while waiting for the watch cache");
        } catch (StorageException e) {
            throw StatusException.fromStorage(e, cache.resource(), StorageOperation.LIST);
        }
    }

    /** Waits for the cache to reach {@code wanted}; 504 with Kubernetes' Status when it does not in time. */
    private void requireFresh(long wanted) throws InterruptedException {
        if (!cache.waitUntilFresh(wanted, FRESHNESS_TIMEOUT)) {
            throw StatusException.tooLargeResourceVersion(wanted, cache.revision(), TOO_LARGE_RETRY_SECONDS);
        }
    }

    /**
     * A list read from storage, page by page, at {@code revision} (0: the latest), every object
     * decoded and checked against the selectors: what every list cost before the cache.
     */
    private ListResult fromStorage(Selection selection, String prefix, long revision, String startKey, long limit,
                                   boolean continued) {
        String listPrefix = selection.prefix();
        byte[] end = ByteKeys.prefixEnd(ByteKeys.utf8(listPrefix));
        String first = startKey == null || startKey.compareTo(listPrefix) < 0 ? listPrefix : startKey;
        byte[] from = ByteKeys.utf8(first);
        if (ByteKeys.compare(from, end) >= 0) {
            // A continue token past the end: an empty page, not a bad range.
            return new ListResult(List.of(), revision == 0 ? kv.currentRevision() : revision, "", null);
        }
        List<CachedObject> items = new ArrayList<>();
        String token = "";
        Long remaining = null;
        try {
            while (true) {
                RangeRequest range = RangeRequest.interval(from, end).atRevision(revision);
                long batch = limit > 0 ? Math.max(limit - items.size(), 1) : 0;
                OpResult.RangeResult result = kv.range(batch > 0 ? range.withLimit(batch) : range);
                if (revision == 0) {
                    revision = result.revision();
                }
                KeyValue last = null;
                for (KeyValue item : result.kvs()) {
                    last = item;
                    CachedObject object = CachedObject.decode(item.keyUtf8(), item.value(), item.modRevision(),
                            cache.selectable(), UnaryOperator.identity());
                    if (selection.matches(object)) {
                        items.add(object);
                    }
                }
                if (!result.more() || last == null) {
                    break;
                }
                from = ByteKeys.utf8(last.keyUtf8() + "\u0000");
                if (limit > 0 && items.size() >= limit) {
                    token = ContinueToken.after(prefix, last.keyUtf8(), revision).encode();
                    if (selection.selectsEverything()) {
                        remaining = result.count() - result.kvs().size();
                    }
                    break;
                }
            }
        } catch (StorageException e) {
            if (e.kind() == StorageException.Kind.COMPACTED && continued) {
                // Kubernetes offers a token that continues from the same key at the latest revision.
                throw StatusException.continueExpired(new ContinueToken(ContinueToken.LATEST,
                        first.substring(prefix.length())).encode());
            }
            throw StatusException.fromStorage(e, cache.resource(), StorageOperation.LIST);
        }
        return new ListResult(items, revision, token, remaining);
    }

    // ---- watch --------------------------------------------------------------------------------

    /**
     * Starts a watch as Kubernetes' cacher does: resourceVersion "" or "0" start with the current
     * state as ADDED events (unless sendInitialEvents=false), "" after a consistent wait for the
     * cache; N with sendInitialEvents=true starts with the state once the cache has reached N;
     * N alone replays the window's events after N.
     *
     * @throws StatusException sent by the caller as an ERROR event inside the 200 stream, as the
     *                         real server does: 410 for a revision older than the window, 504
     *                         for one the cache does not reach in time
     */
    public CacheWatcher watch(Selection selection, ListOptions options) {
        String rv = options.resourceVersion();
        boolean fromNow = rv.isEmpty() || rv.equals("0");
        boolean initialState = fromNow ? !Boolean.FALSE.equals(options.sendInitialEvents())
                : Boolean.TRUE.equals(options.sendInitialEvents());
        try {
            if (rv.isEmpty()) {
                requireFresh(kv.currentRevision());
            } else if (!fromNow && initialState) {
                requireFresh(options.resourceVersionNumber());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw StatusException.serviceUnavailable("interrupted while waiting for the watch cache");
        } catch (StorageException e) {
            throw StatusException.fromStorage(e, cache.resource(), StorageOperation.WATCH);
        }
        long from = fromNow ? WatchCache.NOW : options.resourceVersionNumber();
        return cache.watch(selection, initialState, from, options.allowWatchBookmarks());
    }
}
