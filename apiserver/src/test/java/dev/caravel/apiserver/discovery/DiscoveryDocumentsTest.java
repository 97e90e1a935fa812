package dev.caravel.apiserver.discovery;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.resource.ResourceDefinition;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DiscoveryDocumentsTest {

    /** What kubectl 1.32 and helm send to /api and /apis. */
    private static final String KUBECTL_ACCEPT = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
            + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList,application/json";
    private static final String V2 = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
    private final DiscoveryDocuments documents = new DiscoveryDocuments(catalogue, "127.0.0.1:6443");

    private ServedDocument get(String path, String accept) {
        return documents.get(path, accept).orElseThrow(() -> new AssertionError(path + " is not served"));
    }

    private static JsonNode tree(ServedDocument doc) throws IOException {
        return JSON.readTree(doc.body());
    }

    private static JsonNode entry(JsonNode list, String field, String name) {
        for (JsonNode n : list) {
            if (n.path(field).asText().equals(name)) {
                return n;
            }
        }
        throw new AssertionError("no " + name + " in " + list);
    }

    @Test
    void apiListsTheCoreVersionWithoutAnApiVersionAsKubernetesDoes() throws IOException {
        ServedDocument doc = get("/api", "application/json");
        assertThat(doc.contentType()).isEqualTo("application/json");
        assertThat(doc.text()).isEqualTo("{\"kind\":\"APIVersions\",\"versions\":[\"v1\"],\"serverAddressByClientCIDRs\":"
                + "[{\"clientCIDR\":\"0.0.0.0/0\",\"serverAddress\":\"127.0.0.1:6443\"}]}\n");
        assertThat(doc.headers()).containsEntry("Vary", "Accept");
    }

    @Test
    void coreResourceListHasPodsAndTheirSubresourcesAsEntries() throws IOException {
        JsonNode doc = tree(get("/api/v1", null));
        assertThat(doc.has("apiVersion")).isFalse();
        assertThat(doc.get("kind").asText()).isEqualTo("APIResourceList");
        assertThat(doc.get("groupVersion").asText()).isEqualTo("v1");
        JsonNode resources = doc.get("resources");
        List<String> names = new ArrayList<>();
        resources.forEach(r -> names.add(r.get("name").asText()));
        assertThat(names).isSorted().contains("pods", "pods/status", "pods/binding", "pods/eviction",
                "namespaces/finalize", "serviceaccounts/token", "nodes/status");
        assertThat(entry(resources, "name", "pods").toString()).isEqualTo("{\"name\":\"pods\",\"singularName\":\"pod\","
                + "\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\","
                + "\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"po\"],\"categories\":[\"all\"],"
                + "\"storageVersionHash\":\"xPOwRZ+Yhw8=\"}");
        assertThat(entry(resources, "name", "pods/status").toString()).isEqualTo("{\"name\":\"pods/status\","
                + "\"singularName\":\"\",\"namespaced\":true,\"kind\":\"Pod\",\"verbs\":[\"get\",\"patch\",\"update\"]}");
        assertThat(entry(resources, "name", "pods/eviction").toString()).isEqualTo("{\"name\":\"pods/eviction\","
                + "\"singularName\":\"\",\"namespaced\":true,\"group\":\"policy\",\"version\":\"v1\","
                + "\"kind\":\"Eviction\",\"verbs\":[\"create\"]}");
        assertThat(entry(resources, "name", "serviceaccounts/token").get("group").asText())
                .isEqualTo("authentication.k8s.io");
        assertThat(entry(resources, "name", "namespaces").get("namespaced").asBoolean()).isFalse();
    }

    @Test
    void appsResourceListNamesItsApiVersionAndScaleKind() throws IOException {
        JsonNode doc = tree(get("/apis/apps/v1", "application/json"));
        assertThat(doc.get("apiVersion").asText()).isEqualTo("v1");
        assertThat(doc.get("groupVersion").asText()).isEqualTo("apps/v1");
        JsonNode resources = doc.get("resources");
        assertThat(entry(resources, "name", "deployments").get("shortNames").toString()).isEqualTo("[\"deploy\"]");
        assertThat(entry(resources, "name", "deployments").get("storageVersionHash").asText()).isEqualTo("8aSe+NMegvE=");
        assertThat(entry(resources, "name", "deployments/scale").toString()).isEqualTo("{\"name\":\"deployments/scale\","
                + "\"singularName\":\"\",\"namespaced\":true,\"group\":\"autoscaling\",\"version\":\"v1\","
                + "\"kind\":\"Scale\",\"verbs\":[\"get\",\"patch\",\"update\"]}");
    }

    @Test
    void apisListsTheNamedGroupsWithTheirPreferredVersion() throws IOException {
        JsonNode doc = tree(get("/apis", "application/json"));
        assertThat(doc.get("kind").asText()).isEqualTo("APIGroupList");
        assertThat(doc.get("groups").get(0).get("name").asText()).as("kube-aggregator's first group")
                .isEqualTo("apiregistration.k8s.io");
        assertThat(doc.get("groups").get(1).toString()).isEqualTo("{\"name\":\"apps\",\"versions\":[{\"groupVersion\":"
                + "\"apps/v1\",\"version\":\"v1\"}],\"preferredVersion\":{\"groupVersion\":\"apps/v1\",\"version\":\"v1\"}}");
        JsonNode group = tree(get("/apis/batch", null));
        assertThat(group.get("kind").asText()).isEqualTo("APIGroup");
        assertThat(group.get("preferredVersion").get("groupVersion").asText()).isEqualTo("batch/v1");
    }

    @Test
    void kubectlsAcceptHeaderGetsTheAggregatedV2List() throws IOException {
        ServedDocument doc = get("/apis", KUBECTL_ACCEPT);
        assertThat(doc.contentType()).isEqualTo(V2);
        JsonNode list = tree(doc);
        assertThat(list.get("kind").asText()).isEqualTo("APIGroupDiscoveryList");
        assertThat(list.get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2");
        JsonNode apps = list.get("items").get(1);
        assertThat(apps.get("metadata").toString()).isEqualTo("{\"name\":\"apps\",\"creationTimestamp\":null}");
        JsonNode v1 = apps.get("versions").get(0);
        assertThat(v1.get("version").asText()).isEqualTo("v1");
        assertThat(v1.get("freshness").asText()).isEqualTo("Current");
        assertThat(entry(v1.get("resources"), "resource", "deployments").toString()).isEqualTo("{\"resource\":\"deployments\","
                + "\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Deployment\"},\"scope\":\"Namespaced\","
                + "\"singularResource\":\"deployment\",\"verbs\":[\"create\",\"delete\",\"deletecollection\",\"get\","
                + "\"list\",\"patch\",\"update\",\"watch\"],\"shortNames\":[\"deploy\"],\"categories\":[\"all\"],"
                + "\"subresources\":[{\"subresource\":\"scale\",\"responseKind\":{\"group\":\"autoscaling\","
                + "\"version\":\"v1\",\"kind\":\"Scale\"},\"verbs\":[\"get\",\"patch\",\"update\"]},"
                + "{\"subresource\":\"status\",\"responseKind\":{\"group\":\"\",\"version\":\"\",\"kind\":\"Deployment\"},"
                + "\"verbs\":[\"get\",\"patch\",\"update\"]}]}");
        JsonNode core = tree(get("/api", KUBECTL_ACCEPT));
        assertThat(core.get("items")).hasSize(1);
        assertThat(core.get("items").get(0).get("metadata").toString()).isEqualTo("{\"creationTimestamp\":null}");
        assertThat(entry(core.get("items").get(0).get("versions").get(0).get("resources"), "resource", "nodes")
                .get("scope").asText()).isEqualTo("Cluster");
    }

    @Test
    void aClientAskingOnlyForV2beta1GetsIt() throws IOException {
        ServedDocument doc = get("/apis", "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList");
        assertThat(doc.contentType()).endsWith("v=v2beta1;as=APIGroupDiscoveryList");
        assertThat(tree(doc).get("apiVersion").asText()).isEqualTo("apidiscovery.k8s.io/v2beta1");
    }

    @Test
    void protobufIsPassedOverForTheJsonAlternative() {
        String accept = "application/vnd.kubernetes.protobuf;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList," + V2
                + ",application/vnd.kubernetes.protobuf,application/json";
        assertThat(get("/apis", accept).contentType()).isEqualTo(V2);
        assertThat(get("/apis/apps/v1", "application/vnd.kubernetes.protobuf,application/json").contentType())
                .isEqualTo("application/json");
        assertThat(get("/apis", "application/json;q=0.5," + V2).contentType()).isEqualTo(V2);
    }

    @Test
    void aGroupVersionAskedForAggregatedOnlyIsNotAcceptable() {
        assertThatThrownBy(() -> documents.get("/apis/apps/v1", V2))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(406));
        assertThatThrownBy(() -> documents.get("/apis", "text/html"))
                .isInstanceOfSatisfying(StatusException.class, e -> assertThat(e.code()).isEqualTo(406));
    }

    @Test
    void pathsThatAreNotDiscoveryAreLeftToTheCaller() {
        assertThat(documents.get("/api/v1/pods", null)).isEmpty();
        assertThat(documents.get("/apis/apps/v2", null)).isEmpty();
        assertThat(documents.get("/apis/example.com", null)).isEmpty();
        assertThat(documents.get("/apis/", null)).isPresent();
    }

    @Test
    void etagsAreStableAndAnswer304() {
        ServedDocument first = get("/apis", KUBECTL_ACCEPT);
        ServedDocument again = new DiscoveryDocuments(ResourceCatalogue.builtIn(), "127.0.0.1:6443")
                .get("/apis", KUBECTL_ACCEPT).orElseThrow();
        assertThat(again.etag()).isEqualTo(first.etag()).startsWith("\"").endsWith("\"");
        assertThat(first.matches(first.etag())).isTrue();
        assertThat(first.matches("\"other\", " + first.etag())).isTrue();
        assertThat(first.matches("W/" + first.etag())).isTrue();
        assertThat(first.matches("\"other\"")).isFalse();
        assertThat(first.matches(null)).isFalse();
        assertThat(get("/apis", "application/json").etag()).isNotEqualTo(first.etag());
    }

    @Test
    void aNewResourceChangesTheDocumentsAndTheirEtags() throws IOException {
        ServedDocument before = get("/apis", KUBECTL_ACCEPT);
        ServedDocument coreBefore = get("/api", KUBECTL_ACCEPT);
        assertThat(get("/apis", KUBECTL_ACCEPT)).isSameAs(before);
        GroupVersion gv = new GroupVersion("example.com", "v1");
        catalogue.put(new ResourceDefinition(gv, "widgets", null, "Widget", true,
                List.of("get", "list"), List.of("wd"), List.of(), List.of(), gv));
        ServedDocument after = get("/apis", KUBECTL_ACCEPT);
        assertThat(after.etag()).isNotEqualTo(before.etag());
        assertThat(get("/api", KUBECTL_ACCEPT).etag()).isEqualTo(coreBefore.etag());
        JsonNode items = tree(after).get("items");
        assertThat(items.get(items.size() - 1).get("metadata").get("name").asText()).isEqualTo("example.com");
        assertThat(tree(get("/apis/example.com/v1", null)).get("resources").get(0).get("name").asText())
                .isEqualTo("widgets");

        catalogue.remove(gv, "widgets");
        assertThat(get("/apis", KUBECTL_ACCEPT).etag()).isEqualTo(before.etag());
        assertThat(documents.get("/apis/example.com/v1", null)).isEmpty();
    }
}
