package dev.caravel.audit.input;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/** An immutable copy of {@link InputProblems}: all counted, the first ones listed. */
public record ProblemSummary(long total, Map<InputProblem.Kind, Long> counts, List<InputProblem> listed) {

    public ProblemSummary {
        EnumMap<InputProblem.Kind, Long> copy = new EnumMap<>(InputProblem.Kind.class);
        copy.putAll(counts);
        counts = java.util.Collections.unmodifiableMap(copy);
        listed = List.copyOf(listed);
    }

    public static ProblemSummary of(InputProblems problems) {
        return new ProblemSummary(problems.total(), problems.counts(), problems.listed());
    }
}
