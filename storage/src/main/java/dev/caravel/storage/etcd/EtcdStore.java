package dev.caravel.storage.etcd;

import dev.caravel.storage.Compare;
import dev.caravel.storage.KeyValue;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.Lease;
import dev.caravel.storage.Op;
import dev.caravel.storage.OpResult;
import dev.caravel.storage.RangeRequest;
import dev.caravel.storage.StorageException;
import dev.caravel.storage.StorageException.Kind;
import dev.caravel.storage.StorageLimits;
import dev.caravel.storage.TxnRequest;
import dev.caravel.storage.TxnResponse;
import dev.caravel.storage.Watch;
import dev.caravel.storage.WatchListener;
import dev.caravel.storage.WatchRequest;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.kv.DeleteResponse;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.PutResponse;
import io.etcd.jetcd.lease.LeaseGrantResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.lease.LeaseTimeToLiveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.options.CompactOption;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.LeaseOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.options.WatchOption;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link KeyValueStore} on an etcd cluster, through jetcd. Each operation is one etcd call with the
 * same meaning (storage follows etcd's model, DESIGN.md), so this class only converts values and
 * errors; the one piece with logic of its own is the watch ({@link EtcdWatch}), which takes over
 * jetcd's reconnection so that no event is lost or delivered twice.
 *
 * <p>Calls block the calling thread (virtual threads are the intended callers) for at most
 * {@link EtcdStoreOptions#requestTimeout()}; a cluster that does not answer in time is UNAVAILABLE.
 */
public final class EtcdStore implements KeyValueStore {

    static final Logger log = LoggerFactory.getLogger("storage.etcd");

    /** Any key serves for a count-only read whose only purpose is the response header's revision. */
    private static final ByteSequence REVISION_PROBE_KEY = ByteSequence.from(new byte[] {0});

    private final Client client;
    private final List<URI> endpoints;
    private final EtcdStoreOptions options;
    private final AtomicBoolean closed = new AtomicBoolean();
    private final Set<EtcdWatch> watches = ConcurrentHashMap.newKeySet();
    /** Listener calls run here, one watch at a time each, so a listener may call the store back. */
    private final ExecutorService deliveries =
            Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name("storage.etcd-watch-delivery-", 0).factory());
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread thread = new Thread(r, "storage.etcd-watch-retry");
        thread.setDaemon(true);
        return thread;
    });
    /** The highest compacted revision this client has seen; a fallback when etcd cannot be asked. */
    private final AtomicLong knownCompactRevision = new AtomicLong();

    private EtcdStore(Client client, List<URI> endpoints, EtcdStoreOptions options) {
        this.client = client;
        this.endpoints = endpoints;
        this.options = options;
    }

    public static EtcdStore connect(List<URI> endpoints) {
        return connect(endpoints, EtcdStoreOptions.DEFAULTS);
    }

    /** Connects lazily: the first call finds out whether the cluster answers. */
    public static EtcdStore connect(List<URI> endpoints, EtcdStoreOptions options) {
        Objects.requireNonNull(options, "options");
        List<URI> copy = List.copyOf(endpoints);
        if (copy.isEmpty()) {
            throw new IllegalArgumentException("at least one etcd endpoint is needed");
        }
        Client client = Client.builder()
                .endpoints(copy)
                .maxInboundMessageSize(options.maxInboundMessageBytes())
                .build();
        log.info("etcd store on {} (request timeout {})", copy, options.requestTimeout());
        return new EtcdStore(client, copy, options);
    }

    // ---------------------------------------------------------------- reads and writes

    @Override
    public OpResult.RangeResult range(RangeRequest request) {
        GetResponse response;
        try {
            response = await(client.getKVClient().get(bytes(request.key()), getOption(request)), "range");
        } catch (StorageException e) {
            throw revisionError(e, request.revision());
        }
        return rangeResult(response, response.getHeader().getRevision());
    }

    @Override
    public TxnResponse txn(TxnRequest request) {
        io.etcd.jetcd.kv.TxnResponse response;
        try {
            response = await(client.getKVClient().txn()
                    .If(request.compares().stream().map(EtcdStore::cmp).toArray(Cmp[]::new))
                    .Then(request.success().stream().map(EtcdStore::op).toArray(io.etcd.jetcd.op.Op[]::new))
                    .Else(request.failure().stream().map(EtcdStore::op).toArray(io.etcd.jetcd.op.Op[]::new))
                    .commit(), "txn");
        } catch (StorageException e) {
            if (e.kind() == Kind.REQUEST_TOO_LARGE) {
                throw withCause(StorageException.requestTooLarge(request.payloadBytes(), StorageLimits.MAX_REQUEST_BYTES), e);
            }
            long readRevision = request.success().stream().mapToLong(EtcdStore::readRevision).max().orElse(0);
            throw revisionError(e, Math.max(readRevision,
                    request.failure().stream().mapToLong(EtcdStore::readRevision).max().orElse(0)));
        }
        long revision = response.getHeader().getRevision();
        List<Op> ran = response.isSucceeded() ? request.success() : request.failure();
        // jetcd sorts the per-operation answers by type; within a type they keep etcd's order.
        int puts = 0;
        int deletes = 0;
        int gets = 0;
        List<OpResult> results = new ArrayList<>(ran.size());
        for (Op op : ran) {
            results.add(switch (op) {
                case Op.Put put -> putResult(response.getPutResponses().get(puts++), revision);
                case Op.Delete delete -> deleteResult(response.getDeleteResponses().get(deletes++), revision);
                case Op.Get get -> rangeResult(response.getGetResponses().get(gets++), revision);
            });
        }
        return new TxnResponse(response.isSucceeded(), revision, results);
    }

    @Override
    public void compact(long revision) {
        try {
            await(client.getKVClient().compact(revision, CompactOption.builder().withCompactPhysical(false).build()), "compact");
        } catch (StorageException e) {
            throw revisionError(e, revision);
        }
        knownCompactRevision.accumulateAndGet(revision, Math::max);
        log.info("compacted etcd at {} up to revision {}", endpoints, revision);
    }

    @Override
    public long currentRevision() {
        GetResponse response = await(client.getKVClient().get(REVISION_PROBE_KEY,
                GetOption.builder().withCountOnly(true).build()), "currentRevision");
        return response.getHeader().getRevision();
    }

    // ---------------------------------------------------------------- leases

    @Override
    public Lease grantLease(long ttlSeconds) {
        LeaseGrantResponse response = await(client.getLeaseClient().grant(ttlSeconds), "grantLease");
        return new Lease(response.getID(), response.getTTL(), response.getTTL());
    }

    @Override
    public void revokeLease(long leaseId) {
        await(client.getLeaseClient().revoke(leaseId), "revokeLease " + leaseId);
    }

    @Override
    public Lease keepAlive(long leaseId) {
        LeaseKeepAliveResponse response = await(client.getLeaseClient().keepAliveOnce(leaseId), "keepAlive " + leaseId);
        if (response.getTTL() <= 0) {
            // etcd answers a keep-alive of an unknown or expired lease with TTL 0, not with an error.
            throw new StorageException(Kind.LEASE_NOT_FOUND, "lease " + leaseId + " has expired or does not exist");
        }
        return new Lease(leaseId, response.getTTL(), response.getTTL());
    }

    @Override
    public Lease timeToLive(long leaseId) {
        LeaseTimeToLiveResponse response;
        try {
            response = await(client.getLeaseClient().timeToLive(leaseId, LeaseOption.DEFAULT), "timeToLive " + leaseId);
        } catch (StorageException e) {
            if (e.kind() == Kind.LEASE_NOT_FOUND) {
                return new Lease(leaseId, 0, -1);
            }
            throw e;
        }
        long remaining = response.getTTL() < 0 ? -1 : response.getTTL();
        return new Lease(leaseId, Math.max(0, response.getGrantedTTL()), remaining);
    }

    // ---------------------------------------------------------------- watch

    @Override
    public Watch watch(WatchRequest request, WatchListener listener) {
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(listener, "listener");
        ensureOpen("watch");
        // etcd creates watches asynchronously: pinned now, a watch "from the next change" sees every
        // write that starts after watch() returns, as the contract says, even one etcd applies first.
        WatchRequest pinned = request.startRevision() == 0 ? request.fromRevision(currentRevision() + 1) : request;
        EtcdWatch watch = new EtcdWatch(this, pinned, listener);
        watches.add(watch);
        if (closed.get()) {
            watches.remove(watch);
            throw new StorageException(Kind.UNAVAILABLE, "the etcd store is closed");
        }
        watch.start();
        return watch;
    }

    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        StorageException storeClosed = new StorageException(Kind.UNAVAILABLE, "the etcd store is closed");
        for (EtcdWatch watch : List.copyOf(watches)) {
            watch.end(storeClosed);
        }
        retries.shutdownNow();
        client.close();
        // Not close(): that would wait for listeners, and one that never returns would hang us. The
        // onClosed calls queued above still run.
        deliveries.shutdown();
        log.info("etcd store on {} closed", endpoints);
    }

    @Override
    public String toString() {
        return "EtcdStore" + endpoints;
    }

    // ---------------------------------------------------------------- for EtcdWatch

    io.etcd.jetcd.Watch watchClient() {
        return client.getWatchClient();
    }

    EtcdStoreOptions options() {
        return options;
    }

    ExecutorService deliveries() {
        return deliveries;
    }

    ScheduledExecutorService retries() {
        return retries;
    }

    boolean isClosed() {
        return closed.get();
    }

    void forget(EtcdWatch watch) {
        watches.remove(watch);
    }

    static WatchOption watchOption(WatchRequest request, long fromRevision) {
        WatchOption.Builder option = WatchOption.builder()
                .withRevision(fromRevision)
                .withPrevKV(request.prevKv())
                .withProgressNotify(request.progressNotify())
                .withCreateNotify(true);
        if (request.rangeEnd() != null && request.rangeEnd().length > 0) {
            option.withRange(bytes(request.rangeEnd()));
        }
        return option.build();
    }

    /**
     * etcd's compacted revision. etcd names it only when it cancels a watch, so a watch from revision
     * 1 (always compacted once anything is) is opened and its cancellation read. Errors are rare; the
     * extra call is only made then.
     */
    long compactRevision() {
        CompletableFuture<Long> answer = new CompletableFuture<>();
        io.etcd.jetcd.Watch.Watcher probe = null;
        try {
            probe = client.getWatchClient().watch(REVISION_PROBE_KEY, WatchOption.builder().withRevision(1).build(),
                    new io.etcd.jetcd.Watch.Listener() {
                        @Override
                        public void onNext(io.etcd.jetcd.watch.WatchResponse response) {
                            answer.complete(0L);
                        }

                        @Override
                        public void onError(Throwable error) {
                            if (error instanceof io.etcd.jetcd.common.exception.CompactedException compacted) {
                                answer.complete(compacted.getCompactedRevision());
                            } else {
                                answer.completeExceptionally(error);
                            }
                        }

                        @Override
                        public void onCompleted() {
                            answer.complete(0L);
                        }
                    });
            // etcd cancels the probe within its 100 ms catch-up period when anything is compacted.
            long revision = answer.get(2, TimeUnit.SECONDS);
            if (revision > 0) {
                knownCompactRevision.accumulateAndGet(revision, Math::max);
            }
            return Math.max(revision, knownCompactRevision.get());
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            log.warn("cannot ask etcd at {} for its compacted revision; using the last one seen ({}): {}",
                    endpoints, knownCompactRevision.get(), e.toString());
            return knownCompactRevision.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return knownCompactRevision.get();
        } finally {
            if (probe != null) {
                probe.close();
            }
        }
    }

    void noteCompactRevision(long revision) {
        knownCompactRevision.accumulateAndGet(revision, Math::max);
    }

    // ---------------------------------------------------------------- conversions

    private <T> T await(CompletableFuture<T> call, String what) {
        ensureOpen(what);
        try {
            return call.get(options.requestTimeout().toNanos(), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw EtcdErrors.translate(e.getCause(), what + " on etcd at " + endpoints);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new StorageException(Kind.UNAVAILABLE,
                    what + ": etcd at " + endpoints + " did not answer within " + options.requestTimeout(), e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new StorageException(Kind.UNAVAILABLE, what + ": interrupted while waiting for etcd", e);
        }
    }

    private void ensureOpen(String what) {
        if (closed.get()) {
            throw new StorageException(Kind.UNAVAILABLE, what + ": the etcd store is closed");
        }
    }

    /** Adds what etcd's message lacks to a compacted or future-revision error: the revisions. */
    private StorageException revisionError(StorageException e, long requested) {
        return switch (e.kind()) {
            case COMPACTED -> withCause(StorageException.compacted(requested, compactRevision()), e);
            case FUTURE_REVISION -> withCause(StorageException.futureRevision(requested, safeCurrentRevision()), e);
            default -> e;
        };
    }

    private long safeCurrentRevision() {
        try {
            return currentRevision();
        } catch (StorageException e) {
            return -1;
        }
    }

    private static StorageException withCause(StorageException detailed, StorageException original) {
        // StorageException's factories fix the cause to none; keep jetcd's failure as suppressed for the log.
        detailed.addSuppressed(original);
        return detailed;
    }

    private static long readRevision(Op op) {
        return op instanceof Op.Get get ? get.request().revision() : 0;
    }

    static ByteSequence bytes(byte[] bytes) {
        return ByteSequence.from(bytes);
    }

    static KeyValue keyValue(io.etcd.jetcd.KeyValue kv) {
        return new KeyValue(kv.getKey().getBytes(), kv.getValue().getBytes(), kv.getCreateRevision(), kv.getModRevision(),
                kv.getVersion(), kv.getLease());
    }

    /** jetcd hands an empty KeyValue where etcd sent none; etcd never stores an empty key. */
    static KeyValue keyValueOrNull(io.etcd.jetcd.KeyValue kv) {
        return kv == null || kv.getKey().isEmpty() ? null : keyValue(kv);
    }

    private static GetOption getOption(RangeRequest request) {
        GetOption.Builder option = GetOption.builder()
                .withRevision(request.revision())
                .withLimit(request.limit())
                .withCountOnly(request.countOnly())
                .withKeysOnly(request.keysOnly());
        if (!request.isSingleKey()) {
            option.withRange(bytes(request.rangeEnd()));
        }
        return option.build();
    }

    private static OpResult.RangeResult rangeResult(GetResponse response, long revision) {
        List<KeyValue> kvs = new ArrayList<>(response.getKvs().size());
        for (io.etcd.jetcd.KeyValue kv : response.getKvs()) {
            kvs.add(keyValue(kv));
        }
        return new OpResult.RangeResult(kvs, response.isMore(), response.getCount(), revision);
    }

    private static OpResult.PutResult putResult(PutResponse response, long revision) {
        return new OpResult.PutResult(revision, response.hasPrevKv() ? keyValueOrNull(response.getPrevKv()) : null);
    }

    private static OpResult.DeleteResult deleteResult(DeleteResponse response, long revision) {
        List<KeyValue> prevKvs = new ArrayList<>(response.getPrevKvs().size());
        for (io.etcd.jetcd.KeyValue kv : response.getPrevKvs()) {
            prevKvs.add(keyValue(kv));
        }
        return new OpResult.DeleteResult(revision, response.getDeleted(), prevKvs);
    }

    private static Cmp cmp(Compare compare) {
        Cmp.Op result = switch (compare.result()) {
            case EQUAL -> Cmp.Op.EQUAL;
            case NOT_EQUAL -> Cmp.Op.NOT_EQUAL;
            case GREATER -> Cmp.Op.GREATER;
            case LESS -> Cmp.Op.LESS;
        };
        CmpTarget<?> target = switch (compare.target()) {
            case CREATE_REVISION -> CmpTarget.createRevision(compare.operand());
            case MOD_REVISION -> CmpTarget.modRevision(compare.operand());
            case VERSION -> CmpTarget.version(compare.operand());
        };
        return new Cmp(bytes(compare.key()), result, target);
    }

    private static io.etcd.jetcd.op.Op op(Op op) {
        return switch (op) {
            case Op.Put put -> {
                PutOption.Builder option = PutOption.builder().withLeaseId(put.lease());
                if (put.prevKv()) {
                    option.withPrevKV();
                }
                yield io.etcd.jetcd.op.Op.put(bytes(put.key()), bytes(put.value()), option.build());
            }
            case Op.Delete delete -> {
                DeleteOption.Builder option = DeleteOption.builder().withPrevKV(delete.prevKv());
                if (delete.rangeEnd() != null && delete.rangeEnd().length > 0) {
                    option.withRange(bytes(delete.rangeEnd()));
                }
                yield io.etcd.jetcd.op.Op.delete(bytes(delete.key()), option.build());
            }
            case Op.Get get -> io.etcd.jetcd.op.Op.get(bytes(get.request().key()), getOption(get.request()));
        };
    }
}
