package dev.caravel.benchmarks.watchcache;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The full list of every pod through HTTP: an in-process Caravel on the memory store, seeded with
 * the watch-cache benchmark's pods, and a client on a raw socket that sends
 * {@code GET /api/v1/pods} (plain JSON, HTTP/1.1) and reads the chunked answer to its last byte,
 * discarding it. What it measures is the way from the cached bytes to the socket, which the
 * in-process watch-cache benchmark leaves out.
 *
 * <p>Arguments: {@code [--pods N] [--lists N]}. Prints JSON: per list the time to last byte and
 * the rate, and their best and median.
 */
public final class HttpListBenchmark {

    private static final byte[] END_OF_CHUNKED_BODY = "0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    public static void main(String[] args) throws Exception {
        int pods = 30_000;
        int lists = 5;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--pods" -> pods = Integer.parseInt(args[++i]);
                case "--lists" -> lists = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("pods", pods);
        try (KeyValueStore store = MemoryStore.open()) {
            report.put("podJsonBytes", WatchCacheBenchmark.fill(store, pods));
            try (CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store))) {
                server.start();
                URI url = URI.create(server.url());
                // The first list fills the watch cache and warms the JIT; it is not counted.
                long warmBytes = readList(url)[1];
                report.put("responseBytes", warmBytes);
                List<Double> seconds = new ArrayList<>();
                for (int i = 0; i < lists; i++) {
                    long[] timeAndBytes = readList(url);
                    seconds.add(timeAndBytes[0] / 1e9);
                    System.err.printf("http-list benchmark: list %d: %.3f s, %d bytes%n", i + 1, timeAndBytes[0] / 1e9, timeAndBytes[1]);
                }
                List<Double> sorted = seconds.stream().sorted().toList();
                double best = sorted.get(0);
                double median = sorted.get(sorted.size() / 2);
                report.put("secondsToLastByte", seconds);
                report.put("bestSeconds", best);
                report.put("medianSeconds", median);
                report.put("bestMBPerSecond", Math.round(warmBytes / 1e6 / best));
                report.put("medianMBPerSecond", Math.round(warmBytes / 1e6 / median));
            }
        }
        System.out.println(new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(report));
        System.exit(0);
    }

    /** One list on a fresh connection: nanoseconds from sending the request to the body's last byte, and the bytes read. */
    private static long[] readList(URI url) throws Exception {
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setReceiveBufferSize(4 << 20);
            OutputStream out = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            byte[] request = ("GET /api/v1/pods HTTP/1.1\r\nHost: " + url.getHost() + ":" + url.getPort()
                    + "\r\nAccept: application/json\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
            long started = System.nanoTime();
            out.write(request);
            out.flush();
            byte[] buffer = new byte[1 << 20];
            byte[] tail = new byte[END_OF_CHUNKED_BODY.length];
            long total = 0;
            int n;
            while ((n = in.read(buffer)) >= 0) {
                total += n;
                // Keep the stream's last bytes, to see the chunked body's end without waiting for the close.
                if (n >= tail.length) {
                    System.arraycopy(buffer, n - tail.length, tail, 0, tail.length);
                } else {
                    System.arraycopy(tail, n, tail, 0, tail.length - n);
                    System.arraycopy(buffer, 0, tail, tail.length - n, n);
                }
                if (java.util.Arrays.equals(tail, END_OF_CHUNKED_BODY)) {
                    break;
                }
            }
            long elapsed = System.nanoTime() - started;
            if (!java.util.Arrays.equals(tail, END_OF_CHUNKED_BODY)) {
                throw new IllegalStateException("the list ended without the chunked body's end after " + total + " bytes");
            }
            return new long[] {elapsed, total};
        }
    }
}
