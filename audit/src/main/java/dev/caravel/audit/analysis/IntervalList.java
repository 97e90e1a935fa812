package dev.caravel.audit.analysis;

import java.util.Arrays;
import java.util.Objects;

/**
 * Request intervals [start, end) in microseconds, as two growable primitive arrays: 16 bytes a
 * request, where a list of records would cost about 40, and the peak sweep needs them sorted
 * apart anyway. Not thread-safe; one owner at a time.
 */
public final class IntervalList {

    private long[] starts;
    private long[] ends;
    private int size;

    public IntervalList() {
        this(16);
    }

    public IntervalList(int capacity) {
        starts = new long[Math.max(capacity, 1)];
        ends = new long[Math.max(capacity, 1)];
    }

    public void add(long start, long end) {
        if (end < start) {
            throw new IllegalArgumentException("interval ends before it starts: [" + start + ", " + end + ")");
        }
        ensureCapacity(size + 1);
        starts[size] = start;
        ends[size] = end;
        size++;
    }

    public void addAll(IntervalList other) {
        ensureCapacity(size + other.size);
        System.arraycopy(other.starts, 0, starts, size, other.size);
        System.arraycopy(other.ends, 0, ends, size, other.size);
        size += other.size;
    }

    public int size() {
        return size;
    }

    public long start(int i) {
        return starts[Objects.checkIndex(i, size)];
    }

    public long end(int i) {
        return ends[Objects.checkIndex(i, size)];
    }

    /** Copies of the starts and of the ends, each sorted on its own, skipping zero-length intervals. */
    long[][] sortedEndpoints() {
        int nonEmpty = 0;
        for (int i = 0; i < size; i++) {
            if (ends[i] > starts[i]) {
                nonEmpty++;
            }
        }
        long[] s = new long[nonEmpty];
        long[] e = new long[nonEmpty];
        int j = 0;
        for (int i = 0; i < size; i++) {
            if (ends[i] > starts[i]) {
                s[j] = starts[i];
                e[j] = ends[i];
                j++;
            }
        }
        Arrays.parallelSort(s);
        Arrays.parallelSort(e);
        return new long[][] {s, e};
    }

    private void ensureCapacity(int needed) {
        if (needed > starts.length) {
            int capacity = Math.max(needed, starts.length + (starts.length >> 1));
            starts = Arrays.copyOf(starts, capacity);
            ends = Arrays.copyOf(ends, capacity);
        }
    }
}
