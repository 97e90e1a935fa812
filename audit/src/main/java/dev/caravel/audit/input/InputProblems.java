package dev.caravel.audit.input;

import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * Every problem counted, the first few kept with their line numbers: a log with a million bad
 * lines must not need a million records to report them, and one with three must show all three.
 * Not thread-safe: the reader adds problems from one thread, in input order.
 */
public final class InputProblems {

    public static final int DEFAULT_LISTED = 20;

    private final int listedLimit;
    private final List<InputProblem> listed = new ArrayList<>();
    private final EnumMap<InputProblem.Kind, Long> counts = new EnumMap<>(InputProblem.Kind.class);
    private long total;

    public InputProblems(int listedLimit) {
        if (listedLimit < 0) {
            throw new IllegalArgumentException("listedLimit must be >= 0, got " + listedLimit);
        }
        this.listedLimit = listedLimit;
    }

    public void add(InputProblem problem) {
        total++;
        counts.merge(problem.kind(), 1L, Long::sum);
        if (listed.size() < listedLimit) {
            listed.add(problem);
        }
    }

    public long total() {
        return total;
    }

    public long count(InputProblem.Kind kind) {
        return counts.getOrDefault(kind, 0L);
    }

    /** Counts of the kinds that occurred, in the enum's order. */
    public Map<InputProblem.Kind, Long> counts() {
        return Collections.unmodifiableMap(new EnumMap<>(counts));
    }

    /** The first problems in input order, at most the limit given at construction. */
    public List<InputProblem> listed() {
        return List.copyOf(listed);
    }
}
