package dev.caravel.metricsserver;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32;

/**
 * The usage this metrics server reports, <em>simulated</em>: Caravel runs no containers yet, so
 * there is nothing to measure. Each figure is a pure function of the object and the instant, so two
 * replicas, a test and a retry all see the same number, and it moves smoothly over minutes as a
 * real workload's does, so {@code kubectl top} looks alive without looking random.
 *
 * <ul>
 *   <li>A container uses a share of what it asked for: CPU between about 5% and 70% of its request
 *       (its limit, else 10m, when it has no request), memory between 40% and 70% of its request (its
 *       limit, else 32Mi); never more than its limit. The share follows two slow sine waves (periods
 *       of 10 and about 2.7 minutes for CPU, 30 minutes for memory) whose phases come from a hash of
 *       the pod's uid and the container's name, so containers do not move in step.</li>
 *   <li>A node uses the sum over its pods plus the system's overhead (50m and up to 2% of its CPU,
 *       256Mi and 4-5% of its memory), bounded by its capacity.</li>
 *   <li>Memory is a whole number of 4 KiB pages, as the kernel counts it, so it prints in Ki as the
 *       real metrics-server's does.</li>
 * </ul>
 */
public final class SimulatedUsage {

    /** What one container uses. */
    public record ContainerUsage(String name, long cpuNanocores, long memoryBytes) {
    }

    /** What one node uses. */
    public record NodeUsage(long cpuNanocores, long memoryBytes) {
    }

    private static final long MILLICORE = 1_000_000L;
    private static final long MEBIBYTE = 1L << 20;
    private static final long PAGE = 4096;
    private static final long DEFAULT_CPU_REQUEST = 10 * MILLICORE;
    private static final long DEFAULT_MEMORY_REQUEST = 32 * MEBIBYTE;
    private static final long NODE_CPU_OVERHEAD = 50 * MILLICORE;
    private static final long NODE_MEMORY_OVERHEAD = 256 * MEBIBYTE;
    private static final double CPU_PERIOD_SECONDS = 600;
    private static final double CPU_RIPPLE_SECONDS = 163;
    private static final double MEMORY_PERIOD_SECONDS = 1800;

    /**
     * The containers a pod runs and their usage at {@code at}: its containers and the init
     * containers that keep running beside them (sidecars, {@code restartPolicy: Always}).
     */
    public List<ContainerUsage> pod(JsonNode pod, Instant at) {
        String identity = identity(pod);
        List<ContainerUsage> usage = new ArrayList<>();
        for (JsonNode container : pod.path("spec").path("initContainers")) {
            if ("Always".equals(container.path("restartPolicy").asText())) {
                usage.add(container(identity, container, at));
            }
        }
        for (JsonNode container : pod.path("spec").path("containers")) {
            usage.add(container(identity, container, at));
        }
        return usage;
    }

    /** A node's usage at {@code at}, given the pods it runs. */
    public NodeUsage node(JsonNode node, Iterable<JsonNode> podsOnNode, Instant at) {
        long cpu = 0;
        long memory = 0;
        for (JsonNode pod : podsOnNode) {
            for (ContainerUsage c : pod(pod, at)) {
                cpu += c.cpuNanocores();
                memory += c.memoryBytes();
            }
        }
        JsonNode capacity = node.path("status").path("capacity");
        long cpuCapacity = quantity(capacity.path("cpu"), true);
        long memoryCapacity = quantity(capacity.path("memory"), false);
        double phase = phase(identity(node));
        double load = 0.5 + 0.5 * wave(at, CPU_PERIOD_SECONDS, phase);
        cpu += NODE_CPU_OVERHEAD + (long) (cpuCapacity * 0.02 * load);
        // Page cache and daemons drift a little, so two idle nodes of one size do not read the same.
        memory += NODE_MEMORY_OVERHEAD + (long) (memoryCapacity * 0.05 * (0.9 + 0.1 * wave(at, MEMORY_PERIOD_SECONDS, phase)));
        if (cpuCapacity > 0) {
            cpu = Math.min(cpu, cpuCapacity);
        }
        if (memoryCapacity > 0) {
            memory = Math.min(memory, memoryCapacity);
        }
        return new NodeUsage(cpu, pages(memory));
    }

    private static ContainerUsage container(String podIdentity, JsonNode container, Instant at) {
        String name = container.path("name").asText();
        JsonNode resources = container.path("resources");
        long cpuLimit = quantity(resources.path("limits").path("cpu"), true);
        long memoryLimit = quantity(resources.path("limits").path("memory"), false);
        long cpuBase = firstPositive(quantity(resources.path("requests").path("cpu"), true), cpuLimit, DEFAULT_CPU_REQUEST);
        long memoryBase = firstPositive(quantity(resources.path("requests").path("memory"), false), memoryLimit,
                DEFAULT_MEMORY_REQUEST);
        double phase = phase(podIdentity + "/" + name);
        // 0.05..0.70 of the request: a slow swell and a faster ripple.
        double cpuShare = 0.375 + 0.25 * wave(at, CPU_PERIOD_SECONDS, phase) + 0.075 * wave(at, CPU_RIPPLE_SECONDS, 2 * phase);
        double memoryShare = 0.55 + 0.15 * wave(at, MEMORY_PERIOD_SECONDS, phase);
        long cpu = Math.max(1, (long) (cpuBase * cpuShare));
        long memory = pages((long) (memoryBase * memoryShare));
        if (cpuLimit > 0) {
            cpu = Math.min(cpu, cpuLimit);
        }
        if (memoryLimit > 0) {
            memory = Math.min(memory, pages(memoryLimit));
        }
        return new ContainerUsage(name, cpu, Math.max(PAGE, memory));
    }

    /** sin over a period, in [-1, 1]. */
    private static double wave(Instant at, double periodSeconds, double phase) {
        double seconds = at.getEpochSecond() + at.getNano() / 1e9;
        return Math.sin(2 * Math.PI * (seconds / periodSeconds) + phase);
    }

    /** A stable phase in [0, 2π) for a name: CRC32, the same on every JVM and run. */
    private static double phase(String identity) {
        CRC32 crc = new CRC32();
        crc.update(identity.getBytes(StandardCharsets.UTF_8));
        return 2 * Math.PI * (crc.getValue() / (double) (1L << 32));
    }

    /** The uid: a re-created object of the same name gets a curve of its own, as a new container would. */
    private static String identity(JsonNode object) {
        JsonNode metadata = object.path("metadata");
        String uid = metadata.path("uid").asText("");
        return uid.isEmpty() ? metadata.path("namespace").asText("") + "/" + metadata.path("name").asText() : uid;
    }

    /** CPU in nanocores or memory in bytes; 0 when absent or not a quantity (the server validated it). */
    private static long quantity(JsonNode value, boolean cpu) {
        if (!value.isTextual() && !value.isNumber()) {
            return 0;
        }
        try {
            Quantity q = Quantity.parse(value.asText());
            return cpu ? q.nanos() : q.whole();
        } catch (IllegalArgumentException | ArithmeticException e) {
            return 0;
        }
    }

    private static long firstPositive(long... values) {
        for (long v : values) {
            if (v > 0) {
                return v;
            }
        }
        return 0;
    }

    private static long pages(long bytes) {
        return bytes / PAGE * PAGE;
    }
}
