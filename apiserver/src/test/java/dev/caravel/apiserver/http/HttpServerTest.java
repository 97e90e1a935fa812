package dev.caravel.apiserver.http;

import dev.caravel.apiserver.discovery.DiscoveryDocuments;
import dev.caravel.apiserver.openapi.OpenApiDocuments;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;

import static org.assertj.core.api.Assertions.assertThat;

class HttpServerTest {

    private static HttpServer server;
    private static String base;
    private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    @BeforeAll
    static void start() throws Exception {
        ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
        NonResourceEndpoints endpoints = new NonResourceEndpoints(new DiscoveryDocuments(catalogue, "127.0.0.1"),
                new OpenApiDocuments(catalogue, SchemaCatalogue.kubernetes(), ServerVersion.GIT_VERSION));
        Stage resources = (request, next) -> {
            if (request.path().endsWith("/boom")) {
                throw new IllegalStateException("boom");
            }
            if (request.path().endsWith("/streamed")) {
                return ApiResponse.stream(ApiResponse.JSON, out -> {
                    for (int chunk = 0; chunk < STREAMED_CHUNKS; chunk++) {
                        if (!out.send(streamedChunkParts(chunk))) {
                            return;
                        }
                    }
                });
            }
            return ApiResponse.json(200, request.body());
        };
        server = new HttpServer(RequestPipeline.of(new Router(endpoints, resources)));
        InetSocketAddress address = server.start("127.0.0.1", 0);
        base = "http://127.0.0.1:" + address.getPort();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static HttpResponse<String> get(HttpClient client, String path, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (headers.length > 0) {
            b.headers(headers);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void healthEndpointsAnswerOkOverHttp1AndHttp2() throws Exception {
        for (String path : new String[] {"/healthz", "/livez", "/readyz"}) {
            assertThat(get(HTTP1, path).body()).isEqualTo("ok");
            HttpResponse<String> h2 = get(HTTP2, path);
            assertThat(h2.body()).isEqualTo("ok");
            assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        }
    }

    @Test
    void versionReportsKubernetes132() throws Exception {
        HttpResponse<String> response = get(HTTP1, "/version");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"major\" : \"1\"").contains("\"gitVersion\" : \"v1.32.0-caravel\"");
    }

    @Test
    void unknownPathIsA404Status() throws Exception {
        HttpResponse<String> response = get(HTTP1, "/nothing/here");
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(response.body()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},\"status\":\"Failure\","
                + "\"message\":\"the server could not find the requested resource\",\"reason\":\"NotFound\",\"details\":{},\"code\":404}\n");
    }

    @Test
    void discoveryIsServedWithAnEtagAndAnswers304WhenUnchanged() throws Exception {
        HttpResponse<String> first = get(HTTP2, "/apis", "Accept", "application/json");
        assertThat(first.statusCode()).isEqualTo(200);
        assertThat(first.body()).contains("\"APIGroupList\"");
        String etag = first.headers().firstValue("etag").orElseThrow();
        HttpResponse<String> again = get(HTTP2, "/apis", "Accept", "application/json", "If-None-Match", etag);
        assertThat(again.statusCode()).isEqualTo(304);
    }

    @Test
    void openApiV3IndexIsServed() throws Exception {
        HttpResponse<String> response = get(HTTP1, "/openapi/v3");
        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("apis/apps/v1");
    }

    @Test
    void bodyOver3MiBIsA413Status() throws Exception {
        byte[] big = new byte[HttpServer.MAX_REQUEST_BODY_BYTES + 10];
        HttpResponse<String> response = HTTP1.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps"))
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(413);
        assertThat(response.body()).contains("\"kind\":\"Status\"").contains("\"code\":413");
    }

    /** 40 chunks of 256 KiB, each of many parts: ten times the outbound buffer's high-water mark. */
    private static final int STREAMED_CHUNKS = 40;

    private static java.util.List<byte[]> streamedChunkParts(int chunk) {
        java.util.List<byte[]> parts = new java.util.ArrayList<>();
        for (int part = 0; part < 64; part++) {
            byte[] bytes = new byte[4096];
            java.util.Arrays.fill(bytes, (byte) ('a' + (chunk + part) % 26));
            parts.add(bytes);
        }
        return parts;
    }

    @Test
    void aStreamFarAboveTheWriteBufferArrivesWholeAndInOrderOverHttp1AndHttp2() throws Exception {
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (int chunk = 0; chunk < STREAMED_CHUNKS; chunk++) {
            streamedChunkParts(chunk).forEach(expected::writeBytes);
        }
        for (HttpClient client : new HttpClient[] {HTTP1, HTTP2}) {
            HttpResponse<byte[]> response = client.send(HttpRequest.newBuilder(
                    URI.create(base + "/api/v1/namespaces/default/configmaps/streamed")).GET().build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertThat(response.statusCode()).isEqualTo(200);
            assertThat(response.body()).hasSize(expected.size()).isEqualTo(expected.toByteArray());
        }
    }

    @Test
    void unexpectedErrorIsA500Status() throws Exception {
        HttpResponse<String> response = get(HTTP1, "/api/v1/namespaces/default/configmaps/boom");
        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("\"code\":500").contains("boom");
    }
}
