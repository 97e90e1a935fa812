package dev.caravel.apiserver.printer;

import static dev.caravel.apiserver.printer.TestObjects.CLOCK;
import static dev.caravel.apiserver.printer.TestObjects.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.GroupResource;
import dev.caravel.apiserver.api.StatusException;
import org.junit.jupiter.api.Test;

class TablePrinterTest {

    private final TablePrinter printer = new TablePrinter(ResourcePrinters.builtin(), CLOCK);

    private static final String CONFIG_MAP_LIST = """
        {"kind":"ConfigMapList","apiVersion":"v1",
         "metadata":{"resourceVersion":"42","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},
         "items":[
           {"kind":"ConfigMap","apiVersion":"v1",
            "metadata":{"name":"settings","namespace":"default","resourceVersion":"40","uid":"u-1",
                        "creationTimestamp":"2024-05-01T11:57:00Z","labels":{"app":"web"}},
            "data":{"a":"1","b":"2"},"binaryData":{"c":"AA=="}}]}
        """;

    @Test
    void aListTableCarriesTheListMetadataColumnsAndOneRowPerItem() {
        ObjectNode table = printer.listTable(GroupResource.core("configmaps"), json(CONFIG_MAP_LIST), IncludeObject.METADATA);
        assertThat(table.toString()).isEqualTo("""
            {"kind":"Table","apiVersion":"meta.k8s.io/v1",\
            "metadata":{"resourceVersion":"42","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ","remainingItemCount":3},\
            "columnDefinitions":[\
            {"name":"Name","type":"string","format":"name","description":"%s","priority":0},\
            {"name":"Data","type":"string","format":"","description":"Number of keys in data and binaryData.","priority":0},\
            {"name":"Age","type":"string","format":"","description":"%s","priority":0}],\
            "rows":[{"cells":["settings",3,"3m"],\
            "object":{"kind":"PartialObjectMetadata","apiVersion":"meta.k8s.io/v1",\
            "metadata":{"name":"settings","namespace":"default","resourceVersion":"40","uid":"u-1",\
            "creationTimestamp":"2024-05-01T11:57:00Z","labels":{"app":"web"}}}}]}"""
                .formatted(Descriptions.NAME, Descriptions.CREATION_TIMESTAMP));
    }

    @Test
    void includeObjectNoneLeavesTheObjectNullAndObjectEmbedsItWhole() {
        ObjectNode none = printer.listTable(GroupResource.core("configmaps"), json(CONFIG_MAP_LIST), IncludeObject.NONE);
        assertThat(none.at("/rows/0").has("object")).isTrue();
        assertThat(none.at("/rows/0/object").isNull()).isTrue();

        ObjectNode whole = printer.listTable(GroupResource.core("configmaps"), json(CONFIG_MAP_LIST), IncludeObject.OBJECT);
        assertThat(whole.at("/rows/0/object")).isEqualTo(json(CONFIG_MAP_LIST).at("/items/0"));
    }

    @Test
    void embeddedListItemsGetTheKindAndApiVersionTheListOmits() {
        ObjectNode list = json(CONFIG_MAP_LIST);
        ((ObjectNode) list.at("/items/0")).remove(java.util.List.of("kind", "apiVersion"));
        ObjectNode table = printer.listTable(GroupResource.core("configmaps"), list, IncludeObject.OBJECT);
        assertThat(table.at("/rows/0/object").toString())
                .startsWith("{\"kind\":\"ConfigMap\",\"apiVersion\":\"v1\",\"metadata\":{\"name\":\"settings\"");
    }

    @Test
    void anEmptyListHasColumnsAndNoRows() {
        ObjectNode table = printer.listTable(GroupResource.core("pods"),
                json("{\"kind\":\"PodList\",\"apiVersion\":\"v1\",\"metadata\":{\"resourceVersion\":\"7\"},\"items\":[]}"),
                IncludeObject.METADATA);
        assertThat(table.path("rows").toString()).isEqualTo("[]");
        assertThat(table.path("columnDefinitions").size()).isEqualTo(9);
        assertThat(table.path("metadata").toString()).isEqualTo("{\"resourceVersion\":\"7\"}");
    }

    @Test
    void aSingleObjectTableTakesTheObjectsResourceVersion() {
        ObjectNode table = printer.objectTable(GroupResource.core("configmaps"),
                (ObjectNode) json(CONFIG_MAP_LIST).at("/items/0"), IncludeObject.METADATA);
        assertThat(table.path("metadata").toString()).isEqualTo("{\"resourceVersion\":\"40\"}");
        assertThat(table.path("rows").size()).isEqualTo(1);
    }

    @Test
    void aWatchSendsColumnDefinitionsWithItsFirstEventOnly() {
        TablePrinter.WatchTables watch = printer.watch(GroupResource.core("configmaps"), IncludeObject.METADATA);
        ObjectNode item = (ObjectNode) json(CONFIG_MAP_LIST).at("/items/0");
        ObjectNode first = watch.next(item);
        ObjectNode second = watch.next(item);
        assertThat(first.path("columnDefinitions").size()).isEqualTo(3);
        assertThat(second.has("columnDefinitions")).isTrue();
        assertThat(second.path("columnDefinitions").isNull()).isTrue();
        assertThat(second.at("/rows/0/cells").toString()).isEqualTo("[\"settings\",3,\"3m\"]");
        assertThat(second.path("metadata").toString()).isEqualTo("{\"resourceVersion\":\"40\"}");
    }

    @Test
    void aResourceWithoutPrinterGetsNameAndCreatedAt() {
        ObjectNode role = json("""
            {"kind":"Role","apiVersion":"rbac.authorization.k8s.io/v1",
             "metadata":{"name":"reader","namespace":"default","creationTimestamp":"2024-04-30T08:15:00Z"},"rules":[]}
            """);
        ObjectNode table = printer.objectTable(new GroupResource("rbac.authorization.k8s.io", "roles"), role,
                IncludeObject.NONE);
        assertThat(table.path("columnDefinitions").toString()).isEqualTo("""
            [{"name":"Name","type":"string","format":"name","description":"%s","priority":0},\
            {"name":"Created At","type":"date","format":"","description":"%s","priority":0}]"""
                .formatted(Descriptions.NAME, Descriptions.CREATED_AT));
        assertThat(table.at("/rows/0/cells").toString()).isEqualTo("[\"reader\",\"2024-04-30T08:15:00Z\"]");
    }

    @Test
    void limitRangesAndClusterRolesUseTheDefaultTableAsInKubernetes() {
        ResourcePrinters printers = ResourcePrinters.builtin();
        assertThat(printers.forResource(GroupResource.core("limitranges"))).isSameAs(ResourcePrinters.DEFAULT);
        assertThat(printers.forResource(new GroupResource("rbac.authorization.k8s.io", "clusterroles")))
                .isSameAs(ResourcePrinters.DEFAULT);
    }

    @Test
    void aFinishedPodsRowCarriesItsCompletedCondition() {
        ObjectNode pod = json("""
            {"metadata":{"name":"done"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Failed"}}
            """);
        ObjectNode table = printer.objectTable(GroupResource.core("pods"), pod, IncludeObject.NONE);
        assertThat(table.at("/rows/0/conditions/0/reason").asText()).isEqualTo("Failed");
        ObjectNode running = json("""
            {"metadata":{"name":"up"},"spec":{"containers":[{"name":"c"}]},"status":{"phase":"Running"}}
            """);
        assertThat(printer.objectTable(GroupResource.core("pods"), running, IncludeObject.NONE).at("/rows/0")
                .has("conditions")).isFalse();
    }

    @Test
    void includeObjectIsParsedAsKubernetesSpellsItAndAnythingElseIsABadRequest() {
        assertThat(IncludeObject.parse(null)).isEqualTo(IncludeObject.METADATA);
        assertThat(IncludeObject.parse("")).isEqualTo(IncludeObject.METADATA);
        assertThat(IncludeObject.parse("None")).isEqualTo(IncludeObject.NONE);
        assertThat(IncludeObject.parse("Object")).isEqualTo(IncludeObject.OBJECT);
        assertThatThrownBy(() -> IncludeObject.parse("object"))
                .isInstanceOf(StatusException.class)
                .hasMessageContaining("unrecognized includeObject value: \"object\"");
    }

    @Test
    void partialObjectMetadataListKeepsTheListMetadataAndEachItemsMetadata() {
        ObjectNode list = json(CONFIG_MAP_LIST);
        ObjectNode partial = PartialObjectMetadata.listOf(
                java.util.List.of(list.at("/items/0")), list.path("metadata"));
        assertThat(partial.path("kind").asText()).isEqualTo("PartialObjectMetadataList");
        assertThat(partial.path("metadata").path("resourceVersion").asText()).isEqualTo("42");
        assertThat(partial.at("/items/0/kind").asText()).isEqualTo("PartialObjectMetadata");
        assertThat(partial.at("/items/0/metadata/labels/app").asText()).isEqualTo("web");
        assertThat(partial.at("/items/0").has("data")).isFalse();
    }

    @Test
    void everyBuiltinPrinterGivesOneCellPerColumnForAnEmptyObject() {
        ObjectNode empty = json("{\"metadata\":{\"name\":\"x\"}}");
        for (String resource : new String[] {"pods", "namespaces", "services", "endpoints", "configmaps", "secrets",
                "serviceaccounts", "events", "nodes", "persistentvolumeclaims", "persistentvolumes", "resourcequotas"}) {
            assertThat(printer.objectTable(GroupResource.core(resource), empty, IncludeObject.NONE).at("/rows/0/cells").size())
                    .as(resource).isEqualTo(printer.columns(GroupResource.core(resource)).size());
        }
        String[][] grouped = {{"apps", "deployments"}, {"apps", "replicasets"}, {"apps", "statefulsets"},
                {"apps", "daemonsets"}, {"batch", "jobs"}, {"batch", "cronjobs"},
                {"rbac.authorization.k8s.io", "rolebindings"}, {"rbac.authorization.k8s.io", "clusterrolebindings"},
                {"coordination.k8s.io", "leases"}, {"events.k8s.io", "events"}, {"discovery.k8s.io", "endpointslices"},
                {"policy", "poddisruptionbudgets"}, {"networking.k8s.io", "ingresses"},
                {"networking.k8s.io", "networkpolicies"}, {"storage.k8s.io", "storageclasses"},
                {"scheduling.k8s.io", "priorityclasses"}};
        for (String[] gr : grouped) {
            GroupResource resource = new GroupResource(gr[0], gr[1]);
            assertThat(ResourcePrinters.builtin().hasPrinter(resource)).as(resource.toString()).isTrue();
            assertThat(printer.objectTable(resource, empty, IncludeObject.NONE).at("/rows/0/cells").size())
                    .as(resource.toString()).isEqualTo(printer.columns(resource).size());
        }
    }
}
