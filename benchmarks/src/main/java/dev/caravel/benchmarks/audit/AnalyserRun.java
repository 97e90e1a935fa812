package dev.caravel.benchmarks.audit;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.caravel.audit.analysis.AnalysisOptions;
import dev.caravel.audit.analysis.AnalysisReport;
import dev.caravel.audit.analysis.GroupSummary;
import dev.caravel.audit.analysis.QueryTimeAnalyser;
import dev.caravel.audit.event.AuditSource;
import dev.caravel.audit.event.ReaderOptions;
import java.io.OutputStreamWriter;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The analyser side of {@link AuditAnalyserBenchmark}, run in a child JVM so that its heap limit
 * (-Xmx512m, the target) and its peak heap are its own. Prints one JSON object: timing,
 * counts, peak heap, and every user's summed query time in microseconds for the agreement check
 * with jq.
 */
public final class AnalyserRun {

    private AnalyserRun() {
    }

    public static void main(String[] args) throws Exception {
        Path log = Path.of(args[0]);
        long start = System.nanoTime();
        AnalysisReport report = new QueryTimeAnalyser(AnalysisOptions.byUser(), ReaderOptions.defaults(), 20)
                .analyse(List.of(AuditSource.file(log)));
        double seconds = (System.nanoTime() - start) / 1e9;

        // The sum of each heap pool's own peak: an upper bound of the heap ever in use at once.
        long peakHeap = 0;
        for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
            if (pool.getType() == MemoryType.HEAP && pool.getPeakUsage() != null) {
                peakHeap += pool.getPeakUsage().getUsed();
            }
        }
        try (JsonGenerator json = new JsonFactory().createGenerator(new OutputStreamWriter(System.out, StandardCharsets.UTF_8))) {
            json.writeStartObject();
            json.writeNumberField("analysisSeconds", seconds);
            json.writeNumberField("bytes", report.input().bytes());
            json.writeNumberField("events", report.input().events());
            json.writeNumberField("requests", report.totals().requests());
            json.writeNumberField("problems", report.problems().total());
            json.writeNumberField("peakHeapBytes", peakHeap);
            json.writeNumberField("maxHeapBytes", Runtime.getRuntime().maxMemory());
            json.writeNumberField("threads", Runtime.getRuntime().availableProcessors());
            json.writeNumberField("processCpuSeconds", processCpuSeconds());
            json.writeObjectFieldStart("queryMicrosByUser");
            for (GroupSummary g : report.groups()) {
                json.writeNumberField(g.key(), Math.round(g.querySeconds() * 1e6));
            }
            json.writeEndObject();
            json.writeEndObject();
        }
        System.out.println();
    }

    /** CPU time of the whole JVM (parser threads, JIT, GC): on a shared machine a fairer measure than wall time. */
    private static double processCpuSeconds() {
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            return os.getProcessCpuTime() / 1e9;
        }
        return -1;
    }
}
