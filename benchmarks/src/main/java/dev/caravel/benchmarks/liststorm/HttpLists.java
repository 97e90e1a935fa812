package dev.caravel.benchmarks.liststorm;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;

/**
 * The benchmark's HTTP client: GETs against the API server whose bodies are read to the end and
 * counted, not kept (a list of 150,000 pods is about a gigabyte). HTTP/1.1, as kubectl and most
 * controllers speak to an API server without TLS.
 */
final class HttpLists implements AutoCloseable {

    static final String JSON = "application/json";
    /** What kubectl get asks for: a server-side Table, falling back to JSON. */
    static final String TABLE = "application/json;as=Table;v=v1;g=meta.k8s.io,application/json;as=Table;v=v1beta1;g=meta.k8s.io,application/json";

    /** One answered request: its status, body size and latency (send to last byte). */
    record Answer(int status, long bytes, long nanos) {
        boolean ok() {
            return status == 200;
        }
    }

    private final String base;
    private final HttpClient client;

    HttpLists(String base) {
        this.base = base;
        this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(10))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
    }

    String base() {
        return base;
    }

    HttpRequest request(String pathAndQuery, String accept, Duration timeout) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(timeout)
                .header("Accept", accept).header("User-Agent", "caravel-list-storm").GET().build();
    }

    /** Sends and drains; the latency is from before sending to the last byte read. */
    Answer get(String pathAndQuery, String accept, Duration timeout) throws IOException, InterruptedException {
        long start = System.nanoTime();
        HttpResponse<InputStream> response = client.send(request(pathAndQuery, accept, timeout),
                HttpResponse.BodyHandlers.ofInputStream());
        long bytes = drain(response.body());
        return new Answer(response.statusCode(), bytes, System.nanoTime() - start);
    }

    /**
     * The same on a raw socket, the cheapest way to read an answer: one HTTP/1.1 request on a fresh
     * connection, a 4 MiB receive buffer, the body read in 1 MiB reads and counted, not decoded or
     * copied. It measures the server (and the loopback), where {@link #get}'s HttpClient adds its
     * own buffering and copies on the same cores. The bytes counted are the body as sent, chunk
     * framing included (a few bytes per 8 KiB or more). The answer must be 200 with a chunked or
     * sized body; the connection is closed once the body's end is read.
     */
    Answer getRaw(String pathAndQuery, String accept, Duration timeout) throws IOException {
        URI uri = URI.create(base);
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4 << 20);
            socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 10_000);
            socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
            byte[] request = ("GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + uri.getHost() + ":" + uri.getPort()
                    + "\r\nAccept: " + accept + "\r\nUser-Agent: caravel-list-storm\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII);
            long start = System.nanoTime();
            OutputStream out = socket.getOutputStream();
            out.write(request);
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[1 << 20];
            int filled = 0;
            int headerEnd = -1;
            while (headerEnd < 0) {
                int n = in.read(buffer, filled, buffer.length - filled);
                if (n < 0) {
                    throw new IOException("GET " + pathAndQuery + ": the connection closed inside the headers");
                }
                filled += n;
                headerEnd = indexOf(buffer, filled, HEADERS_END);
                if (headerEnd < 0 && filled == buffer.length) {
                    throw new IOException("GET " + pathAndQuery + ": headers over " + buffer.length + " bytes");
                }
            }
            String headers = new String(buffer, 0, headerEnd, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
            int status = Integer.parseInt(headers.substring(9, 12));
            boolean chunked = headers.contains("\r\ntransfer-encoding: chunked");
            long length = contentLength(headers);
            long bytes = filled - headerEnd - HEADERS_END.length;
            // The body's last bytes, to see a chunked body's end without waiting for the server to close.
            byte[] tail = new byte[CHUNKED_END.length];
            keepTail(tail, buffer, headerEnd + HEADERS_END.length, filled);
            while (chunked ? !Arrays.equals(tail, CHUNKED_END) : length < 0 || bytes < length) {
                int n = in.read(buffer);
                if (n < 0) {
                    if (chunked || length >= 0) {
                        throw new IOException("GET " + pathAndQuery + ": the body ended early, after " + bytes + " bytes");
                    }
                    break;
                }
                bytes += n;
                keepTail(tail, buffer, 0, n);
            }
            return new Answer(status, bytes, System.nanoTime() - start);
        }
    }

    private static final byte[] HEADERS_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] CHUNKED_END = "\r\n0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private static int indexOf(byte[] buffer, int limit, byte[] wanted) {
        for (int i = 0; i + wanted.length <= limit; i++) {
            if (Arrays.equals(buffer, i, i + wanted.length, wanted, 0, wanted.length)) {
                return i;
            }
        }
        return -1;
    }

    private static long contentLength(String headers) {
        int at = headers.indexOf("\r\ncontent-length:");
        if (at < 0) {
            return -1;
        }
        int from = at + "\r\ncontent-length:".length();
        int end = headers.indexOf("\r\n", from);
        return Long.parseLong(headers.substring(from, end < 0 ? headers.length() : end).trim());
    }

    /** Shifts {@code buffer[from, to)} into {@code tail}, which keeps the last bytes seen. */
    private static void keepTail(byte[] tail, byte[] buffer, int from, int to) {
        int n = to - from;
        if (n >= tail.length) {
            System.arraycopy(buffer, to - tail.length, tail, 0, tail.length);
        } else if (n > 0) {
            System.arraycopy(tail, n, tail, 0, tail.length - n);
            System.arraycopy(buffer, from, tail, tail.length - n, n);
        }
    }

    /** The same, asynchronously; the body is discarded as it arrives (its size is not counted). */
    CompletableFuture<Answer> getAsync(String pathAndQuery, String accept, Duration timeout) {
        long start = System.nanoTime();
        return client.sendAsync(request(pathAndQuery, accept, timeout), HttpResponse.BodyHandlers.discarding())
                .thenApply(r -> new Answer(r.statusCode(), -1, System.nanoTime() - start));
    }

    /** The body of a small GET as a string. */
    String getString(String pathAndQuery) throws IOException, InterruptedException {
        return getString(pathAndQuery, Duration.ofSeconds(60));
    }

    /** The body of a small GET as a string; an IOException when it is not 200 or times out. */
    String getString(String pathAndQuery, Duration timeout) throws IOException, InterruptedException {
        HttpResponse<String> response = client.send(request(pathAndQuery, JSON, timeout),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException("GET " + pathAndQuery + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    /** Sends a request with a body; fails unless the answer is 2xx. */
    String send(String method, String pathAndQuery, String contentType, String body) throws IOException, InterruptedException {
        HttpRequest request = HttpRequest.newBuilder(URI.create(base + pathAndQuery)).timeout(Duration.ofSeconds(60))
                .header("Content-Type", contentType).header("Accept", JSON)
                .method(method, HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() / 100 != 2) {
            throw new IOException(method + " " + pathAndQuery + ": " + response.statusCode() + " " + response.body());
        }
        return response.body();
    }

    HttpClient client() {
        return client;
    }

    private static long drain(InputStream body) throws IOException {
        long total = 0;
        byte[] buffer = new byte[64 * 1024];
        try (body) {
            int n;
            while ((n = body.read(buffer)) >= 0) {
                total += n;
            }
        }
        return total;
    }

    @Override
    public void close() {
        client.close();
    }
}
