package dev.caravel.apiserver.apiextensions;

import dev.caravel.apiserver.server.CaravelServer;
import dev.caravel.apiserver.server.Kubeconfig;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.GenericKubernetesResourceBuilder;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionBuilder;
import io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionCondition;
import io.fabric8.kubernetes.api.model.apiextensions.v1.JSONSchemaPropsBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.Watch;
import io.fabric8.kubernetes.client.Watcher;
import io.fabric8.kubernetes.client.WatcherException;
import io.fabric8.kubernetes.client.dsl.base.ResourceDefinitionContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** fabric8's client against an in-process server: CRDs and their custom resources as GenericKubernetesResource. */
@SuppressWarnings("unchecked")
class Fabric8CustomResourceTest {

    private KeyValueStore store;
    private CaravelServer server;
    private KubernetesClient client;

    private static final ResourceDefinitionContext WIDGETS = new ResourceDefinitionContext.Builder()
            .withGroup("shop.example.com").withVersion("v1").withPlural("widgets").withKind("Widget").withNamespaced(true)
            .build();

    @BeforeEach
    void start() throws Exception {
        store = MemoryStore.open();
        startServer();
        client.namespaces().resource(new NamespaceBuilder().withNewMetadata().withName("shop").endMetadata().build()).create();
    }

    private void startServer() throws Exception {
        server = new CaravelServer(CaravelServer.Config.loopback(0, store));
        server.start();
        client = new KubernetesClientBuilder().withConfig(Config.fromKubeconfig(Kubeconfig.render(server.url()))).build();
    }

    private void stopServer() {
        client.close();
        server.close();
    }

    @AfterEach
    void stop() {
        if (client != null) {
            client.close();
        }
        if (server != null) {
            server.close();
        }
        if (store != null) {
            store.close();
        }
    }

    private static CustomResourceDefinition widgets(String plural, String kind, String... shortNames) {
        return new CustomResourceDefinitionBuilder()
                .withNewMetadata().withName(plural + ".shop.example.com").endMetadata()
                .withNewSpec().withGroup("shop.example.com").withScope("Namespaced")
                .withNewNames().withPlural(plural).withKind(kind).withShortNames(shortNames).endNames()
                .addNewVersion().withName("v1").withServed(true).withStorage(true)
                .withNewSubresources().withNewStatus().endStatus()
                .withNewScale().withSpecReplicasPath(".spec.size").withStatusReplicasPath(".status.size")
                .withLabelSelectorPath(".status.selector").endScale().endSubresources()
                .withNewSchema().withOpenAPIV3Schema(new JSONSchemaPropsBuilder().withType("object")
                        .addToProperties("spec", new JSONSchemaPropsBuilder().withType("object")
                                .addToProperties("size", new JSONSchemaPropsBuilder().withType("integer").build())
                                .addToProperties("colour", new JSONSchemaPropsBuilder().withType("string")
                                        .withDefault(new com.fasterxml.jackson.databind.node.TextNode("blue")).build())
                                .build())
                        .addToProperties("status", new JSONSchemaPropsBuilder().withType("object")
                                .addToProperties("size", new JSONSchemaPropsBuilder().withType("integer").build())
                                .addToProperties("selector", new JSONSchemaPropsBuilder().withType("string").build())
                                .build())
                        .build()).endSchema()
                .endVersion().endSpec().build();
    }

    private CustomResourceDefinition createEstablished(CustomResourceDefinition crd) {
        client.apiextensions().v1().customResourceDefinitions().resource(crd).create();
        return client.apiextensions().v1().customResourceDefinitions().withName(crd.getMetadata().getName())
                .waitUntilCondition(c -> c != null && c.getStatus() != null && c.getStatus().getConditions().stream()
                        .anyMatch(cond -> cond.getType().equals("Established") && cond.getStatus().equals("True")),
                        5, TimeUnit.SECONDS);
    }

    private static GenericKubernetesResource widget(String name, int size) {
        return new GenericKubernetesResourceBuilder().withApiVersion("shop.example.com/v1").withKind("Widget")
                .withNewMetadata().withName(name).withNamespace("shop").addToLabels("tier", "gold").endMetadata()
                .addToAdditionalProperties("spec", Map.of("size", size))
                .build();
    }

    @Test
    void anEstablishedCrdIsInDiscoveryAsSoonAsItIsEstablishedAndHasTheReferenceConditions() {
        CustomResourceDefinition crd = createEstablished(widgets("widgets", "Widget", "wd"));
        assertThat(client.getApiResources("shop.example.com/v1").getResources())
                .anySatisfy(r -> {
                    assertThat(r.getName()).isEqualTo("widgets");
                    assertThat(r.getShortNames()).containsExactly("wd");
                    assertThat(r.getNamespaced()).isTrue();
                });
        assertThat(crd.getStatus().getConditions()).extracting(CustomResourceDefinitionCondition::getType,
                        CustomResourceDefinitionCondition::getStatus, CustomResourceDefinitionCondition::getReason,
                        CustomResourceDefinitionCondition::getMessage)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("NamesAccepted", "True", "NoConflicts", "no conflicts found"),
                        org.assertj.core.groups.Tuple.tuple("Established", "True", "InitialNamesAccepted",
                                "the initial names have been accepted"));
        assertThat(crd.getStatus().getAcceptedNames().getListKind()).isEqualTo("WidgetList");
        assertThat(crd.getStatus().getAcceptedNames().getSingular()).isEqualTo("widget");
        assertThat(crd.getStatus().getStoredVersions()).containsExactly("v1");
        assertThat(crd.getSpec().getConversion().getStrategy()).isEqualTo("None");
    }

    @Test
    void customResourcesAreCreatedDefaultedListedWatchedScaledAndStatusUpdated() throws Exception {
        createEstablished(widgets("widgets", "Widget"));
        var widgets = client.genericKubernetesResources(WIDGETS).inNamespace("shop");
        BlockingQueue<String> events = new LinkedBlockingQueue<>();
        try (Watch ignored = widgets.watch(new Watcher<>() {
            @Override
            public void eventReceived(Action action, GenericKubernetesResource resource) {
                events.add(action + " " + resource.getMetadata().getName());
            }

            @Override
            public void onClose(WatcherException cause) {
            }
        })) {
            GenericKubernetesResource created = widgets.resource(widget("small", 1)).create();
            assertThat(created.getMetadata().getGeneration()).isEqualTo(1L);
            assertThat((Map<Object, Object>) created.getAdditionalProperties().get("spec")).containsEntry("colour", "blue");
            assertThat(events.poll(5, TimeUnit.SECONDS)).isEqualTo("ADDED small");

            widgets.resource(widget("large", 9)).create();
            assertThat(widgets.withLabel("tier", "gold").list().getItems()).hasSize(2);

            // the main resource ignores status; the status subresource ignores everything else
            GenericKubernetesResource withStatus = widgets.withName("small").get();
            withStatus.getAdditionalProperties().put("status", Map.of("size", 1, "selector", "tier=gold"));
            GenericKubernetesResource afterMain = widgets.resource(withStatus).update();
            assertThat(afterMain.getAdditionalProperties()).doesNotContainKey("status");
            afterMain.getAdditionalProperties().put("status", Map.of("size", 1, "selector", "tier=gold"));
            GenericKubernetesResource afterStatus = widgets.resource(afterMain).updateStatus();
            assertThat((Map<Object, Object>) afterStatus.getAdditionalProperties().get("status")).containsEntry("size", 1);
            assertThat(afterStatus.getMetadata().getGeneration()).isEqualTo(1L);

            widgets.withName("small").scale(4);
            GenericKubernetesResource scaled = widgets.withName("small").get();
            assertThat((Map<Object, Object>) scaled.getAdditionalProperties().get("spec")).containsEntry("size", 4);
            assertThat(scaled.getMetadata().getGeneration()).isEqualTo(2L);
            assertThat(client.genericKubernetesResources(WIDGETS).inNamespace("shop").withName("small").scale()
                    .getStatus().getSelector()).isEqualTo("tier=gold");

            widgets.withName("large").delete();
            assertThat(events).isNotNull();
            List<String> seen = new java.util.ArrayList<>();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!seen.contains("DELETED large") && System.nanoTime() < deadline) {
                String e = events.poll(100, TimeUnit.MILLISECONDS);
                if (e != null) {
                    seen.add(e);
                }
            }
            assertThat(seen).contains("ADDED large", "MODIFIED small", "DELETED large");
        }
    }

    @Test
    void aNameAnotherCrdOfTheGroupHoldsIsAConflict() {
        createEstablished(widgets("widgets", "Widget", "wd"));
        client.apiextensions().v1().customResourceDefinitions().resource(widgets("gadgets", "Gadget", "wd")).create();
        CustomResourceDefinition conflicting = client.apiextensions().v1().customResourceDefinitions()
                .withName("gadgets.shop.example.com").waitUntilCondition(c -> c.getStatus() != null
                        && c.getStatus().getConditions().stream().anyMatch(cond -> cond.getType().equals("NamesAccepted")),
                        5, TimeUnit.SECONDS);
        assertThat(conflicting.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("NamesAccepted");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("ShortNamesConflict");
            assertThat(c.getMessage()).isEqualTo("\"wd\" is already in use");
        });
        assertThat(conflicting.getStatus().getConditions()).anySatisfy(c -> {
            assertThat(c.getType()).isEqualTo("Established");
            assertThat(c.getStatus()).isEqualTo("False");
            assertThat(c.getReason()).isEqualTo("NotAccepted");
        });
    }

    @Test
    void anInvalidCrdIsRefusedWithTheReferenceCauses() {
        CustomResourceDefinition bad = widgets("widgets", "Widget");
        bad.getMetadata().setName("wrong.shop.example.com");
        bad.getSpec().getVersions().get(0).setStorage(false);
        assertThatThrownBy(() -> client.apiextensions().v1().customResourceDefinitions().resource(bad).create())
                .isInstanceOf(KubernetesClientException.class)
                .satisfies(e -> {
                    KubernetesClientException k = (KubernetesClientException) e;
                    assertThat(k.getCode()).isEqualTo(422);
                    assertThat(k.getStatus().getMessage())
                            .startsWith("CustomResourceDefinition.apiextensions.k8s.io \"wrong.shop.example.com\" is invalid")
                            .contains("metadata.name: Invalid value: \"wrong.shop.example.com\": must be spec.names.plural+\".\"+spec.group")
                            .contains("must have exactly one version marked as storage version");
                });
        assertThat(client.apiextensions().v1().customResourceDefinitions().list().getItems()).isEmpty();
    }

    @Test
    void deletingACrdDeletesItsInstancesFirstAndItsResourceLeavesDiscovery() {
        createEstablished(widgets("widgets", "Widget"));
        var widgets = client.genericKubernetesResources(WIDGETS).inNamespace("shop");
        widgets.resource(widget("one", 1)).create();
        widgets.resource(widget("two", 2)).create();

        client.apiextensions().v1().customResourceDefinitions().withName("widgets.shop.example.com").delete();
        client.apiextensions().v1().customResourceDefinitions().withName("widgets.shop.example.com")
                .waitUntilCondition(java.util.Objects::isNull, 10, TimeUnit.SECONDS);
        assertThat(client.getApiGroups().getGroups()).noneMatch(g -> g.getName().equals("shop.example.com"));
        assertThat(store.range(dev.caravel.storage.RangeRequest.prefix(
                dev.caravel.storage.ByteKeys.utf8("/registry/shop.example.com/"))).kvs()).isEmpty();
    }

    @Test
    void aVersionAddedToAnEstablishedCrdIsServedAndAVersionNoLongerServedLeavesDiscovery() throws Exception {
        createEstablished(widgets("widgets", "Widget"));
        client.genericKubernetesResources(WIDGETS).inNamespace("shop").resource(widget("both", 2)).create();
        CustomResourceDefinition crd = client.apiextensions().v1().customResourceDefinitions()
                .withName("widgets.shop.example.com").get();
        var v2 = new io.fabric8.kubernetes.api.model.apiextensions.v1.CustomResourceDefinitionVersionBuilder(
                crd.getSpec().getVersions().get(0)).withName("v2").withStorage(false).build();
        crd.getSpec().getVersions().add(v2);
        client.apiextensions().v1().customResourceDefinitions().resource(crd).update();
        ResourceDefinitionContext atV2 = new ResourceDefinitionContext.Builder().withGroup("shop.example.com")
                .withVersion("v2").withPlural("widgets").withKind("Widget").withNamespaced(true).build();
        GenericKubernetesResource seen = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (seen == null && System.nanoTime() < deadline) {
            try {
                seen = client.genericKubernetesResources(atV2).inNamespace("shop").withName("both").get();
            } catch (KubernetesClientException e) {
                Thread.sleep(20);
            }
        }
        assertThat(seen).isNotNull();
        assertThat(seen.getApiVersion()).isEqualTo("shop.example.com/v2");

        CustomResourceDefinition latest = client.apiextensions().v1().customResourceDefinitions()
                .withName("widgets.shop.example.com").get();
        latest.getSpec().getVersions().get(1).setServed(false);
        client.apiextensions().v1().customResourceDefinitions().resource(latest).update();
        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (client.getApiResources("shop.example.com/v2") != null && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(client.getApiResources("shop.example.com/v2")).isNull();
        assertThat(client.genericKubernetesResources(WIDGETS).inNamespace("shop").withName("both").get()).isNotNull();
    }

    @Test
    void aRestartedServerServesItsStoredCrdsFromTheFirstRequest() throws Exception {
        createEstablished(widgets("widgets", "Widget"));
        client.genericKubernetesResources(WIDGETS).inNamespace("shop").resource(widget("kept", 3)).create();
        stopServer();
        startServer();
        GenericKubernetesResource kept = client.genericKubernetesResources(WIDGETS).inNamespace("shop").withName("kept").get();
        assertThat((Map<Object, Object>) kept.getAdditionalProperties().get("spec")).containsEntry("size", 3);
    }
}
