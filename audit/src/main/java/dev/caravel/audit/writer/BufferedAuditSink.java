package dev.caravel.audit.writer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A bounded buffer and one writer thread in front of a backend: requests hand events over, the
 * writer thread takes them in batches (up to maxBatchSize, or what came within maxBatchWait of the
 * batch's first event), throttles, and calls the backend.
 *
 * <p>The request side never waits without bound. In {@link BufferMode#BATCH} a full buffer drops
 * the event at once; in {@link BufferMode#BLOCKING} the request waits up to blockingWait for space,
 * then drops; in {@link BufferMode#BLOCKING_STRICT} it waits up to blockingWait for the event to be
 * written and throws {@link AuditWriteException} if it was not. A drop is counted as an error of
 * plugin "buffered", a backend failure as an error of the backend's plugin, as kube-apiserver
 * counts them.
 */
public final class BufferedAuditSink implements AuditSink {

    private static final Logger LOG = LoggerFactory.getLogger(BufferedAuditSink.class);
    static final String BUFFERED_PLUGIN = "buffered";
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(30);
    private static final long LOG_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    /** An event and, in blocking-strict mode, the future its request waits on. */
    private record Pending(AuditEvent event, CompletableFuture<Void> written) {
    }

    private static final Pending STOP = new Pending(null, null);

    private final AuditBackend backend;
    private final BufferConfig config;
    private final AuditMetrics metrics;
    private final BlockingQueue<Pending> queue;
    private final Throttle throttle;
    private final Thread writer;
    private final AtomicLong lastDropLogNanos = new AtomicLong(System.nanoTime() - LOG_EVERY_NANOS);
    private volatile boolean closed;

    public BufferedAuditSink(AuditBackend backend, BufferConfig config, AuditMetrics metrics) {
        this.backend = backend;
        this.config = config;
        this.metrics = metrics;
        this.queue = new ArrayBlockingQueue<>(config.bufferSize());
        this.throttle = config.throttleQps() > 0 ? new Throttle(config.throttleQps(), config.throttleBurst()) : null;
        this.writer = Thread.ofPlatform().daemon().name("audit-" + backend.name() + "-writer").unstarted(this::run);
        writer.start();
    }

    @Override
    public void process(AuditEvent event) {
        if (closed) {
            drop(event, "the audit sink is closed");
            if (config.mode() == BufferMode.BLOCKING_STRICT) {
                throw rejected(new IllegalStateException("audit sink closed"));
            }
            return;
        }
        metrics.eventGenerated();
        switch (config.mode()) {
            case BATCH -> {
                if (!queue.offer(new Pending(event, null))) {
                    drop(event, "audit buffer queue blocked");
                }
            }
            case BLOCKING -> {
                if (!offerWaiting(new Pending(event, null))) {
                    drop(event, "audit buffer queue blocked for " + config.blockingWait());
                }
            }
            case BLOCKING_STRICT -> writeStrict(event);
        }
    }

    private void writeStrict(AuditEvent event) {
        long deadline = System.nanoTime() + config.blockingWait().toNanos();
        Pending pending = new Pending(event, new CompletableFuture<>());
        if (!offerWaiting(pending)) {
            drop(event, "audit buffer queue blocked for " + config.blockingWait());
            throw rejected(new TimeoutException("audit buffer full for " + config.blockingWait()));
        }
        try {
            pending.written().get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (ExecutionException e) {
            throw rejected(e.getCause());
        } catch (TimeoutException e) {
            // Still queued or being written: it may be written later, but this request cannot wait.
            throw rejected(new TimeoutException("audit event not written within " + config.blockingWait()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw rejected(e);
        }
    }

    private boolean offerWaiting(Pending pending) {
        try {
            return queue.offer(pending, config.blockingWait().toNanos(), TimeUnit.NANOSECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private AuditWriteException rejected(Throwable cause) {
        metrics.requestRejected();
        return new AuditWriteException("failed to write audit event to " + backend.name() + ": "
                + cause.getMessage(), cause);
    }

    private void drop(AuditEvent event, String why) {
        metrics.errors(BUFFERED_PLUGIN, 1);
        long now = System.nanoTime();
        long last = lastDropLogNanos.get();
        // One line per 10 s at most: a stuck backend would otherwise log once per request.
        if (now - last >= LOG_EVERY_NANOS && lastDropLogNanos.compareAndSet(last, now)) {
            LOG.warn("dropping audit events for backend {}: {} (event {} {})", backend.name(), why,
                    event.auditId(), event.stage().wireName());
        }
    }

    private void run() {
        List<Pending> batch = new ArrayList<>(config.maxBatchSize());
        boolean stopping = false;
        while (!stopping) {
            batch.clear();
            try {
                Pending first = queue.take();
                if (first == STOP) {
                    break;
                }
                batch.add(first);
                stopping = fill(batch);
                if (throttle != null && !stopping) {
                    throttle.acquire();
                }
            } catch (InterruptedException e) {
                stopping = true;
            }
            send(batch);
        }
        // Closing: write what is left without waiting for batches to fill.
        List<Pending> rest = new ArrayList<>();
        queue.drainTo(rest);
        rest.remove(STOP);
        for (int from = 0; from < rest.size(); from += config.maxBatchSize()) {
            send(rest.subList(from, Math.min(rest.size(), from + config.maxBatchSize())));
        }
    }

    /** Adds events to the batch until it is full or maxBatchWait has passed; true if STOP was seen. */
    private boolean fill(List<Pending> batch) throws InterruptedException {
        long deadline = System.nanoTime() + config.maxBatchWait().toNanos();
        while (batch.size() < config.maxBatchSize()) {
            Pending next = queue.poll();
            if (next == null) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                next = queue.poll(left, TimeUnit.NANOSECONDS);
                if (next == null) {
                    return false;
                }
            }
            if (next == STOP) {
                return true;
            }
            batch.add(next);
        }
        return false;
    }

    private void send(List<Pending> batch) {
        if (batch.isEmpty()) {
            return;
        }
        List<AuditEvent> events = new ArrayList<>(batch.size());
        for (Pending pending : batch) {
            events.add(pending.event());
        }
        try {
            backend.write(events);
            metrics.written(backend.name(), events.size());
            for (Pending pending : batch) {
                if (pending.written() != null) {
                    pending.written().complete(null);
                }
            }
        } catch (IOException | RuntimeException e) {
            metrics.errors(backend.name(), events.size());
            LOG.error("failed to write {} audit events to {}", events.size(), backend.name(), e);
            for (Pending pending : batch) {
                if (pending.written() != null) {
                    pending.written().completeExceptionally(e);
                }
            }
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // Waits for room only if the writer is stuck; then give up and interrupt it.
            if (!queue.offer(STOP, CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
                writer.interrupt();
            }
            writer.join(CLOSE_WAIT.toMillis());
            if (writer.isAlive()) {
                LOG.warn("audit writer for {} did not finish within {}", backend.name(), CLOSE_WAIT);
                writer.interrupt();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            // A request that passed the closed check just before close() may have queued behind
            // STOP: the writer is gone, so count it as dropped rather than leave it unaccounted.
            List<Pending> late = new ArrayList<>();
            queue.drainTo(late);
            for (Pending pending : late) {
                if (pending == STOP) {
                    continue;
                }
                metrics.errors(BUFFERED_PLUGIN, 1);
                if (pending.written() != null) {
                    pending.written().completeExceptionally(new IllegalStateException("audit sink closed"));
                }
            }
            try {
                backend.close();
            } catch (IOException e) {
                LOG.error("closing audit backend {}", backend.name(), e);
            }
        }
    }
}
