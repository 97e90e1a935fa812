package dev.caravel.storage.mvcc;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;

/**
 * The live leases of an {@link MvccStore}, their deadlines and the keys attached to them. Leases
 * and attachments change only on the committer thread (and at recovery, before it starts);
 * deadlines change on any thread (keep-alive), and every thread may read.
 */
final class LeaseTable {

    static final class LeaseState {
        final long id;
        final long ttlSeconds;
        /** Renewed by keep-alive from any thread. */
        volatile long deadlineNanos;
        /** Set while an expiry revoke for this lease waits in the committer's queue, so the checker enqueues one only. */
        final AtomicBoolean expiryQueued = new AtomicBoolean();
        /** Keys attached to this lease; committer thread only. */
        final Set<KeyBytes> keys = new HashSet<>();

        LeaseState(long id, long ttlSeconds, long deadlineNanos) {
            this.id = id;
            this.ttlSeconds = ttlSeconds;
            this.deadlineNanos = deadlineNanos;
        }

        boolean expiredAt(long nowNanos) {
            return nowNanos - deadlineNanos >= 0;
        }

        long remainingSeconds(long nowNanos) {
            long remaining = deadlineNanos - nowNanos;
            // Rounded up, so that a live lease never reports 0 seconds left.
            return remaining <= 0 ? -1 : (remaining + 999_999_999L) / 1_000_000_000L;
        }
    }

    private final ConcurrentHashMap<Long, LeaseState> leases = new ConcurrentHashMap<>();
    private final LongSupplier nanoClock;

    LeaseTable(LongSupplier nanoClock) {
        this.nanoClock = nanoClock;
    }

    long now() {
        return nanoClock.getAsLong();
    }

    /** A new lease with a fresh id: positive, never 0, never one in use. Committer thread only. */
    LeaseState grant(long ttlSeconds) {
        long id;
        do {
            id = ThreadLocalRandom.current().nextLong(1, Long.MAX_VALUE);
        } while (leases.containsKey(id));
        return add(id, ttlSeconds);
    }

    /** A lease read back at recovery gets its full time to live again, as etcd does. */
    LeaseState add(long id, long ttlSeconds) {
        LeaseState lease = new LeaseState(id, ttlSeconds, now() + ttlSeconds * 1_000_000_000L);
        leases.put(id, lease);
        return lease;
    }

    LeaseState get(long id) {
        return leases.get(id);
    }

    /** The lease if it exists and has not expired. */
    LeaseState live(long id) {
        LeaseState lease = leases.get(id);
        return lease == null || lease.expiredAt(now()) ? null : lease;
    }

    LeaseState remove(long id) {
        return leases.remove(id);
    }

    void attach(long id, KeyBytes key) {
        LeaseState lease = leases.get(id);
        if (lease != null) {
            lease.keys.add(key);
        }
    }

    void detach(long id, KeyBytes key) {
        if (id == 0) {
            return;
        }
        LeaseState lease = leases.get(id);
        if (lease != null) {
            lease.keys.remove(key);
        }
    }

    List<LeaseState> expired() {
        long now = now();
        List<LeaseState> expired = new ArrayList<>();
        for (LeaseState lease : leases.values()) {
            if (lease.expiredAt(now)) {
                expired.add(lease);
            }
        }
        return expired;
    }

    Collection<LeaseState> all() {
        return leases.values();
    }
}
