package dev.caravel.benchmarks.aggregation;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.caravel.apiserver.aggregation.Aggregator;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.benchmarks.common.Latencies;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import dev.caravel.tls.CertificateAuthority;
import dev.caravel.tls.IssuedCertificate;
import dev.caravel.tls.TlsContexts;

import javax.net.ssl.SSLContext;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * What the aggregation proxy adds to a request: the same GET of an aggregated resource list
 * (about 3.5 KiB of JSON) sent straight to the TLS backend, and sent to Caravel, which proxies it
 * there; and, for Caravel's own cost per request, a GET of a ConfigMap of the same size that
 * Caravel serves itself. Side by side in one run, the legs' order rotating from round to round so
 * that drift in the shared machine's load falls on all. Each leg: {@code clients} threads issue
 * {@code requests} GETs in all; the result gives throughput and latency percentiles.
 *
 * <pre>
 * ./scripts/benchmark aggregation [--clients 8] [--requests 4000] [--rounds 4]
 * </pre>
 */
public final class AggregationProxyBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PATH = "/apis/bench.example.com/v1/namespaces/default/things";

    private AggregationProxyBenchmark() {
    }

    public static void main(String[] args) throws Exception {
        int clients = 8;
        int requests = 4000;
        int rounds = 4;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--clients" -> clients = Integer.parseInt(args[++i]);
                case "--requests" -> requests = Integer.parseInt(args[++i]);
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        byte[] body = listOf(20);
        CertificateAuthority authority = CertificateAuthority.create("bench-ca", Duration.ofDays(1));
        IssuedCertificate serving = authority.issueServing(List.of("bench.default.svc"), List.of("127.0.0.1"),
                Instant.now().minus(Duration.ofMinutes(1)), Instant.now().plus(Duration.ofDays(1)));
        SSLContext serverContext = SSLContext.getInstance("TLS");
        serverContext.init(TlsContexts.presenting(serving.key(), List.of(serving.certificate())), null, new SecureRandom());
        HttpsServer backend = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 256);
        backend.setHttpsConfigurator(new HttpsConfigurator(serverContext));
        backend.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        backend.createContext("/", exchange -> {
            byte[] answer = exchange.getRequestURI().getPath().equals("/apis/bench.example.com/v1")
                    ? "{\"kind\":\"APIResourceList\",\"apiVersion\":\"v1\",\"groupVersion\":\"bench.example.com/v1\",\"resources\":[{\"name\":\"things\",\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Thing\",\"verbs\":[\"get\",\"list\"]}]}".getBytes(StandardCharsets.UTF_8)
                    : body;
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, answer.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(answer);
            }
        });
        backend.start();
        int backendPort = backend.getAddress().getPort();

        try (KeyValueStore store = MemoryStore.open();
             CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store)
                     .withAggregation(new Aggregator.Config(Duration.ofSeconds(1), Duration.ofSeconds(5))))) {
            server.start();
            HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
            register(plain, server.url(), backendPort, authority.certificatePem());
            HttpClient tls = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                    .sslContext(TlsContexts.client(List.of(authority.certificate()), null, null)).build();
            URI direct = URI.create("https://127.0.0.1:" + backendPort + PATH);
            URI proxied = URI.create(server.url() + PATH);

            String padding = "x".repeat(body.length - 120);
            post(plain, server.url() + "/api/v1/namespaces/default/configmaps",
                    "{\"metadata\":{\"name\":\"bench\"},\"data\":{\"payload\":\"" + padding + "\"}}");
            URI local = URI.create(server.url() + "/api/v1/namespaces/default/configmaps/bench");

            List<String> legs = List.of("direct", "proxied", "local");
            java.util.Map<String, Latencies> all = new java.util.LinkedHashMap<>();
            java.util.Map<String, List<Double>> rates = new java.util.LinkedHashMap<>();
            for (String leg : legs) {
                all.put(leg, new Latencies());
                rates.put(leg, new ArrayList<>());
            }
            run(tls, direct, clients, requests / 4, new Latencies()); // warm-up, not counted
            run(plain, proxied, clients, requests / 4, new Latencies());
            run(plain, local, clients, requests / 4, new Latencies());
            for (int round = 0; round < rounds; round++) {
                for (int i = 0; i < legs.size(); i++) {
                    String leg = legs.get((i + round) % legs.size());
                    Latencies latencies = new Latencies(requests);
                    double rate = switch (leg) {
                        case "direct" -> run(tls, direct, clients, requests, latencies);
                        case "proxied" -> run(plain, proxied, clients, requests, latencies);
                        default -> run(plain, local, clients, requests, latencies);
                    };
                    rates.get(leg).add(rate);
                    all.get(leg).addAll(latencies);
                    System.err.printf("round %d %s: %.0f requests/s%n", round, leg, rate);
                }
            }
            ObjectNode result = JSON.createObjectNode();
            result.put("benchmark", "aggregation-proxy");
            result.put("clients", clients);
            result.put("requestsPerRound", requests);
            result.put("rounds", rounds);
            result.put("bodyBytes", body.length);
            for (String leg : legs) {
                ObjectNode node = result.putObject(leg);
                node.put("medianRequestsPerSecond", Latencies.round(median(rates.get(leg))));
                node.set("latency", all.get(leg).toJson());
            }
            result.put("proxiedOverDirectThroughput", Latencies.round(median(rates.get("proxied")) / median(rates.get("direct"))));
            result.put("proxiedOverLocalThroughput", Latencies.round(median(rates.get("proxied")) / median(rates.get("local"))));
            System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(result));
        } finally {
            backend.stop(0);
        }
    }

    /** Creates the Service, Endpoints and APIService, then waits until the APIService is Available. */
    private static void register(HttpClient http, String base, int backendPort, String caPem) throws Exception {
        post(http, base + "/api/v1/namespaces/default/services",
                "{\"metadata\":{\"name\":\"bench\"},\"spec\":{\"ports\":[{\"name\":\"https\",\"port\":443}]}}");
        post(http, base + "/api/v1/namespaces/default/endpoints", "{\"metadata\":{\"name\":\"bench\"},\"subsets\":[{"
                + "\"addresses\":[{\"ip\":\"127.0.0.1\"}],\"ports\":[{\"name\":\"https\",\"port\":" + backendPort + "}]}]}");
        post(http, base + "/apis/apiregistration.k8s.io/v1/apiservices", "{\"apiVersion\":\"apiregistration.k8s.io/v1\","
                + "\"kind\":\"APIService\",\"metadata\":{\"name\":\"v1.bench.example.com\"},\"spec\":{\"group\":\"bench.example.com\","
                + "\"version\":\"v1\",\"groupPriorityMinimum\":100,\"versionPriority\":100,\"caBundle\":\""
                + Base64.getEncoder().encodeToString(caPem.getBytes(StandardCharsets.US_ASCII))
                + "\",\"service\":{\"namespace\":\"default\",\"name\":\"bench\"}}}");
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            String apiService = http.send(HttpRequest.newBuilder(URI.create(base
                    + "/apis/apiregistration.k8s.io/v1/apiservices/v1.bench.example.com")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            if (apiService.contains("\"reason\":\"Passed\"")) {
                return;
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException("the APIService did not become Available");
    }

    private static void post(HttpClient http, String url, String body) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 201) {
            throw new IllegalStateException(url + ": " + response.statusCode() + " " + response.body());
        }
    }

    /** Sends {@code requests} GETs of {@code uri} from {@code clients} threads; answers requests per second. */
    private static double run(HttpClient http, URI uri, int clients, int requests, Latencies latencies) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        HttpRequest request = HttpRequest.newBuilder(uri).header("Accept", "application/json").build();
        long start = System.nanoTime();
        List<Future<?>> done = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            int share = requests / clients + (c < requests % clients ? 1 : 0);
            done.add(pool.submit(() -> {
                for (int i = 0; i < share; i++) {
                    long t = System.nanoTime();
                    try {
                        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
                        if (response.statusCode() == 200) {
                            latencies.record(System.nanoTime() - t);
                        } else {
                            latencies.fail();
                        }
                    } catch (Exception e) {
                        latencies.fail();
                    }
                }
                return null;
            }));
        }
        for (Future<?> f : done) {
            f.get();
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        return requests / seconds;
    }

    private static double median(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }

    /** A PodMetrics-like list of {@code items} items (about 200 bytes each). */
    private static byte[] listOf(int items) {
        StringBuilder json = new StringBuilder("{\"kind\":\"ThingList\",\"apiVersion\":\"bench.example.com/v1\",\"metadata\":{},\"items\":[");
        for (int i = 0; i < items; i++) {
            if (i > 0) {
                json.append(',');
            }
            json.append("{\"metadata\":{\"name\":\"thing-").append(i).append("\",\"namespace\":\"default\"},")
                    .append("\"timestamp\":\"2026-11-25T18:00:00Z\",\"window\":\"10s\",\"containers\":[{\"name\":\"main\",")
                    .append("\"usage\":{\"cpu\":\"").append(i).append("m\",\"memory\":\"").append(20 + i).append("Mi\"}}]}");
        }
        return json.append("]}\n").toString().getBytes(StandardCharsets.UTF_8);
    }
}
