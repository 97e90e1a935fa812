package dev.caravel.apiserver.server;

import dev.caravel.apiserver.server.ClientCommand.Result;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/** kubectl's lists and watches (-l, --field-selector, --chunk-size, get -w) against a few hundred objects in the watch cache. */
class KubectlListWatchTest {

    private static final int CONFIG_MAPS = 300;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static LoopbackServer server;
    private static ClientCommand kubectl;

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        server = LoopbackServer.start();
        kubectl = ClientCommand.kubectl(server.writeKubeconfig(dir.resolve("kubeconfig")), dir.resolve("home"));
        post("/api/v1/namespaces", "{\"metadata\":{\"name\":\"many\"}}");
        for (int i = 0; i < CONFIG_MAPS; i++) {
            post("/api/v1/namespaces/many/configmaps", "{\"metadata\":{\"name\":\"cm-" + String.format("%03d", i)
                    + "\",\"labels\":{\"shard\":\"s" + (i % 50) + "\"}},\"data\":{\"i\":\"" + i + "\"}}");
        }
        for (int i = 0; i < 20; i++) {
            post("/api/v1/namespaces/many/pods", "{\"metadata\":{\"name\":\"pod-" + i + "\"},\"spec\":{\"nodeName\":\"node-"
                    + (i % 4) + "\",\"containers\":[{\"name\":\"c\",\"image\":\"nginx\"}]}}");
        }
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void post(String path, String body) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url() + path))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(201);
    }

    private static Result kubectl(String... args) throws Exception {
        return kubectl.run(args).requireSuccess();
    }

    private static List<String> lines(String out) {
        return Arrays.stream(out.split("\n")).filter(l -> !l.isBlank()).toList();
    }

    @Test
    void labelSelectedGetReturnsTheSelectedObjects() throws Exception {
        assertThat(lines(kubectl("get", "configmaps", "-n", "many", "-l", "shard=s7", "-o", "name").stdout()))
                .containsExactly("configmap/cm-007", "configmap/cm-057", "configmap/cm-107", "configmap/cm-157",
                        "configmap/cm-207", "configmap/cm-257");
        assertThat(lines(kubectl("get", "configmaps", "-n", "many", "-l", "shard in (s1,s2),shard!=s2", "-o", "name").stdout()))
                .hasSize(6);
    }

    @Test
    void fieldSelectedGetReturnsOneNodesPods() throws Exception {
        assertThat(lines(kubectl("get", "pods", "-A", "--field-selector", "spec.nodeName=node-1", "-o", "name").stdout()))
                .containsExactly("pod/pod-1", "pod/pod-13", "pod/pod-17", "pod/pod-5", "pod/pod-9");
        assertThat(lines(kubectl("get", "configmaps", "-n", "many", "--field-selector", "metadata.name=cm-042", "-o", "name").stdout()))
                .containsExactly("configmap/cm-042");
    }

    @Test
    void chunkedGetPagesThroughEveryObjectWithContinueTokens() throws Exception {
        Result result = kubectl("get", "configmaps", "-n", "many", "--chunk-size=50", "-o", "name", "-v=6");
        assertThat(lines(result.stdout())).hasSize(CONFIG_MAPS).first().isEqualTo("configmap/cm-000");
        Matcher pages = Pattern.compile("GET \\S+/configmaps\\?(continue=\\S+&)?limit=50\\s+200").matcher(result.stderr());
        int requests = 0;
        int continued = 0;
        while (pages.find()) {
            requests++;
            if (pages.group(1) != null) {
                continued++;
            }
        }
        assertThat(requests).as(result.stderr()).isEqualTo(CONFIG_MAPS / 50);
        assertThat(continued).isEqualTo(CONFIG_MAPS / 50 - 1);
    }

    @Test
    void getWatchPrintsTheListThenTheChanges() throws Exception {
        Path out = Files.createTempFile(dir, "watch", ".txt");
        Process watch = kubectl.start(out, "get", "configmaps", "-n", "many", "-l", "shard=s3", "-w",
                "--output-watch-events", "--request-timeout=30s");
        try {
            awaitOutput(out, "cm-253");
            post("/api/v1/namespaces/many/configmaps", "{\"metadata\":{\"name\":\"late\",\"labels\":{\"shard\":\"s3\"}}}");
            post("/api/v1/namespaces/many/configmaps", "{\"metadata\":{\"name\":\"elsewhere\",\"labels\":{\"shard\":\"s4\"}}}");
            String seen = awaitOutput(out, "late");
            assertThat(seen).containsPattern("ADDED\\s+late");
            assertThat(seen).contains("cm-003").doesNotContain("elsewhere");
        } finally {
            watch.destroy();
            watch.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static String awaitOutput(Path file, String text) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (System.nanoTime() < deadline) {
            String content = Files.readString(file, StandardCharsets.UTF_8);
            if (content.contains(text)) {
                return content;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("kubectl get -w did not print " + text + ": " + Files.readString(file));
    }
}
