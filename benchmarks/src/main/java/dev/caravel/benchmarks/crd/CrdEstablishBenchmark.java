package dev.caravel.benchmarks.crd;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.benchmarks.common.Latencies;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Instant;

/**
 * How soon a CustomResourceDefinition is usable: from the response to its create, the time until
 * its Established condition is True, until its group-version is in discovery, and until a custom
 * resource can be created, through HTTP against an in-process server on the memory store. Each
 * round creates a CRD of its own group, after {@code --warmup} rounds that are not counted.
 *
 * <pre>./scripts/benchmark crd [--rounds N] [--warmup N]</pre>
 *
 * Prints one JSON object: the three latencies' percentiles.
 */
public final class CrdEstablishBenchmark {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    public static void main(String[] args) throws Exception {
        int rounds = 50;
        int warmup = 10;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--rounds" -> rounds = Integer.parseInt(args[++i]);
                case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                default -> throw new IllegalArgumentException("unknown argument " + args[i]);
            }
        }
        Latencies established = new Latencies(rounds);
        Latencies discovered = new Latencies(rounds);
        Latencies firstCreate = new Latencies(rounds);
        try (KeyValueStore store = MemoryStore.open()) {
            CaravelServer server = new CaravelServer(CaravelServer.Config.loopback(0, store));
            server.start();
            try {
                for (int i = 0; i < warmup + rounds; i++) {
                    boolean counted = i >= warmup;
                    round(server.url(), "g" + i + ".bench.example.com", counted ? established : new Latencies(),
                            counted ? discovered : new Latencies(), counted ? firstCreate : new Latencies());
                    System.err.printf("crd: round %d/%d%n", i + 1, warmup + rounds);
                }
            } finally {
                server.close();
            }
        }
        ObjectNode out = JSON.createObjectNode();
        out.put("benchmark", "crd-establish");
        out.put("date", Instant.now().toString());
        out.put("rounds", rounds);
        out.put("warmup", warmup);
        out.set("created_to_established", established.toJson());
        out.set("created_to_discovery", discovered.toJson());
        out.set("created_to_first_custom_resource", firstCreate.toJson());
        System.out.println(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(out));
    }

    private static void round(String url, String group, Latencies established, Latencies discovered, Latencies firstCreate)
            throws Exception {
        String crd = """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"things.%s"},
                 "spec":{"group":"%s","scope":"Cluster","names":{"plural":"things","kind":"Thing"},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "schema":{"openAPIV3Schema":{"type":"object","properties":{"spec":{"type":"object",
                       "properties":{"size":{"type":"integer"}}}}}}}]}}
                """.formatted(group, group);
        HttpResponse<String> created = send(url, "POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", crd);
        if (created.statusCode() != 201) {
            throw new IllegalStateException("CRD create answered " + created.statusCode() + ": " + created.body());
        }
        long start = System.nanoTime();
        boolean isEstablished = false;
        boolean inDiscovery = false;
        boolean createdOne = false;
        long deadline = start + 10_000_000_000L;
        while (!(isEstablished && inDiscovery && createdOne)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(group + " not usable within 10 s");
            }
            if (!isEstablished && established(send(url, "GET",
                    "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/things." + group, null).body())) {
                established.record(System.nanoTime() - start);
                isEstablished = true;
            }
            if (!inDiscovery && send(url, "GET", "/apis/" + group + "/v1", null).statusCode() == 200) {
                discovered.record(System.nanoTime() - start);
                inDiscovery = true;
            }
            if (!createdOne && send(url, "POST", "/apis/" + group + "/v1/things", """
                    {"apiVersion":"%s/v1","kind":"Thing","metadata":{"name":"one"},"spec":{"size":1}}
                    """.formatted(group)).statusCode() == 201) {
                firstCreate.record(System.nanoTime() - start);
                createdOne = true;
            }
        }
    }

    private static boolean established(String crdJson) throws Exception {
        for (JsonNode c : JSON.readTree(crdJson).path("status").path("conditions")) {
            if (c.path("type").asText().equals("Established") && c.path("status").asText().equals("True")) {
                return true;
            }
        }
        return false;
    }

    private static HttpResponse<String> send(String url, String method, String path, String body) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).header("Accept", "application/json");
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
