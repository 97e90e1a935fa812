package dev.caravel.audit.event;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * What the reader went through: every line is either blank, an event (or an EventList of
 * them), or a problem in {@link dev.caravel.audit.input.InputProblems}.
 *
 * @param bytes  bytes after decompression
 * @param events events parsed, of every stage
 */
public record ReadStatistics(List<String> sources, long bytes, long lines, long blankLines, long events,
                             Map<AuditStage, Long> eventsByStage) {

    public ReadStatistics {
        sources = List.copyOf(sources);
        EnumMap<AuditStage, Long> copy = new EnumMap<>(AuditStage.class);
        copy.putAll(eventsByStage);
        eventsByStage = java.util.Collections.unmodifiableMap(copy);
    }
}
