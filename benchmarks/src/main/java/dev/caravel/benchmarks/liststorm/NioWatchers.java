package dev.caravel.benchmarks.liststorm;

import dev.caravel.benchmarks.common.Latencies;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongPredicate;

/**
 * Watch streams read with as little client work as possible, so a fan-out measures the server
 * rather than its clients: plain non-blocking sockets, {@link #SELECTORS} selector threads for
 * every connection, HTTP/1.1 chunked framing decoded byte by byte, and each event's body only
 * scanned for the send stamp (no JSON is parsed, no string is made). The JDK HttpClient, by
 * contrast, runs a subscriber, a line splitter and a String per line for every connection.
 *
 * <p>A watch counts as established once its response headers say 200, and as ended when its
 * stream closes or fails, or its status is not 200 (the first few such statuses are kept).
 */
final class NioWatchers implements AutoCloseable {

    private static final int SELECTORS = 2;
    /** Connections being set up at once, so the server's accept backlog is never overrun. */
    private static final int CONNECTING_AT_ONCE = 256;

    private final InetSocketAddress server;
    private final String hostHeader;
    private final byte[] stamp;
    private final int[] stampBorders;
    private final List<Loop> loops = new ArrayList<>();
    private final AtomicInteger established = new AtomicInteger();
    private final AtomicInteger ended = new AtomicInteger();
    private final AtomicLong delivered = new AtomicLong();
    private final Queue<String> refusals = new ConcurrentLinkedQueue<>();
    private final SlowDeliveries slowDeliveries;
    private final LongPredicate measured;
    private int next;

    /** @param stampPrefix the bytes right before the stamp's decimal digits (it ends at the next quote) */
    /**
     * @param slowDeliveries told of every delivery
     * @param measured       whether a delivery, by its stamp, counts in the latencies and {@link #delivered()}
     */
    NioWatchers(String host, int port, String stampPrefix, SlowDeliveries slowDeliveries, LongPredicate measured)
            throws IOException {
        this.slowDeliveries = slowDeliveries;
        this.measured = measured;
        this.server = new InetSocketAddress(host, port);
        this.hostHeader = host + ":" + port;
        this.stamp = stampPrefix.getBytes(StandardCharsets.UTF_8);
        this.stampBorders = borders(stamp);
        for (int i = 0; i < SELECTORS; i++) {
            Loop loop = new Loop(Selector.open());
            loops.add(loop);
            loop.thread = Thread.ofPlatform().daemon().name("nio-watchers-" + i).start(loop::run);
        }
    }

    /** Opens one watch; {@code pathAndQuery} is the request target, such as {@code /api/v1/pods?watch=true&...}. */
    void open(String pathAndQuery) {
        byte[] request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + hostHeader
                + "\r\nAccept: application/json\r\nUser-Agent: caravel-list-storm-nio\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII);
        Loop loop = loops.get(next++ % loops.size());
        loop.pending.add(request);
        loop.selector.wakeup();
    }

    int established() {
        return established.get();
    }

    int ended() {
        return ended.get();
    }

    long delivered() {
        return delivered.get();
    }

    /** The first statuses other than 200 (status line and the start of the body), for the report. */
    List<String> refusals() {
        return List.copyOf(refusals);
    }

    /** Every delivery latency recorded so far (the loops keep their own, merged here). */
    Latencies deliveries() {
        Latencies all = new Latencies(Math.toIntExact(Math.min(Integer.MAX_VALUE - 8, delivered.get() + 16)));
        for (Loop loop : loops) {
            all.addAll(loop.latencies);
        }
        return all;
    }

    /** CPU time the selector threads have used, in nanoseconds (the whole of this client's work). */
    long cpuNanos() {
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long total = 0;
        for (Loop loop : loops) {
            total += Math.max(0, threads.getThreadCpuTime(loop.thread.threadId()));
        }
        return total;
    }

    @Override
    public void close() throws IOException {
        for (Loop loop : loops) {
            loop.running = false;
            loop.selector.wakeup();
        }
        for (Loop loop : loops) {
            try {
                loop.thread.join(5_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** One selector thread and the connections it owns. */
    private final class Loop {
        final Selector selector;
        final Queue<byte[]> pending = new ConcurrentLinkedQueue<>();
        final Latencies latencies = new Latencies(1 << 16);
        final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        volatile boolean running = true;
        Thread thread;
        int connecting;

        Loop(Selector selector) {
            this.selector = selector;
        }

        void run() {
            try {
                while (running) {
                    startPending();
                    selector.select(100);
                    for (SelectionKey key : selector.selectedKeys()) {
                        Watch watch = (Watch) key.attachment();
                        try {
                            if (key.isValid() && key.isConnectable()) {
                                finishConnect(key, watch);
                            } else if (key.isValid() && key.isWritable()) {
                                writeRequest(key, watch);
                            } else if (key.isValid() && key.isReadable()) {
                                read(key, watch);
                            }
                        } catch (IOException e) {
                            end(key, watch);
                        }
                    }
                    selector.selectedKeys().clear();
                }
            } catch (IOException e) {
                ListStormBenchmark.progress("  nio watchers: selector failed: " + e);
            } finally {
                for (SelectionKey key : selector.keys()) {
                    try {
                        key.channel().close();
                    } catch (IOException ignored) {
                        // Closing at the end of the run; nothing to do about it.
                    }
                }
                try {
                    selector.close();
                } catch (IOException ignored) {
                    // As above.
                }
            }
        }

        private void startPending() throws IOException {
            byte[] request;
            while (connecting < CONNECTING_AT_ONCE && (request = pending.poll()) != null) {
                SocketChannel channel = SocketChannel.open();
                try {
                    channel.configureBlocking(false);
                    channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                    Watch watch = new Watch(ByteBuffer.wrap(request));
                    if (channel.connect(server)) {
                        watch.connected = true;
                        writeRequest(channel.register(selector, SelectionKey.OP_WRITE, watch), watch);
                    } else {
                        connecting++;
                        channel.register(selector, SelectionKey.OP_CONNECT, watch);
                    }
                } catch (IOException e) {
                    // This watch could not start (ports or descriptors ran out): it ends, the others go on.
                    channel.close();
                    ended.incrementAndGet();
                }
            }
        }

        private void finishConnect(SelectionKey key, Watch watch) throws IOException {
            connecting--;
            watch.connected = true;
            ((SocketChannel) key.channel()).finishConnect();
            key.interestOps(SelectionKey.OP_WRITE);
            writeRequest(key, watch);
        }

        private void writeRequest(SelectionKey key, Watch watch) throws IOException {
            ((SocketChannel) key.channel()).write(watch.request);
            if (!watch.request.hasRemaining()) {
                key.interestOps(SelectionKey.OP_READ);
            }
        }

        private void read(SelectionKey key, Watch watch) throws IOException {
            SocketChannel channel = (SocketChannel) key.channel();
            while (true) {
                buffer.clear();
                int read = channel.read(buffer);
                if (read < 0) {
                    end(key, watch);
                    return;
                }
                if (read == 0) {
                    return;
                }
                buffer.flip();
                while (buffer.hasRemaining()) {
                    if (!watch.accept(buffer.get(), this)) {
                        end(key, watch);
                        return;
                    }
                }
                if (read < buffer.capacity()) {
                    return;
                }
            }
        }

        private void end(SelectionKey key, Watch watch) {
            if (!watch.connected) {
                connecting--;
            }
            key.cancel();
            try {
                key.channel().close();
            } catch (IOException ignored) {
                // The watch is over either way.
            }
            if (!watch.over) {
                watch.over = true;
                ended.incrementAndGet();
            }
        }
    }

    private enum Part { HEADERS, CHUNK_SIZE, CHUNK_SIZE_END, CHUNK_DATA, CHUNK_DATA_END }

    /** The state of one watch's response, fed a byte at a time. */
    private final class Watch {
        final ByteBuffer request;
        final StringBuilder head = new StringBuilder();
        Part part = Part.HEADERS;
        boolean connected;
        boolean over;
        long chunkLeft;
        /** Bytes of the stamp prefix matched so far; past its length, digits of the stamp are being read. */
        int matched;
        long sent;

        Watch(ByteBuffer request) {
            this.request = request;
        }

        /** Takes the next byte of the response; false when the watch should be closed. */
        boolean accept(byte b, Loop loop) {
            switch (part) {
                case HEADERS -> {
                    head.append((char) (b & 0xff));
                    int length = head.length();
                    if (length >= 4 && head.charAt(length - 1) == '\n' && head.charAt(length - 2) == '\r'
                            && head.charAt(length - 3) == '\n' && head.charAt(length - 4) == '\r') {
                        if (!head.toString().startsWith("HTTP/1.1 200")) {
                            refuse();
                            return false;
                        }
                        established.incrementAndGet();
                        part = Part.CHUNK_SIZE;
                        chunkLeft = 0;
                        head.setLength(0);
                    } else if (length > 16 * 1024) {
                        refuse();
                        return false;
                    }
                }
                case CHUNK_SIZE -> {
                    int digit = Character.digit(b, 16);
                    if (digit >= 0) {
                        chunkLeft = chunkLeft * 16 + digit;
                    } else {
                        // ';' starts an extension, '\r' the line's end: either way the size is complete.
                        part = Part.CHUNK_SIZE_END;
                        return endOfSizeLine(b);
                    }
                }
                case CHUNK_SIZE_END -> {
                    return endOfSizeLine(b);
                }
                case CHUNK_DATA -> {
                    scan(b, loop);
                    if (--chunkLeft == 0) {
                        part = Part.CHUNK_DATA_END;
                    }
                }
                case CHUNK_DATA_END -> {
                    if (b == '\n') {
                        part = Part.CHUNK_SIZE;
                    }
                }
            }
            return true;
        }

        private boolean endOfSizeLine(byte b) {
            if (b != '\n') {
                return true;
            }
            if (chunkLeft == 0) {
                // The last chunk: the server ended the watch.
                return false;
            }
            part = Part.CHUNK_DATA;
            return true;
        }

        /** Knuth-Morris-Pratt over the stamp prefix, then the decimal digits up to the closing quote. */
        private void scan(byte b, Loop loop) {
            if (matched == stamp.length) {
                if (b >= '0' && b <= '9') {
                    sent = sent * 10 + (b - '0');
                    return;
                }
                if (b == '"') {
                    long latency = System.nanoTime() - sent;
                    slowDeliveries.record(sent, latency);
                    if (measured.test(sent)) {
                        loop.latencies.record(latency);
                        delivered.incrementAndGet();
                    }
                }
                matched = 0;
                sent = 0;
                return;
            }
            while (matched > 0 && stamp[matched] != b) {
                matched = stampBorders[matched - 1];
            }
            if (stamp[matched] == b) {
                matched++;
            }
        }

        private void refuse() {
            if (refusals.size() < 5) {
                refusals.add(head.toString().replace("\r\n", " | ").strip());
            }
        }
    }

    /** KMP failure function: for each prefix, the length of its longest proper border. */
    private static int[] borders(byte[] pattern) {
        int[] borders = new int[pattern.length];
        int k = 0;
        for (int i = 1; i < pattern.length; i++) {
            while (k > 0 && pattern[i] != pattern[k]) {
                k = borders[k - 1];
            }
            if (pattern[i] == pattern[k]) {
                k++;
            }
            borders[i] = k;
        }
        return borders;
    }
}
