package dev.caravel.benchmarks.liststorm;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
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
