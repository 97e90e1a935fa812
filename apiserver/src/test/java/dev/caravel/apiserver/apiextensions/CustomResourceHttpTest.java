package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/** Custom resources seen through plain HTTP: discovery, OpenAPI, warnings, Tables and errors as the reference words them. */
class CustomResourceHttpTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static KeyValueStore store;
    private static CaravelServer server;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static final String CRD = """
            {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
             "metadata":{"name":"gizmos.tools.example.com"},
             "spec":{"group":"tools.example.com","scope":"Cluster",
               "names":{"plural":"gizmos","kind":"Gizmo","categories":["all"]},
               "versions":[{"name":"v1","served":true,"storage":true,
                 "selectableFields":[{"jsonPath":".spec.colour"}],
                 "additionalPrinterColumns":[
                   {"name":"Colour","type":"string","jsonPath":".spec.colour"},
                   {"name":"Ready","type":"string","jsonPath":".status.conditions[?(@.type==\\"Ready\\")].status"},
                   {"name":"Weight","type":"number","jsonPath":".spec.weight","priority":1}],
                 "schema":{"openAPIV3Schema":{"type":"object","properties":{
                   "spec":{"type":"object","properties":{"colour":{"type":"string","description":"The gizmo's colour."},
                     "weight":{"type":"number"}}},
                   "status":{"type":"object","properties":{"conditions":{"type":"array","items":{"type":"object",
                     "properties":{"type":{"type":"string"},"status":{"type":"string"}}}}}}}}}}]}}
            """;

    @BeforeAll
    static void start() throws Exception {
        store = MemoryStore.open();
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        HttpResponse<String> created = send("POST", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions", CRD,
                "application/json");
        assertThat(created.statusCode()).as(created.body()).isEqualTo(201);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (send("GET", "/apis/tools.example.com/v1/gizmos", null, null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("the CRD is served within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
    }

    @AfterAll
    static void stop() {
        server.close();
        store.close();
    }

    static HttpResponse<String> send(String method, String path, String body, String contentType) throws Exception {
        return send(method, path, body, contentType, "application/json");
    }

    static HttpResponse<String> send(String method, String path, String body, String contentType, String accept)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.url() + path)).header("Accept", accept);
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aTightenedSchemaJudgesOnlyWhatAnUpdateChanges() throws Exception {
        String crd = """
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"widgets.ratchet.example.com"},
                 "spec":{"group":"ratchet.example.com","scope":"Cluster","names":{"plural":"widgets","kind":"Widget"},
                   "versions":[{"name":"v1","served":true,"storage":true,"schema":{"openAPIV3Schema":{"type":"object",
                     "properties":{"spec":{"type":"object","properties":{"size":{"type":"integer","maximum":MAX},
                       "note":{"type":"string"}}}}}}}]}}
                """;
        String crds = "/apis/apiextensions.k8s.io/v1/customresourcedefinitions";
        assertThat(send("POST", crds, crd.replace("MAX", "5"), "application/json").statusCode()).isEqualTo(201);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (send("GET", "/apis/ratchet.example.com/v1/widgets", null, null).statusCode() != 200) {
            assertThat(System.nanoTime()).as("the CRD is served within 5 s").isLessThan(deadline);
            Thread.sleep(20);
        }
        String widgets = "/apis/ratchet.example.com/v1/widgets";
        assertThat(send("POST", widgets, "{\"apiVersion\":\"ratchet.example.com/v1\",\"kind\":\"Widget\","
                + "\"metadata\":{\"name\":\"w\"},\"spec\":{\"size\":4}}", "application/json").statusCode()).isEqualTo(201);
        // The maximum drops below the stored size.
        assertThat(send("PATCH", crds + "/widgets.ratchet.example.com",
                "[{\"op\":\"replace\",\"path\":\"/spec/versions/0/schema/openAPIV3Schema/properties/spec/properties/size/maximum\",\"value\":2}]",
                "application/json-patch+json").statusCode()).isEqualTo(200);
        deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        HttpResponse<String> tooBig;
        do {
            assertThat(System.nanoTime()).as("the tightened schema is served within 5 s").isLessThan(deadline);
            Thread.sleep(20);
            tooBig = send("PATCH", widgets + "/w", "{\"spec\":{\"size\":3}}", "application/merge-patch+json");
        } while (tooBig.statusCode() == 200);

        assertThat(tooBig.statusCode()).as(tooBig.body()).isEqualTo(422);
        assertThat(tooBig.body()).contains("spec.size: Invalid value: 3: spec.size in body should be less than or equal to 2");
        HttpResponse<String> untouchedSize = send("PATCH", widgets + "/w", "{\"spec\":{\"note\":\"kept\"}}",
                "application/merge-patch+json");
        assertThat(untouchedSize.statusCode()).as("an update that leaves the too-large size as it was: " + untouchedSize.body())
                .isEqualTo(200);
    }

    @Test
    void theStoredCrdHasTheReferenceDefaultsAndStatus() throws Exception {
        JsonNode crd = JSON.readTree(send("GET", "/apis/apiextensions.k8s.io/v1/customresourcedefinitions/gizmos.tools.example.com",
                null, null).body());
        assertThat(crd.at("/spec/names/singular").asText()).isEqualTo("gizmo");
        assertThat(crd.at("/spec/names/listKind").asText()).isEqualTo("GizmoList");
        assertThat(crd.at("/spec/conversion/strategy").asText()).isEqualTo("None");
        assertThat(crd.at("/status/storedVersions").toString()).isEqualTo("[\"v1\"]");
        assertThat(crd.at("/status/acceptedNames/categories").toString()).isEqualTo("[\"all\"]");
        assertThat(crd.at("/metadata/generation").asInt()).isEqualTo(1);
    }

    @Test
    void aggregatedDiscoveryListsTheResourceWithItsCategoriesAndScope() throws Exception {
        JsonNode discovery = JSON.readTree(send("GET", "/apis", null, null,
                "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList").body());
        JsonNode group = null;
        for (JsonNode g : discovery.path("items")) {
            if (g.at("/metadata/name").asText().equals("tools.example.com")) {
                group = g;
            }
        }
        assertThat(group).as(discovery.toString()).isNotNull();
        JsonNode resource = group.at("/versions/0/resources/0");
        assertThat(resource.path("resource").asText()).isEqualTo("gizmos");
        assertThat(resource.path("scope").asText()).isEqualTo("Cluster");
        assertThat(resource.path("categories").toString()).isEqualTo("[\"all\"]");
        assertThat(resource.at("/responseKind/kind").asText()).isEqualTo("Gizmo");
        assertThat(resource.path("verbs").toString())
                .isEqualTo("[\"delete\",\"deletecollection\",\"get\",\"list\",\"patch\",\"create\",\"update\",\"watch\"]");
    }

    @Test
    void openApiPublishesTheSchemaInV3AndV2() throws Exception {
        JsonNode index = JSON.readTree(send("GET", "/openapi/v3", null, null).body());
        String url = index.at("/paths/apis~1tools.example.com~1v1/serverRelativeURL").asText();
        assertThat(url).startsWith("/openapi/v3/apis/tools.example.com/v1?hash=");
        JsonNode v3 = JSON.readTree(send("GET", url, null, null).body());
        JsonNode gizmo = v3.at("/components/schemas/com.example.tools.v1.Gizmo");
        assertThat(gizmo.at("/properties/spec/properties/colour/description").asText()).isEqualTo("The gizmo's colour.");
        assertThat(gizmo.at("/x-kubernetes-group-version-kind/0/kind").asText()).isEqualTo("Gizmo");
        assertThat(v3.at("/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta").isObject()).isTrue();
        JsonNode v2 = JSON.readTree(send("GET", "/openapi/v2", null, null).body());
        assertThat(v2.at("/definitions/com.example.tools.v1.Gizmo/properties/metadata/allOf/0/$ref").asText())
                .isEqualTo("#/definitions/io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta");
    }

    @Test
    void unknownFieldsArePrunedWithAWarningOrRefusedWhenStrict() throws Exception {
        String gizmo = "{\"apiVersion\":\"tools.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"warned\"},"
                + "\"spec\":{\"colour\":\"red\",\"shape\":\"round\"}}";
        HttpResponse<String> warned = send("POST", "/apis/tools.example.com/v1/gizmos?fieldValidation=Warn", gizmo,
                "application/json");
        assertThat(warned.statusCode()).isEqualTo(201);
        assertThat(warned.headers().allValues("Warning")).anySatisfy(w -> assertThat(w).contains("unknown field \\\"spec.shape\\\""));
        assertThat(JSON.readTree(warned.body()).at("/spec").toString()).isEqualTo("{\"colour\":\"red\"}");

        HttpResponse<String> strict = send("POST", "/apis/tools.example.com/v1/gizmos?fieldValidation=Strict",
                gizmo.replace("warned", "strict"), "application/json");
        assertThat(strict.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(strict.body()).path("message").asText())
                .isEqualTo("Gizmo in version \"v1\" cannot be handled as a Gizmo: strict decoding error: unknown field \"spec.shape\"");
        assertThat(send("GET", "/apis/tools.example.com/v1/gizmos/strict", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void aTableHasTheNameAndThePrinterColumnsWithJsonPathFilters() throws Exception {
        String gizmo = "{\"apiVersion\":\"tools.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"tabled\"},"
                + "\"spec\":{\"colour\":\"green\",\"weight\":1.5},"
                + "\"status\":{\"conditions\":[{\"type\":\"Synced\",\"status\":\"False\"},{\"type\":\"Ready\",\"status\":\"True\"}]}}";
        assertThat(send("POST", "/apis/tools.example.com/v1/gizmos", gizmo, "application/json").statusCode()).isEqualTo(201);
        JsonNode table = JSON.readTree(send("GET", "/apis/tools.example.com/v1/gizmos/tabled", null, null,
                "application/json;as=Table;v=v1;g=meta.k8s.io").body());
        assertThat(table.path("columnDefinitions").findValuesAsText("name")).containsExactly("Name", "Colour", "Ready", "Weight");
        assertThat(table.at("/columnDefinitions/0/format").asText()).isEqualTo("name");
        assertThat(table.at("/columnDefinitions/3/priority").asInt()).isEqualTo(1);
        assertThat(table.at("/rows/0/cells").toString()).isEqualTo("[\"tabled\",\"green\",\"True\",1.5]");
    }

    @Test
    void withoutAStatusSubresourceAStatusChangeIsAChangeOfGeneration() throws Exception {
        String gizmo = "{\"apiVersion\":\"tools.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"counted\"},"
                + "\"status\":{\"conditions\":[]}}";
        JsonNode created = JSON.readTree(send("POST", "/apis/tools.example.com/v1/gizmos", gizmo, "application/json").body());
        assertThat(created.at("/metadata/generation").asInt()).isEqualTo(1);
        assertThat(created.at("/status").toString()).isEqualTo("{\"conditions\":[]}");
        JsonNode patched = JSON.readTree(send("PATCH", "/apis/tools.example.com/v1/gizmos/counted",
                "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}]}}", "application/merge-patch+json").body());
        assertThat(patched.at("/metadata/generation").asInt()).isEqualTo(2);
        JsonNode relabelled = JSON.readTree(send("PATCH", "/apis/tools.example.com/v1/gizmos/counted",
                "{\"metadata\":{\"labels\":{\"a\":\"b\"}}}", "application/merge-patch+json").body());
        assertThat(relabelled.at("/metadata/generation").asInt()).isEqualTo(2);
        assertThat(send("GET", "/apis/tools.example.com/v1/gizmos/counted/status", null, null).statusCode()).isEqualTo(404);
    }

    @Test
    void declaredSelectableFieldsSelectListsAndOthersAreRefused() throws Exception {
        for (String colour : new String[] {"pink", "teal"}) {
            String gizmo = "{\"apiVersion\":\"tools.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"sel-"
                    + colour + "\"},\"spec\":{\"colour\":\"" + colour + "\"}}";
            assertThat(send("POST", "/apis/tools.example.com/v1/gizmos", gizmo, "application/json").statusCode()).isEqualTo(201);
        }
        JsonNode pink = JSON.readTree(send("GET", "/apis/tools.example.com/v1/gizmos?fieldSelector=spec.colour%3Dpink",
                null, null).body());
        assertThat(pink.path("items").findValuesAsText("name")).containsExactly("sel-pink");
        HttpResponse<String> refused = send("GET", "/apis/tools.example.com/v1/gizmos?fieldSelector=spec.weight%3D1", null, null);
        assertThat(refused.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(refused.body()).path("message").asText()).isEqualTo("field label not supported: spec.weight");
    }

    @Test
    void strategicMergePatchIsUnsupportedMediaType() throws Exception {
        String gizmo = "{\"apiVersion\":\"tools.example.com/v1\",\"kind\":\"Gizmo\",\"metadata\":{\"name\":\"patched\"}}";
        assertThat(send("POST", "/apis/tools.example.com/v1/gizmos", gizmo, "application/json").statusCode()).isEqualTo(201);
        HttpResponse<String> patched = send("PATCH", "/apis/tools.example.com/v1/gizmos/patched", "{\"spec\":{}}",
                "application/strategic-merge-patch+json");
        assertThat(patched.statusCode()).isEqualTo(415);
        JsonNode status = JSON.readTree(patched.body());
        assertThat(status.path("reason").asText()).isEqualTo("UnsupportedMediaType");
        assertThat(status.path("message").asText()).isEqualTo("the body of the request was in an unknown format - "
                + "accepted media types include: application/json-patch+json, application/merge-patch+json, "
                + "application/apply-patch+yaml");
        HttpResponse<String> merged = send("PATCH", "/apis/tools.example.com/v1/gizmos/patched",
                "{\"spec\":{\"colour\":\"grey\"}}", "application/merge-patch+json");
        assertThat(JSON.readTree(merged.body()).at("/spec/colour").asText()).isEqualTo("grey");
        HttpResponse<String> jsonPatched = send("PATCH", "/apis/tools.example.com/v1/gizmos/patched",
                "[{\"op\":\"replace\",\"path\":\"/spec/colour\",\"value\":\"black\"}]", "application/json-patch+json");
        assertThat(JSON.readTree(jsonPatched.body()).at("/spec/colour").asText()).isEqualTo("black");
    }
}
