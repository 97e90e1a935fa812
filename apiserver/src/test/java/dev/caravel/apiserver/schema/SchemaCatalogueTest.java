package dev.caravel.apiserver.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SchemaCatalogueTest {

    private final SchemaCatalogue catalogue = SchemaCatalogue.kubernetes();

    private Schema definition(String name) {
        return catalogue.definition(name).orElseThrow();
    }

    @Test
    void kubernetesDocumentHoldsEveryDefinition() {
        assertThat(catalogue.definitionNames()).hasSize(771)
                .contains("io.k8s.api.core.v1.Pod", "io.k8s.api.apps.v1.Deployment");
    }

    @Test
    void kindsAreFoundByGroupVersionKind() {
        assertThat(catalogue.forKind(new GroupVersionKind("apps", "v1", "Deployment")))
                .get().extracting(s -> s.definitionName().orElseThrow())
                .isEqualTo("io.k8s.api.apps.v1.Deployment");
        assertThat(catalogue.forKind(GroupVersionKind.of("v1", "Pod")).orElseThrow().definitionName())
                .contains("io.k8s.api.core.v1.Pod");
        assertThat(catalogue.definitionNameOf(GroupVersionKind.of("batch/v1", "CronJob")))
                .contains("io.k8s.api.batch.v1.CronJob");
        assertThat(catalogue.forKind(GroupVersionKind.of("v1", "NoSuchKind"))).isEmpty();
    }

    @Test
    void oneDefinitionMayServeManyKinds() {
        // DeleteOptions is declared once and claimed by every group version.
        assertThat(catalogue.definitionNameOf(GroupVersionKind.of("apps/v1", "DeleteOptions")))
                .contains("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions");
        assertThat(catalogue.definitionNameOf(GroupVersionKind.of("v1", "DeleteOptions")))
                .contains("io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions");
    }

    @Test
    void definitionsAreParsedOnceAndShared() {
        assertThat(definition("io.k8s.api.core.v1.PodSpec")).isSameAs(definition("io.k8s.api.core.v1.PodSpec"));
    }

    @Test
    void selfReferringDefinitionResolvesWithoutRecursion() {
        Schema props = definition("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps");
        // "properties" is a map whose values are JSONSchemaProps again.
        Schema nested = props.at("properties", "spec").orElseThrow();
        assertThat(nested.ref()).contains("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps");
        assertThat(nested.resolved()).isSameAs(props);
        assertThat(props.at("properties", "spec", "properties", "replicas", "items").orElseThrow().ref())
                .contains("io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray");
    }

    @Test
    void fieldMetadataSitsBesideTheReference() {
        Schema strategy = definition("io.k8s.api.apps.v1.DeploymentSpec").field("strategy").orElseThrow();
        assertThat(strategy.ref()).contains("io.k8s.api.apps.v1.DeploymentStrategy");
        assertThat(strategy.patchStrategies()).containsExactly("retainKeys");
        assertThat(strategy.resolved().properties()).containsKeys("type", "rollingUpdate");
    }

    @Test
    void pathsStepThroughListsAndMaps() {
        Schema deployment = catalogue.forKind(GroupVersionKind.of("apps/v1", "Deployment")).orElseThrow();
        Schema env = deployment.at("spec", "template", "spec", "containers", "env").orElseThrow();
        assertThat(env.patchMergeKey()).contains("name");
        assertThat(env.element().orElseThrow().ref()).contains("io.k8s.api.core.v1.EnvVar");
        Schema label = deployment.at("metadata", "labels", "app").orElseThrow();
        assertThat(label.type()).contains("string");
        assertThat(deployment.at("spec", "noSuchField")).isEmpty();
    }

    @Test
    void listAndMapExtensionsAreRead() {
        Schema ports = definition("io.k8s.api.core.v1.ServiceSpec").field("ports").orElseThrow();
        assertThat(ports.listType()).contains("map");
        assertThat(ports.listMapKeys()).containsExactly("port", "protocol");
        Schema nodeSelector = definition("io.k8s.api.core.v1.PodSpec").field("nodeSelector").orElseThrow();
        assertThat(nodeSelector.mapType()).contains("atomic");
        assertThat(nodeSelector.additionalProperties().orElseThrow().type()).contains("string");
        assertThat(definition("io.k8s.api.core.v1.Pod").groupVersionKinds())
                .containsExactly(new GroupVersionKind("", "v1", "Pod"));
    }

    @Test
    void intOrStringIsRecognisedByItsV2Format() {
        assertThat(definition("io.k8s.apimachinery.pkg.util.intstr.IntOrString").intOrString()).isTrue();
        Schema targetPort = definition("io.k8s.api.core.v1.ServicePort").field("targetPort").orElseThrow();
        assertThat(targetPort.resolved().intOrString()).isTrue();
    }

    @Test
    void requiredFieldsAreListed() {
        assertThat(definition("io.k8s.api.core.v1.Container").required()).containsExactly("name");
    }

    @Test
    void patchMetaNamesStrategiesAndMergeKeys() {
        Schema pod = definition("io.k8s.api.core.v1.Pod");
        assertThat(PatchMeta.at(pod, "spec", "containers"))
                .isEqualTo(new PatchMeta(List.of("merge"), Optional.of("name")));
        PatchMeta volumes = PatchMeta.at(pod, "spec", "volumes");
        assertThat(volumes.strategyText()).isEqualTo("merge,retainKeys");
        assertThat(volumes.merges()).isTrue();
        assertThat(volumes.retainKeys()).isTrue();
        assertThat(PatchMeta.at(pod, "spec", "tolerations")).isEqualTo(PatchMeta.NONE);
        PatchMeta finalizers = PatchMeta.at(pod, "metadata", "finalizers");
        assertThat(finalizers.merges()).isTrue();
        assertThat(finalizers.mergeKey()).isEmpty();
        assertThat(PatchMeta.at(pod, "spec", "containers", "ports").mergeKey()).contains("containerPort");
        assertThat(PatchMeta.at(pod, "spec", "noSuchField")).isEqualTo(PatchMeta.NONE);
    }

    @Test
    void everyPatchStrategyInTheDocumentIsUnderstood() {
        for (String name : catalogue.definitionNames()) {
            for (Schema property : definition(name).properties().values()) {
                PatchMeta meta = property.patchMeta();
                assertThat(List.of("", "merge", "replace")).contains(meta.strategy());
                if (meta.merges() && property.element().map(e -> e.resolved().type().orElse("object"))
                        .orElse("").equals("object")) {
                    assertThat(meta.mergeKey()).as(name + " list of objects merged without a key").isPresent();
                }
            }
        }
    }

    @Test
    void otherSectionsAreAvailableAsFreshTrees() {
        assertThat(catalogue.section("paths")).get().matches(p -> p.has("/api/v1/namespaces/{namespace}/pods"));
        assertThat(catalogue.section("info").orElseThrow().path("title").asText()).isEqualTo("Kubernetes");
    }

    @Test
    void standaloneSchemaReadsStructuralExtensions() throws Exception {
        Schema schema = Schema.standalone(new ObjectMapper().readTree("""
                {"type": "object", "x-kubernetes-preserve-unknown-fields": true,
                 "properties": {"template": {"type": "object", "x-kubernetes-embedded-resource": true},
                                "port": {"x-kubernetes-int-or-string": true}}}"""));
        assertThat(schema.preservesUnknownFields()).isTrue();
        assertThat(schema.field("template").orElseThrow().embeddedResource()).isTrue();
        assertThat(schema.field("port").orElseThrow().intOrString()).isTrue();
        assertThat(schema.json().path("type").asText()).isEqualTo("object");
    }

    @Test
    void aDocumentWithoutDefinitionsIsRefused() {
        assertThatThrownBy(() -> SchemaCatalogue.load("{\"paths\": {}}".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SchemaCatalogue.load("[1]".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aSmallDocumentIndexesKindsAndResolvesReferences() {
        SchemaCatalogue small = SchemaCatalogue.load("""
                {"definitions": {
                  "a.Thing": {"type": "object", "properties": {"child": {"$ref": "#/definitions/a.Child"}},
                              "x-kubernetes-group-version-kind": [{"group": "a", "version": "v1", "kind": "Thing"}]},
                  "a.Child": {"type": "object", "properties": {"name": {"type": "string"}}}}}
                """.getBytes(StandardCharsets.UTF_8));
        Schema thing = small.forKind(GroupVersionKind.of("a/v1", "Thing")).orElseThrow();
        assertThat(thing.at("child", "name").orElseThrow().type()).contains("string");
    }
}
