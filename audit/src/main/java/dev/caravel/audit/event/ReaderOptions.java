package dev.caravel.audit.event;

/**
 * How the reader splits work.
 *
 * @param threads    parser threads; 1 parses on the calling thread
 * @param chunkBytes bytes per chunk handed to a parser thread (a line longer than this still
 *                   goes whole into one chunk: lines are never split)
 */
public record ReaderOptions(int threads, int chunkBytes) {

    /** 1 MiB chunks: large enough that handing one to a thread costs nothing next to parsing it,
     *  small enough that the chunks in flight (two per thread) stay a few MiB of heap. */
    public static final int DEFAULT_CHUNK_BYTES = 1 << 20;

    public ReaderOptions {
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
        }
        if (chunkBytes < 1024) {
            throw new IllegalArgumentException("chunkBytes must be >= 1024, got " + chunkBytes);
        }
    }

    public static ReaderOptions defaults() {
        return new ReaderOptions(Runtime.getRuntime().availableProcessors(), DEFAULT_CHUNK_BYTES);
    }

    public static ReaderOptions singleThreaded() {
        return new ReaderOptions(1, DEFAULT_CHUNK_BYTES);
    }
}
