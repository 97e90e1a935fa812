package dev.caravel.audit.writer;

import dev.caravel.audit.policy.AuditLevel;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/** {@link AuditMetrics} kept in memory: what the server's Prometheus bridge reads, and what tests assert on. */
public final class AuditCounters implements AuditMetrics {

    private final LongAdder generated = new LongAdder();
    private final LongAdder rejected = new LongAdder();
    private final Map<AuditLevel, LongAdder> levels = new EnumMap<>(AuditLevel.class);
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> written = new ConcurrentHashMap<>();

    public AuditCounters() {
        for (AuditLevel level : AuditLevel.values()) {
            levels.put(level, new LongAdder());
        }
    }

    @Override
    public void eventGenerated() {
        generated.increment();
    }

    @Override
    public void levelDecided(AuditLevel level) {
        levels.get(level).increment();
    }

    @Override
    public void errors(String plugin, int events) {
        errors.computeIfAbsent(plugin, p -> new LongAdder()).add(events);
    }

    @Override
    public void requestRejected() {
        rejected.increment();
    }

    @Override
    public void written(String plugin, int events) {
        written.computeIfAbsent(plugin, p -> new LongAdder()).add(events);
    }

    public long eventsGenerated() {
        return generated.sum();
    }

    public long level(AuditLevel level) {
        return levels.get(level).sum();
    }

    public long errors(String plugin) {
        LongAdder count = errors.get(plugin);
        return count == null ? 0 : count.sum();
    }

    public long written(String plugin) {
        LongAdder count = written.get(plugin);
        return count == null ? 0 : count.sum();
    }

    public long requestsRejected() {
        return rejected.sum();
    }
}
