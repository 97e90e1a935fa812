package dev.caravel.audit.event;

import dev.caravel.audit.input.InputProblem;
import dev.caravel.audit.input.InputProblems;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.zip.GZIPInputStream;
import java.util.zip.ZipException;

/**
 * Streams audit logs through parser threads without ever holding a whole log.
 *
 * <p>The calling thread reads (and decompresses) the input into chunks that end at a newline and
 * hands each chunk to a parser thread, which parses its lines into events and feeds them to a
 * fresh partial result of the caller's type. Partial results are merged on the calling thread in
 * input order, so merging needs no lock and problems come out in line order. At most two chunks
 * per thread are in flight, which bounds the memory to a few chunks whatever the log's size.
 *
 * <p>Line numbers: a parser thread does not know how many lines came before its chunk, so it
 * records problems by line within the chunk; the merge adds the lines of the chunks before.
 *
 * <pre>
 *   reader thread:  read ─ chunk 1 ─ chunk 2 ─ chunk 3 ─ ...      merge 1, merge 2, ...
 *   parser threads:          parse 1   parse 2   parse 3            (in order, on the reader)
 * </pre>
 */
public final class AuditLogReader {

    private final ReaderOptions options;

    public AuditLogReader(ReaderOptions options) {
        this.options = options;
    }

    /**
     * Reads the sources one after another.
     *
     * @param newPartial makes an empty partial result for one chunk; called on parser threads
     * @param merge      folds one chunk's partial result into the caller's total; called on this thread, in order
     * @throws IOException if a source cannot be opened or read (a bad line is never an exception)
     */
    public <P extends Consumer<AuditEvent>> ReadStatistics read(List<AuditSource> sources, Supplier<P> newPartial,
                                                                Consumer<P> merge, InputProblems problems)
            throws IOException {
        Totals totals = new Totals();
        ExecutorService pool = options.threads() > 1
                ? Executors.newFixedThreadPool(options.threads(), runnable -> {
                    Thread thread = new Thread(runnable, "audit-parser");
                    thread.setDaemon(true);
                    return thread;
                })
                : null;
        try {
            for (AuditSource source : sources) {
                readSource(source, newPartial, merge, problems, totals, pool);
            }
        } finally {
            if (pool != null) {
                pool.shutdownNow();
            }
        }
        List<String> names = sources.stream().map(AuditSource::name).toList();
        return new ReadStatistics(names, totals.bytes, totals.lines, totals.blankLines, totals.events, totals.byStage);
    }

    private <P extends Consumer<AuditEvent>> void readSource(AuditSource source, Supplier<P> newPartial,
                                                             Consumer<P> merge, InputProblems problems,
                                                             Totals totals, ExecutorService pool) throws IOException {
        ArrayDeque<Future<ChunkResult<P>>> inFlight = new ArrayDeque<>();
        // Chunk buffers come back here once merged and are reused: the reader thread both takes
        // and returns them, so there are never more than the chunks in flight plus one.
        ArrayDeque<byte[]> free = new ArrayDeque<>();
        long[] linesBefore = {0};
        Consumer<ChunkResult<P>> fold = result -> {
            for (LocalProblem p : result.problems) {
                problems.add(new InputProblem(source.name(), linesBefore[0] + p.lineInChunk, p.kind, p.detail));
            }
            linesBefore[0] += result.lines;
            totals.add(result);
            merge.accept(result.partial);
            if (result.chunk.length == options.chunkBytes()) {
                free.push(result.chunk);
            }
        };
        String corruptCompression = null;
        try (InputStream in = source.openDecoded()) {
            boolean compressed = in instanceof GZIPInputStream;
            byte[] carry = new byte[0];
            int carryLength = 0;
            boolean eof = false;
            while (!eof) {
                int size = Math.max(options.chunkBytes(), carryLength * 2);
                byte[] chunk = size == options.chunkBytes() && !free.isEmpty() ? free.pop() : new byte[size];
                System.arraycopy(carry, 0, chunk, 0, carryLength);
                int filled = carryLength;
                while (filled < chunk.length) {
                    int n;
                    try {
                        n = in.read(chunk, filled, chunk.length - filled);
                    } catch (EOFException | ZipException e) {
                        // A gzip file cut short (copied while being written) or damaged: what was
                        // decompressed so far is still a log, so keep it and report the rest.
                        if (!compressed) {
                            throw e;
                        }
                        corruptCompression = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
                        n = -1;
                    }
                    if (n < 0) {
                        eof = true;
                        break;
                    }
                    filled += n;
                }
                totals.bytes += filled - carryLength;
                int end = eof ? filled : lastNewline(chunk, filled) + 1;
                if (end == 0) {
                    // One line longer than the chunk: keep it all and read on with a bigger chunk.
                    carry = chunk;
                    carryLength = filled;
                    continue;
                }
                carryLength = filled - end;
                carry = Arrays.copyOfRange(chunk, end, filled);
                boolean lastUnterminated = eof && end > 0 && chunk[end - 1] != '\n';
                ChunkTask<P> task = new ChunkTask<>(chunk, end, lastUnterminated, newPartial);
                if (pool == null) {
                    fold.accept(task.call());
                } else {
                    inFlight.add(pool.submit(task::call));
                    while (inFlight.size() >= 2 * options.threads()) {
                        fold.accept(await(inFlight.poll()));
                    }
                }
            }
            while (!inFlight.isEmpty()) {
                fold.accept(await(inFlight.poll()));
            }
            if (corruptCompression != null) {
                problems.add(new InputProblem(source.name(), Math.max(1, linesBefore[0]),
                        InputProblem.Kind.CORRUPT_COMPRESSION, "gzip data ends or breaks after this line: " + corruptCompression));
            }
        } finally {
            inFlight.forEach(f -> f.cancel(true));
        }
    }

    private static <T> T await(Future<T> future) throws IOException {
        try {
            return future.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading the audit log", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException io) {
                throw io.getCause();
            }
            if (e.getCause() instanceof RuntimeException runtime) {
                throw runtime;
            }
            throw new IllegalStateException("audit parser thread failed", e.getCause());
        }
    }

    private static int lastNewline(byte[] chunk, int length) {
        for (int i = length - 1; i >= 0; i--) {
            if (chunk[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    private record LocalProblem(long lineInChunk, InputProblem.Kind kind, String detail) {
    }

    private static final class ChunkResult<P> {
        final P partial;
        final byte[] chunk;
        final List<LocalProblem> problems = new ArrayList<>();
        final EnumMap<AuditStage, Long> byStage = new EnumMap<>(AuditStage.class);
        long lines;
        long blankLines;
        long events;

        ChunkResult(P partial, byte[] chunk) {
            this.partial = partial;
            this.chunk = chunk;
        }
    }

    /** Parses one chunk: lines end at '\n', and the last one may be unterminated at the end of input. */
    static final class ChunkTask<P extends Consumer<AuditEvent>> implements AuditLineParser.Listener {
        private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
        private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;
        private static final long ONES = 0x0101010101010101L;
        private static final long HIGH_BITS = 0x8080808080808080L;

        private final byte[] bytes;
        private final int length;
        private final boolean lastUnterminated;
        private final Supplier<P> newPartial;
        private final long[] stageCounts = new long[AuditStage.values().length];
        private ChunkResult<P> result;
        private long line;

        ChunkTask(byte[] bytes, int length, boolean lastUnterminated, Supplier<P> newPartial) {
            this.bytes = bytes;
            this.length = length;
            this.lastUnterminated = lastUnterminated;
            this.newPartial = newPartial;
        }

        ChunkResult<P> call() {
            result = new ChunkResult<>(newPartial.get(), bytes);
            AuditLineParser parser = new AuditLineParser();
            int start = 0;
            while (start < length) {
                int newline = indexOf(bytes, start, length);
                int end = newline < 0 ? length : newline;
                line++;
                int trimmedEnd = end;
                while (trimmedEnd > start && isSpace(bytes[trimmedEnd - 1])) {
                    trimmedEnd--;
                }
                int trimmedStart = start;
                while (trimmedStart < trimmedEnd && isSpace(bytes[trimmedStart])) {
                    trimmedStart++;
                }
                if (trimmedStart == trimmedEnd) {
                    result.blankLines++;
                } else {
                    parser.parse(bytes, trimmedStart, trimmedEnd - trimmedStart, newline < 0 && lastUnterminated, this);
                }
                start = end + 1;
            }
            result.lines = line;
            for (AuditStage stage : AuditStage.values()) {
                if (stageCounts[stage.ordinal()] > 0) {
                    result.byStage.put(stage, stageCounts[stage.ordinal()]);
                }
            }
            return result;
        }

        @Override
        public void event(AuditEvent event) {
            result.events++;
            stageCounts[event.stage().ordinal()]++;
            result.partial.accept(event);
        }

        @Override
        public void problem(InputProblem.Kind kind, String detail) {
            result.problems.add(new LocalProblem(line, kind, detail));
        }

        /**
         * The first '\n' in [from, to), eight bytes at a time: finding line ends was the largest
         * single cost in a profile of the byte-by-byte loop. In {@code (x - 0x01..) & ~x & 0x80..}
         * a byte's high bit is set where x's byte is zero (x = word XOR '\n' in every byte); bytes
         * above the first zero may be flagged falsely by the borrow, but little-endian order makes
         * the lowest flagged byte the first newline, which is the one taken.
         */
        static int indexOf(byte[] bytes, int from, int to) {
            int i = from;
            for (; i + Long.BYTES <= to; i += Long.BYTES) {
                long x = (long) LONGS.get(bytes, i) ^ NEWLINES;
                long found = (x - ONES) & ~x & HIGH_BITS;
                if (found != 0) {
                    return i + (Long.numberOfTrailingZeros(found) >>> 3);
                }
            }
            for (; i < to; i++) {
                if (bytes[i] == '\n') {
                    return i;
                }
            }
            return -1;
        }

        private static boolean isSpace(byte b) {
            return b == ' ' || b == '\t' || b == '\r' || b == '\n';
        }
    }

    private static final class Totals {
        final EnumMap<AuditStage, Long> byStage = new EnumMap<>(AuditStage.class);
        long bytes;
        long lines;
        long blankLines;
        long events;

        void add(ChunkResult<?> result) {
            lines += result.lines;
            blankLines += result.blankLines;
            events += result.events;
            for (Map.Entry<AuditStage, Long> e : result.byStage.entrySet()) {
                byStage.merge(e.getKey(), e.getValue(), Long::sum);
            }
        }
    }
}
