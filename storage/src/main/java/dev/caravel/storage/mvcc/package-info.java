/**
 * The multi-version engine under the memory and RocksDB stores, in etcd's model.
 *
 * <ul>
 *   <li>{@link dev.caravel.storage.mvcc.MvccStore}: the {@code KeyValueStore}; its committer thread
 *       evaluates queued writes in group commits, one {@link dev.caravel.storage.mvcc.Backend#commit}
 *       per batch, and publishes each batch's revision once it is durable.</li>
 *   <li>{@code KeyIndex}: keys to their revisions in generations (worked example in its doc comment).</li>
 *   <li>{@code WatcherGroups} and {@code Watcher}: synced and unsynced watchers, bounded buffers,
 *       catch-up from the backend.</li>
 *   <li>{@code LeaseTable}: live leases, deadlines and attached keys.</li>
 *   <li>{@link dev.caravel.storage.mvcc.Backend}: where the history lives ({@code MemoryBackend},
 *       {@code RocksDbBackend}).</li>
 * </ul>
 *
 * <p>Lock order, outermost first: a watcher's call lock (held while its listener runs), the
 * store's history lock, the watcher groups' lock, then the key index's lock or a watcher's queue
 * lock (both leaves). The committer never waits for a listener: it takes only the groups' lock
 * and queue locks to hand events over.
 *
 * <p>Decisions: docs/decisions/0002-one-mvcc-engine-over-backends.md and
 * docs/decisions/0007-mvcc-commit-and-watch-delivery.md.
 */
package dev.caravel.storage.mvcc;
