package dev.caravel.audit.writer;

import dev.caravel.audit.event.AuditStage;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class BufferedAuditSinkTest {

    /** A backend that blocks in write until released, as a full disk or a hung webhook would. */
    static final class StuckBackend implements AuditBackend {
        final CountDownLatch entered = new CountDownLatch(1);
        final CountDownLatch release = new CountDownLatch(1);
        final List<AuditEvent> written = new CopyOnWriteArrayList<>();
        volatile IOException failure;

        @Override
        public String name() {
            return "stuck";
        }

        @Override
        public void write(List<AuditEvent> events) throws IOException {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            if (failure != null) {
                throw failure;
            }
            written.addAll(events);
        }

        @Override
        public void close() {
        }
    }

    private final StuckBackend backend = new StuckBackend();
    private final AuditCounters counters = new AuditCounters();
    private BufferedAuditSink sink;

    @AfterEach
    void releaseAndClose() {
        backend.release.countDown();
        if (sink != null) {
            sink.close();
        }
    }

    private BufferedAuditSink sink(BufferMode mode, int bufferSize, Duration blockingWait) {
        sink = new BufferedAuditSink(backend,
                new BufferConfig(mode, bufferSize, 1, Duration.ZERO, blockingWait, 0, 0), counters);
        return sink;
    }

    private static AuditEvent event(int n) {
        return LogFileBackendTest.event(n, AuditStage.RESPONSE_COMPLETE);
    }

    @Test
    void batchModeDropsAndCountsEventsAtOnceWhenTheBufferIsFull() throws InterruptedException {
        BufferedAuditSink sink = sink(BufferMode.BATCH, 2, Duration.ofSeconds(10));
        sink.process(event(0));
        assertThat(backend.entered.await(5, TimeUnit.SECONDS)).isTrue(); // the writer holds event 0
        sink.process(event(1));
        sink.process(event(2));
        long start = System.nanoTime();
        sink.process(event(3));
        sink.process(event(4));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(1));
        assertThat(counters.errors(BufferedAuditSink.BUFFERED_PLUGIN)).isEqualTo(2);

        backend.release.countDown();
        sink.close();
        assertThat(backend.written).extracting(e -> java.util.UUID.fromString(e.auditId()).getLeastSignificantBits())
                .containsExactly(0L, 1L, 2L);
        assertThat(counters.eventsGenerated()).isEqualTo(5);
    }

    @Test
    void blockingModeWaitsForSpaceOnlyUpToItsBoundThenDrops() throws InterruptedException {
        BufferedAuditSink sink = sink(BufferMode.BLOCKING, 1, Duration.ofMillis(200));
        sink.process(event(0));
        assertThat(backend.entered.await(5, TimeUnit.SECONDS)).isTrue();
        sink.process(event(1)); // fills the buffer
        long start = System.nanoTime();
        sink.process(event(2)); // waits for space that never comes, then gives up without failing the request
        Duration waited = Duration.ofNanos(System.nanoTime() - start);
        assertThat(waited).isGreaterThanOrEqualTo(Duration.ofMillis(150)).isLessThan(Duration.ofSeconds(5));
        assertThat(counters.errors(BufferedAuditSink.BUFFERED_PLUGIN)).isEqualTo(1);
        assertThat(counters.requestsRejected()).isZero();
    }

    @Test
    void blockingModeWritesTheEventWhenSpaceFreesUpWithinTheBound() throws Exception {
        BufferedAuditSink sink = sink(BufferMode.BLOCKING, 1, Duration.ofSeconds(10));
        sink.process(event(0));
        assertThat(backend.entered.await(5, TimeUnit.SECONDS)).isTrue();
        sink.process(event(1));
        Thread releaser = Thread.ofVirtual().start(() -> {
            sleep(100);
            backend.release.countDown();
        });
        sink.process(event(2));
        releaser.join();
        sink.close();
        assertThat(backend.written).hasSize(3);
        assertThat(counters.errors(BufferedAuditSink.BUFFERED_PLUGIN)).isZero();
    }

    @Test
    void blockingStrictModeFailsTheRequestWhenTheEventIsNotWrittenInTime() {
        BufferedAuditSink sink = sink(BufferMode.BLOCKING_STRICT, 10, Duration.ofMillis(200));
        assertThatThrownBy(() -> sink.process(event(0)))
                .isInstanceOf(AuditWriteException.class).hasMessageContaining("not written within");
        assertThat(counters.requestsRejected()).isEqualTo(1);
    }

    @Test
    void blockingStrictModeFailsTheRequestWhenTheBackendFails() {
        backend.failure = new IOException("disk full");
        backend.release.countDown();
        BufferedAuditSink sink = sink(BufferMode.BLOCKING_STRICT, 10, Duration.ofSeconds(10));
        assertThatThrownBy(() -> sink.process(event(0)))
                .isInstanceOf(AuditWriteException.class).hasMessageContaining("disk full");
        assertThat(counters.errors("stuck")).isEqualTo(1);
        assertThat(counters.requestsRejected()).isEqualTo(1);
    }

    @Test
    void blockingStrictModeReturnsOnceTheEventIsWritten() {
        backend.release.countDown();
        BufferedAuditSink sink = sink(BufferMode.BLOCKING_STRICT, 10, Duration.ofSeconds(10));
        sink.process(event(0));
        assertThat(backend.written).hasSize(1); // already written when process returned
    }

    @Test
    void eventsQueuedBeforeCloseAreStillWritten() {
        backend.release.countDown();
        BufferedAuditSink sink = sink(BufferMode.BATCH, 1000, Duration.ofSeconds(1));
        for (int n = 0; n < 500; n++) {
            sink.process(event(n));
        }
        sink.close();
        assertThat(backend.written).hasSize(500);
        sink.process(event(501)); // after close: counted, not written, no exception in batch mode
        assertThat(counters.errors(BufferedAuditSink.BUFFERED_PLUGIN)).isEqualTo(1);
    }

    @Test
    void theThrottleSpacesBatchesAtItsRateOnceTheBurstIsSpent() {
        backend.release.countDown();
        BufferedAuditSink sink = new BufferedAuditSink(backend,
                new BufferConfig(BufferMode.BATCH, 100, 1, Duration.ZERO, Duration.ofSeconds(1), 20, 1), counters);
        this.sink = sink;
        long start = System.nanoTime();
        for (int n = 0; n < 6; n++) {
            sink.process(event(n));
        }
        sink.close();
        // One batch free (burst 1), then five at 20 per second: at least 250 ms.
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(240));
        assertThat(backend.written).hasSize(6);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
