package dev.caravel.apiserver.openapi;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.discovery.ServedDocument;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class OpenApiDocumentsTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String DEPLOYMENT = "io.k8s.api.apps.v1.Deployment";

    private final ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
    private final OpenApiDocuments openapi = new OpenApiDocuments(catalogue, SchemaCatalogue.kubernetes(), "v1.32.0");

    private JsonNode tree(String path) throws IOException {
        ServedDocument doc = openapi.get(path, null, "application/json").orElseThrow(() -> new AssertionError(path));
        assertThat(doc.contentType()).isEqualTo("application/json");
        return JSON.readTree(doc.body());
    }

    @Test
    void indexNamesEveryServedGroupVersionWithTheHashOfItsDocument() throws IOException {
        JsonNode paths = tree("/openapi/v3").get("paths");
        List<String> names = new ArrayList<>();
        paths.fieldNames().forEachRemaining(names::add);
        assertThat(names).contains("api/v1", "apis/apps/v1", "apis/batch/v1", "apis/authorization.k8s.io/v1",
                "apis/discovery.k8s.io/v1").doesNotContain("apis/autoscaling/v2", "apis/resource.k8s.io/v1");
        String url = paths.get("apis/apps/v1").get("serverRelativeURL").asText();
        assertThat(url).startsWith("/openapi/v3/apis/apps/v1?hash=");
        String hash = url.substring(url.indexOf("?hash=") + 6);
        ServedDocument apps = openapi.get("/openapi/v3/apis/apps/v1", hash, "application/json").orElseThrow();
        assertThat(apps.etag()).isEqualTo("\"" + hash + "\"");
        assertThat(apps.headers()).containsEntry("Cache-Control", "public, immutable");
        assertThat(openapi.get("/openapi/v3/apis/apps/v1", null, null).orElseThrow().headers())
                .containsEntry("Cache-Control", "no-cache, private");
    }

    @Test
    void appsDocumentHasTheDeploymentSchemaWithItsKindAndPatchMetadata() throws IOException {
        JsonNode doc = tree("/openapi/v3/apis/apps/v1");
        assertThat(doc.get("openapi").asText()).isEqualTo("3.0.0");
        JsonNode deployment = doc.at("/components/schemas/" + DEPLOYMENT.replace("/", "~1"));
        assertThat(deployment.get("x-kubernetes-group-version-kind").toString())
                .isEqualTo("[{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}]");
        assertThat(deployment.at("/properties/spec").toString())
                .isEqualTo("{\"$ref\":\"#/components/schemas/io.k8s.api.apps.v1.DeploymentSpec\"}");
        JsonNode strategy = doc.at("/components/schemas/io.k8s.api.apps.v1.DeploymentSpec/properties/strategy");
        assertThat(strategy.toString()).isEqualTo("{\"allOf\":[{\"$ref\":\"#/components/schemas/"
                + "io.k8s.api.apps.v1.DeploymentStrategy\"}],\"x-kubernetes-patch-strategy\":\"retainKeys\"}");
        JsonNode containers = doc.at("/components/schemas/io.k8s.api.core.v1.PodSpec/properties/containers");
        assertThat(containers.get("x-kubernetes-patch-merge-key").asText()).isEqualTo("name");
        assertThat(containers.at("/items/$ref").asText()).isEqualTo("#/components/schemas/io.k8s.api.core.v1.Container");
    }

    @Test
    void intOrStringAndQuantityAreOneOfTheirTypesAsKubernetesWritesThemForV3() throws IOException {
        JsonNode schemas = tree("/openapi/v3/api/v1").at("/components/schemas");
        assertThat(schemas.get("io.k8s.apimachinery.pkg.util.intstr.IntOrString").toString())
                .isEqualTo("{\"format\":\"int-or-string\",\"oneOf\":[{\"type\":\"integer\"},{\"type\":\"string\"}]}");
        assertThat(schemas.get("io.k8s.apimachinery.pkg.api.resource.Quantity").toString())
                .isEqualTo("{\"oneOf\":[{\"type\":\"string\"},{\"type\":\"number\"}]}");
    }

    @Test
    void patchOfADeploymentDeclaresFieldValidationAsKubectlLooksForIt() throws IOException {
        JsonNode patch = tree("/openapi/v3/apis/apps/v1").at("/paths/~1apis~1apps~1v1~1namespaces~1{namespace}~1deployments~1{name}/patch");
        assertThat(patch.get("x-kubernetes-group-version-kind").toString())
                .isEqualTo("{\"group\":\"apps\",\"kind\":\"Deployment\",\"version\":\"v1\"}");
        JsonNode fieldValidation = null;
        for (JsonNode p : patch.get("parameters")) {
            if (p.get("name").asText().equals("fieldValidation")) {
                fieldValidation = p;
            }
        }
        assertThat(fieldValidation).isNotNull();
        assertThat(fieldValidation.get("in").asText()).isEqualTo("query");
        assertThat(fieldValidation.get("schema").get("type").asText()).isEqualTo("string");
        List<String> bodyTypes = new ArrayList<>();
        patch.at("/requestBody/content").fieldNames().forEachRemaining(bodyTypes::add);
        assertThat(bodyTypes).containsExactly("application/json-patch+json", "application/merge-patch+json",
                "application/strategic-merge-patch+json", "application/apply-patch+yaml");
        assertThat(patch.at("/requestBody/content/application~1apply-patch+yaml/schema/$ref").asText())
                .isEqualTo("#/components/schemas/io.k8s.apimachinery.pkg.apis.meta.v1.Patch");
        assertThat(patch.at("/responses/200/content/application~1json/schema/$ref").asText())
                .isEqualTo("#/components/schemas/" + DEPLOYMENT);
        assertThat(patch.at("/responses/200/description").asText()).isEqualTo("OK");
        assertThat(patch.at("/responses/200/content").has("application/cbor")).isFalse();
    }

    @Test
    void everyWriteOfEveryServedGroupVersionDeclaresFieldValidation() throws IOException {
        JsonNode paths = tree("/openapi/v3").get("paths");
        for (String gv : iterable(paths.fieldNames())) {
            JsonNode doc = tree("/openapi/v3/" + gv);
            for (JsonNode item : doc.get("paths")) {
                for (String method : List.of("post", "put", "patch")) {
                    JsonNode op = item.get(method);
                    if (op == null || !op.has("x-kubernetes-group-version-kind")) {
                        continue;
                    }
                    boolean found = false;
                    for (JsonNode p : op.path("parameters")) {
                        found |= p.get("name").asText().equals("fieldValidation");
                    }
                    assertThat(found).as(gv + " " + op.get("operationId")).isTrue();
                }
            }
        }
    }

    @Test
    void everyRefOfADocumentResolvesWithinIt() throws IOException {
        for (String gv : List.of("api/v1", "apis/apps/v1", "apis/rbac.authorization.k8s.io/v1")) {
            JsonNode doc = tree("/openapi/v3/" + gv);
            Set<String> refs = new HashSet<>();
            collectRefs(doc, refs);
            assertThat(refs).isNotEmpty();
            for (String ref : refs) {
                assertThat(ref).startsWith("#/components/schemas/");
                assertThat(doc.at("/components/schemas").has(ref.substring("#/components/schemas/".length())))
                        .as(gv + ": " + ref).isTrue();
            }
        }
    }

    @Test
    void onlyServedResourcesAndSubresourcesHavePaths() throws IOException {
        JsonNode paths = tree("/openapi/v3/api/v1").get("paths");
        List<String> names = iterable(paths.fieldNames());
        assertThat(names).contains("/api/v1/", "/api/v1/namespaces/{namespace}/pods/{name}/status",
                "/api/v1/namespaces/{name}/finalize", "/api/v1/namespaces/{namespace}/serviceaccounts/{name}/token",
                "/api/v1/watch/namespaces/{namespace}/pods");
        assertThat(names).noneMatch(p -> p.contains("replicationcontrollers") || p.contains("podtemplates")
                || p.endsWith("/resize") || p.contains("componentstatuses"));
        JsonNode podParams = paths.get("/api/v1/namespaces/{namespace}/pods/{name}").get("parameters");
        assertThat(podParams.get(0).toString()).isEqualTo("{\"name\":\"name\",\"in\":\"path\",\"required\":true,"
                + "\"schema\":{\"type\":\"string\",\"uniqueItems\":true}}");
    }

    @Test
    void aNewGroupVersionLeavesTheOtherHashesAlone() throws IOException {
        JsonNode before = tree("/openapi/v3").get("paths");
        GroupVersion gv = new GroupVersion("apps", "v1");
        ResourceDefinition deployments = catalogue.snapshot().resource(gv, "deployments").orElseThrow();
        catalogue.remove(gv, "deployments");
        JsonNode after = tree("/openapi/v3").get("paths");
        assertThat(after.get("api/v1")).isEqualTo(before.get("api/v1"));
        assertThat(after.get("apis/apps/v1")).isNotEqualTo(before.get("apis/apps/v1"));
        assertThat(tree("/openapi/v3/apis/apps/v1").get("paths").has("/apis/apps/v1/namespaces/{namespace}/deployments"))
                .isFalse();
        catalogue.put(deployments);
        assertThat(tree("/openapi/v3").get("paths")).isEqualTo(before);
    }

    @Test
    void unknownDocumentsAreLeftToTheCaller() {
        assertThat(openapi.get("/openapi/v3/apis/autoscaling/v2", null, null)).isEmpty();
        assertThat(openapi.get("/openapi/v3/apis/apps", null, null)).isEmpty();
        assertThat(openapi.get("/api/v1", null, null)).isEmpty();
    }

    @Test
    void protobufV3IsNotAcceptable() {
        assertThatThrownBy(() -> openapi.get("/openapi/v3/api/v1", null, OpenApiDocuments.V3_PROTOBUF))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(406));
        assertThat(openapi.get("/openapi/v3/api/v1", null, OpenApiDocuments.V3_PROTOBUF + ",application/json"))
                .isPresent();
    }

    @Test
    void v2AsJsonHasTheServedPathsAndEveryDefinition() throws IOException {
        JsonNode doc = tree("/openapi/v2");
        assertThat(doc.get("swagger").asText()).isEqualTo("2.0");
        assertThat(doc.get("paths").has("/apis/apps/v1/namespaces/{namespace}/deployments/{name}")).isTrue();
        assertThat(doc.get("paths").has("/apis/autoscaling/v2/horizontalpodautoscalers")).isFalse();
        assertThat(doc.get("paths").has("/apis/apps/")).isTrue();
        assertThat(doc.get("definitions").has(DEPLOYMENT)).isTrue();
        assertThat(doc.toString()).doesNotContain("cbor");
    }

    @Test
    void v2AsProtobufIsTheEmptyDocumentKubectlSkipsValidationWith() {
        ServedDocument doc = openapi.get("/openapi/v2", null, OpenApiDocuments.V2_PROTOBUF).orElseThrow();
        assertThat(doc.contentType()).isEqualTo("application/com.github.proto-openapi.spec.v2.v1.0+protobuf");
        assertThat(doc.body()).isEmpty();
    }

    private static List<String> iterable(java.util.Iterator<String> names) {
        List<String> out = new ArrayList<>();
        names.forEachRemaining(out::add);
        return out;
    }

    private static void collectRefs(JsonNode node, Set<String> into) {
        if (node.isObject()) {
            node.fields().forEachRemaining(e -> {
                if (e.getKey().equals("$ref")) {
                    into.add(e.getValue().asText());
                } else {
                    collectRefs(e.getValue(), into);
                }
            });
        } else if (node.isArray()) {
            node.forEach(n -> collectRefs(n, into));
        }
    }
}
