package dev.caravel.apiserver.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class RestHandlerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeyValueStore store;
    private static CaravelServer server;
    private static String base;
    private static final HttpClient HTTP1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private static final HttpClient HTTP2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();

    @BeforeAll
    static void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        base = server.url();
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    static HttpResponse<String> send(String method, String path, String contentType, String body, String... headers)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        if (headers.length > 0) {
            b.headers(headers);
        }
        return HTTP1.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static JsonNode json(HttpResponse<String> response) throws Exception {
        return JSON.readTree(response.body());
    }

    static String configMap(String name, String value) {
        return "{\"apiVersion\":\"v1\",\"kind\":\"ConfigMap\",\"metadata\":{\"name\":\"" + name
                + "\",\"labels\":{\"app\":\"" + name + "\"}},\"data\":{\"k\":\"" + value + "\"}}";
    }

    @Test
    void systemNamespacesExistAndAreActiveWithTheirFinalizerAndLabel() throws Exception {
        JsonNode ns = json(send("GET", "/api/v1/namespaces/kube-system", null, null));
        assertThat(ns.path("status").path("phase").asText()).isEqualTo("Active");
        assertThat(ns.path("spec").path("finalizers").get(0).asText()).isEqualTo("kubernetes");
        assertThat(ns.path("metadata").path("labels").path("kubernetes.io/metadata.name").asText()).isEqualTo("kube-system");
    }

    @Test
    void createGetUpdateAndDeleteAConfigMap() throws Exception {
        HttpResponse<String> created = send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                configMap("crud", "1"));
        assertThat(created.statusCode()).isEqualTo(201);
        JsonNode object = json(created);
        assertThat(object.path("metadata").path("uid").asText()).hasSize(36);
        assertThat(object.path("metadata").path("creationTimestamp").asText()).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
        String rv = object.path("metadata").path("resourceVersion").asText();
        assertThat(object.path("metadata").path("managedFields").isArray()).isTrue();

        HttpResponse<String> again = send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                configMap("crud", "1"));
        assertThat(again.statusCode()).isEqualTo(409);
        assertThat(json(again).path("reason").asText()).isEqualTo("AlreadyExists");
        assertThat(json(again).path("message").asText()).isEqualTo("configmaps \"crud\" already exists");

        String update = configMap("crud", "2").replace("\"name\":\"crud\"", "\"name\":\"crud\",\"resourceVersion\":\"" + rv + "\"");
        HttpResponse<String> updated = send("PUT", "/api/v1/namespaces/default/configmaps/crud", "application/json", update);
        assertThat(updated.statusCode()).isEqualTo(200);
        assertThat(json(updated).path("data").path("k").asText()).isEqualTo("2");

        HttpResponse<String> stale = send("PUT", "/api/v1/namespaces/default/configmaps/crud", "application/json", update);
        assertThat(stale.statusCode()).isEqualTo(409);
        assertThat(json(stale).path("message").asText()).isEqualTo(
                "Operation cannot be fulfilled on configmaps \"crud\": the object has been modified; please apply your changes to the latest version and try again");

        HttpResponse<String> deleted = send("DELETE", "/api/v1/namespaces/default/configmaps/crud", null, null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).path("status").asText()).isEqualTo("Success");
        HttpResponse<String> gone = send("GET", "/api/v1/namespaces/default/configmaps/crud", null, null);
        assertThat(gone.statusCode()).isEqualTo(404);
        assertThat(json(gone).path("message").asText()).isEqualTo("configmaps \"crud\" not found");
    }

    @Test
    void createInAMissingNamespaceIsNotFound() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/namespaces/nowhere/configmaps", "application/json",
                configMap("x", "1"));
        assertThat(response.statusCode()).isEqualTo(404);
        assertThat(json(response).path("message").asText()).isEqualTo("namespaces \"nowhere\" not found");
    }

    @Test
    void deletedNamespaceStaysTerminatingAndRefusesContentUntilFinalized() throws Exception {
        send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"doomed\"}}");
        HttpResponse<String> deleted = send("DELETE", "/api/v1/namespaces/doomed", null, null);
        assertThat(deleted.statusCode()).isEqualTo(200);
        assertThat(json(deleted).path("status").path("phase").asText()).isEqualTo("Terminating");
        HttpResponse<String> refused = send("POST", "/api/v1/namespaces/doomed/configmaps", "application/json",
                configMap("x", "1"));
        assertThat(refused.statusCode()).isEqualTo(403);
        JsonNode ns = json(send("GET", "/api/v1/namespaces/doomed", null, null));
        ((com.fasterxml.jackson.databind.node.ObjectNode) ns.path("spec")).putArray("finalizers");
        HttpResponse<String> finalized = send("PUT", "/api/v1/namespaces/doomed/finalize", "application/json", ns.toString());
        assertThat(finalized.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/namespaces/doomed", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void objectWithFinalizersIsMarkedThenGoesWhenTheyAreRemoved() throws Exception {
        String body = configMap("held", "1").replace("\"labels\"", "\"finalizers\":[\"example.com/hold\"],\"labels\"");
        send("POST", "/api/v1/namespaces/default/configmaps", "application/json", body);
        HttpResponse<String> deleted = send("DELETE", "/api/v1/namespaces/default/configmaps/held", null, null);
        assertThat(json(deleted).path("metadata").path("deletionTimestamp").isTextual()).isTrue();
        assertThat(json(deleted).path("metadata").path("deletionGracePeriodSeconds").asInt()).isZero();
        HttpResponse<String> patched = send("PATCH", "/api/v1/namespaces/default/configmaps/held",
                "application/merge-patch+json", "{\"metadata\":{\"finalizers\":null}}");
        assertThat(patched.statusCode()).isEqualTo(200);
        assertThat(send("GET", "/api/v1/namespaces/default/configmaps/held", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void listAppliesSelectorsAndPagesWithAContinueToken() throws Exception {
        send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"paging\"}}");
        for (int i = 0; i < 5; i++) {
            send("POST", "/api/v1/namespaces/paging/configmaps", "application/json", configMap("cm" + i, "v"));
        }
        JsonNode selected = json(send("GET", "/api/v1/namespaces/paging/configmaps?labelSelector=app%3Dcm3", null, null));
        assertThat(selected.path("items")).hasSize(1);
        assertThat(selected.path("kind").asText()).isEqualTo("ConfigMapList");
        JsonNode byName = json(send("GET", "/api/v1/namespaces/paging/configmaps?fieldSelector=metadata.name%3Dcm1", null, null));
        assertThat(byName.path("items")).hasSize(1);

        List<String> names = new ArrayList<>();
        String path = "/api/v1/namespaces/paging/configmaps?limit=2";
        while (true) {
            JsonNode page = json(send("GET", path, null, null));
            page.path("items").forEach(i -> names.add(i.path("metadata").path("name").asText()));
            String token = page.path("metadata").path("continue").asText("");
            if (token.isEmpty()) {
                break;
            }
            path = "/api/v1/namespaces/paging/configmaps?limit=2&continue=" + token;
        }
        assertThat(names).containsExactly("cm0", "cm1", "cm2", "cm3", "cm4");
    }

    @Test
    void dryRunValidatesWithoutStoring() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/namespaces/default/configmaps?dryRun=All",
                "application/json", configMap("dry", "1"));
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(send("GET", "/api/v1/namespaces/default/configmaps/dry", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void strictFieldValidationRejectsAndWarnWarnsOfUnknownFields() throws Exception {
        String body = configMap("strict", "1").replace("\"data\"", "\"bogus\":1,\"data\"");
        HttpResponse<String> strict = send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Strict",
                "application/json", body);
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(strict.body()).contains("unknown field \\\"bogus\\\"");
        HttpResponse<String> warn = send("POST", "/api/v1/namespaces/default/configmaps?fieldValidation=Warn",
                "application/json", body);
        assertThat(warn.statusCode()).isEqualTo(201);
        assertThat(warn.headers().allValues("warning")).anyMatch(w -> w.startsWith("299 - \"unknown field \\\"bogus\\\""));
    }

    @Test
    void yamlBodiesAreAccepted() throws Exception {
        HttpResponse<String> response = send("POST", "/api/v1/namespaces/default/configmaps", "application/yaml",
                "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-yaml\ndata:\n  a: b\n");
        assertThat(response.statusCode()).isEqualTo(201);
    }

    @Test
    void mismatchedApiVersionAndNamespaceAreBadRequests() throws Exception {
        HttpResponse<String> version = send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                configMap("x", "1").replace("\"v1\"", "\"apps/v1\""));
        assertThat(version.statusCode()).isEqualTo(400);
        assertThat(json(version).path("message").asText()).isEqualTo(
                "the API version in the data (apps/v1) does not match the expected API version (v1)");
        HttpResponse<String> namespace = send("POST", "/api/v1/namespaces/default/configmaps", "application/json",
                configMap("x", "1").replace("\"name\":\"x\"", "\"name\":\"x\",\"namespace\":\"kube-system\""));
        assertThat(namespace.statusCode()).isEqualTo(400);
    }

    static String deployment(String name) {
        return "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"name\":\"" + name + "\"},"
                + "\"spec\":{\"replicas\":1,\"selector\":{\"matchLabels\":{\"app\":\"" + name + "\"}},"
                + "\"template\":{\"metadata\":{\"labels\":{\"app\":\"" + name + "\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:1\"}]}}}}";
    }

    @Test
    void patchesOfEveryTypeAndGenerationBumpsOnSpecChangesOnly() throws Exception {
        HttpResponse<String> created = send("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                deployment("patched"));
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        assertThat(json(created).path("metadata").path("generation").asInt()).isEqualTo(1);
        String path = "/apis/apps/v1/namespaces/default/deployments/patched";

        HttpResponse<String> merge = send("PATCH", path, "application/merge-patch+json", "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}");
        assertThat(json(merge).path("metadata").path("generation").asInt()).isEqualTo(1);

        HttpResponse<String> strategic = send("PATCH", path, "application/strategic-merge-patch+json",
                "{\"spec\":{\"template\":{\"spec\":{\"containers\":[{\"name\":\"web\",\"image\":\"nginx:2\"}]}}}}");
        assertThat(strategic.statusCode()).as(strategic.body()).isEqualTo(200);
        assertThat(json(strategic).path("spec").path("template").path("spec").path("containers")).hasSize(1);
        assertThat(json(strategic).path("metadata").path("generation").asInt()).isEqualTo(2);

        HttpResponse<String> jsonPatch = send("PATCH", path, "application/json-patch+json",
                "[{\"op\":\"replace\",\"path\":\"/spec/replicas\",\"value\":3}]");
        assertThat(json(jsonPatch).path("spec").path("replicas").asInt()).isEqualTo(3);

        HttpResponse<String> status = send("PATCH", path + "/status", "application/merge-patch+json",
                "{\"status\":{\"replicas\":3},\"spec\":{\"replicas\":9}}");
        assertThat(json(status).path("status").path("replicas").asInt()).isEqualTo(3);
        assertThat(json(status).path("spec").path("replicas").asInt()).isEqualTo(3);

        HttpResponse<String> scale = send("PATCH", path + "/scale", "application/merge-patch+json", "{\"spec\":{\"replicas\":5}}");
        assertThat(scale.statusCode()).as(scale.body()).isEqualTo(200);
        assertThat(json(scale).path("kind").asText()).isEqualTo("Scale");
        assertThat(json(send("GET", path, null, null)).path("spec").path("replicas").asInt()).isEqualTo(5);
    }

    @Test
    void serverSideApplyCreatesThenReportsConflictsUnlessForced() throws Exception {
        String path = "/apis/apps/v1/namespaces/default/deployments/applied?fieldManager=";
        String config = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: applied\nspec:\n  replicas: 2\n"
                + "  selector:\n    matchLabels:\n      app: applied\n  template:\n    metadata:\n      labels:\n        app: applied\n"
                + "    spec:\n      containers:\n      - name: web\n        image: nginx:1\n";
        HttpResponse<String> created = send("PATCH", path + "alice", "application/apply-patch+yaml", config);
        assertThat(created.statusCode()).as("an apply that creates answers 201 Created, " + created.body()).isEqualTo(201);
        HttpResponse<String> conflict = send("PATCH", path + "bob", "application/apply-patch+yaml",
                config.replace("replicas: 2", "replicas: 4"));
        assertThat(conflict.statusCode()).isEqualTo(409);
        HttpResponse<String> forced = send("PATCH", path + "bob&force=true", "application/apply-patch+yaml",
                config.replace("replicas: 2", "replicas: 4"));
        assertThat(forced.statusCode()).isEqualTo(200);
        assertThat(json(forced).path("spec").path("replicas").asInt()).isEqualTo(4);
    }

    @Test
    void tableAndPartialObjectMetadataAreServedWhenAskedFor() throws Exception {
        send("POST", "/api/v1/namespaces/default/configmaps", "application/json", configMap("tabled", "1"));
        JsonNode table = json(send("GET", "/api/v1/namespaces/default/configmaps", null, null,
                "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io,application/json"));
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("columnDefinitions").get(0).path("name").asText()).isEqualTo("Name");
        JsonNode partial = json(send("GET", "/api/v1/namespaces/default/configmaps", null, null,
                "Accept", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io"));
        assertThat(partial.path("kind").asText()).isEqualTo("PartialObjectMetadataList");
        JsonNode one = json(send("GET", "/api/v1/namespaces/default/configmaps/tabled", null, null,
                "Accept", "application/json;as=PartialObjectMetadata;v=v1;g=meta.k8s.io"));
        assertThat(one.path("kind").asText()).isEqualTo("PartialObjectMetadata");
    }

    @Test
    void aLargeTableListIsStreamedWithEveryRowInOrderAndPagesFollowTheirContinueToken() throws Exception {
        send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"bigtable\"}}");
        int count = 600;
        String value = "v".repeat(2048);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            String name = "cm-%04d".formatted(i);
            names.add(name);
            assertThat(send("POST", "/api/v1/namespaces/bigtable/configmaps", "application/json", configMap(name, value))
                    .statusCode()).isEqualTo(201);
        }
        String asTable = "application/json;as=Table;v=v1;g=meta.k8s.io";

        // Over a megabyte of list: the Table goes out chunked, without a Content-Length.
        HttpResponse<String> whole = send("GET", "/api/v1/namespaces/bigtable/configmaps", null, null, "Accept", asTable);
        assertThat(whole.statusCode()).isEqualTo(200);
        assertThat(whole.headers().firstValue("content-length")).isEmpty();
        assertThat(whole.body()).endsWith("]}\n");
        JsonNode table = json(whole);
        assertThat(table.path("kind").asText()).isEqualTo("Table");
        assertThat(table.path("metadata").has("continue")).isFalse();
        assertThat(rowNames(table)).isEqualTo(names);
        assertThat(table.at("/rows/0/object/kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(table.at("/rows/0/object").has("data")).isFalse();

        JsonNode objects = json(send("GET", "/api/v1/namespaces/bigtable/configmaps?includeObject=Object", null, null,
                "Accept", asTable));
        assertThat(objects.at("/rows/599/object/kind").asText()).isEqualTo("ConfigMap");
        assertThat(objects.at("/rows/599/object/data/k").asText()).isEqualTo(value);

        List<String> paged = new ArrayList<>();
        String token = "";
        int pages = 0;
        do {
            JsonNode page = json(send("GET", "/api/v1/namespaces/bigtable/configmaps?limit=250&continue=" + token,
                    null, null, "Accept", asTable));
            pages++;
            paged.addAll(rowNames(page));
            token = page.path("metadata").path("continue").asText();
            if (!token.isEmpty()) {
                assertThat(page.path("metadata").path("remainingItemCount").asInt()).isEqualTo(count - paged.size());
            }
        } while (!token.isEmpty());
        assertThat(pages).isEqualTo(3);
        assertThat(paged).isEqualTo(names);

        HttpResponse<String> partial = send("GET", "/api/v1/namespaces/bigtable/configmaps", null, null,
                "Accept", "application/json;as=PartialObjectMetadataList;v=v1;g=meta.k8s.io");
        assertThat(partial.headers().firstValue("content-length")).isEmpty();
        JsonNode partialList = json(partial);
        assertThat(partialList.path("kind").asText()).isEqualTo("PartialObjectMetadataList");
        assertThat(partialList.path("items").size()).isEqualTo(count);
        assertThat(partialList.at("/items/599/metadata/name").asText()).isEqualTo("cm-0599");
        assertThat(partialList.at("/items/599").has("data")).isFalse();
    }

    private static List<String> rowNames(JsonNode table) {
        List<String> names = new ArrayList<>();
        table.path("rows").forEach(row -> names.add(row.at("/cells/0").asText()));
        return names;
    }

    @Test
    void crudWorksOverHttp2() throws Exception {
        HttpResponse<String> response = HTTP2.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/namespaces/default/configmaps"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(configMap("over-h2", "1"))).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(201);
        assertThat(response.version()).isEqualTo(HttpClient.Version.HTTP_2);
    }

    @Test
    void watchSendsCurrentObjectsThenChanges() throws Exception {
        send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"watched\"}}");
        send("POST", "/api/v1/namespaces/watched/configmaps", "application/json", configMap("first", "1"));
        HttpResponse<InputStream> stream = HTTP1.send(HttpRequest.newBuilder(
                URI.create(base + "/api/v1/namespaces/watched/configmaps?watch=true&timeoutSeconds=5")).build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertThat(stream.statusCode()).isEqualTo(200);
        BufferedReader reader = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8));
        JsonNode added = JSON.readTree(reader.readLine());
        assertThat(added.path("type").asText()).isEqualTo("ADDED");
        assertThat(added.path("object").path("metadata").path("name").asText()).isEqualTo("first");
        send("POST", "/api/v1/namespaces/watched/configmaps", "application/json", configMap("second", "1"));
        JsonNode next = JSON.readTree(reader.readLine());
        assertThat(next.path("type").asText()).isEqualTo("ADDED");
        assertThat(next.path("object").path("metadata").path("name").asText()).isEqualTo("second");
        send("DELETE", "/api/v1/namespaces/watched/configmaps/first", null, null);
        JsonNode deleted = JSON.readTree(reader.readLine());
        assertThat(deleted.path("type").asText()).isEqualTo("DELETED");
        stream.body().close();
    }

    @Test
    void deploymentsAndSecretsAreStoredWithKubernetesDefaults() throws Exception {
        JsonNode deployment = json(send("POST", "/apis/apps/v1/namespaces/default/deployments", "application/json",
                deployment("defaulted")));
        assertThat(deployment.path("spec").path("strategy").path("type").asText()).isEqualTo("RollingUpdate");
        assertThat(deployment.path("spec").path("revisionHistoryLimit").asInt()).isEqualTo(10);
        JsonNode container = deployment.path("spec").path("template").path("spec").path("containers").get(0);
        assertThat(container.path("imagePullPolicy").asText()).isEqualTo("IfNotPresent");
        assertThat(container.path("terminationMessagePath").asText()).isEqualTo("/dev/termination-log");
        JsonNode secret = json(send("POST", "/api/v1/namespaces/default/secrets", "application/json",
                "{\"metadata\":{\"name\":\"plain\"},\"data\":{\"a\":\"Yg==\"}}"));
        assertThat(secret.path("type").asText()).isEqualTo("Opaque");
    }

    @Test
    void watchListSendsInitialEventsThenTheirEndBookmark() throws Exception {
        send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"streamed\"}}");
        send("POST", "/api/v1/namespaces/streamed/configmaps", "application/json", configMap("one", "1"));
        HttpResponse<String> response = send("GET", "/api/v1/namespaces/streamed/configmaps?watch=true"
                + "&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&timeoutSeconds=1",
                null, null);
        List<JsonNode> events = new ArrayList<>();
        for (String line : response.body().split("\n")) {
            events.add(JSON.readTree(line));
        }
        assertThat(events.get(0).path("type").asText()).isEqualTo("ADDED");
        assertThat(events.get(1).path("type").asText()).isEqualTo("BOOKMARK");
        assertThat(events.get(1).path("object").path("metadata").path("annotations")
                .path("k8s.io/initial-events-end").asText()).isEqualTo("true");
    }

    @Test
    void watchAsTableSendsRowsWithColumnsFirst() throws Exception {
        send("POST", "/api/v1/namespaces", "application/json", "{\"metadata\":{\"name\":\"tablewatch\"}}");
        send("POST", "/api/v1/namespaces/tablewatch/configmaps", "application/json", configMap("row", "1"));
        HttpResponse<String> response = send("GET", "/api/v1/namespaces/tablewatch/configmaps?watch=true&timeoutSeconds=1",
                null, null, "Accept", "application/json;as=Table;v=v1;g=meta.k8s.io");
        JsonNode first = JSON.readTree(response.body().split("\n")[0]);
        assertThat(first.path("object").path("kind").asText()).isEqualTo("Table");
        assertThat(first.path("object").path("rows").get(0).path("cells").get(0).asText()).isEqualTo("row");
    }

    @Test
    void updateWithoutResourceVersionIsUnconditional() throws Exception {
        send("POST", "/api/v1/namespaces/default/secrets", "application/json",
                "{\"metadata\":{\"name\":\"release\"},\"stringData\":{\"a\":\"b\"}}");
        HttpResponse<String> updated = send("PUT", "/api/v1/namespaces/default/secrets/release", "application/json",
                "{\"metadata\":{\"name\":\"release\",\"labels\":{\"status\":\"deployed\"}},\"data\":{\"a\":\"Yw==\"}}");
        assertThat(updated.statusCode()).as(updated.body()).isEqualTo(200);
        assertThat(json(updated).path("metadata").path("labels").path("status").asText()).isEqualTo("deployed");
    }
}
