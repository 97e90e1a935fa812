package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.registry.GenericStore;
import dev.caravel.apiserver.registry.Registry;
import dev.caravel.apiserver.request.DeleteOptions;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceCatalogue;
import dev.caravel.apiserver.validation.ObjectValidator;
import dev.caravel.storage.KeyValueStore;
import dev.caravel.storage.memory.MemoryStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The CRD controller driven one reconcile at a time, over a registry on the memory store. */
class CrdControllerTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final KeyValueStore kv = MemoryStore.open();
    private final Clock clock = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
    private final ResourceCatalogue catalogue = ResourceCatalogue.builtIn();
    private final Registry registry = new Registry(kv, catalogue, ObjectValidator.kubernetes(), clock);
    private final ServedTypes served = new ServedTypes(registry, catalogue, clock);
    private final GenericStore crds;
    private final CrdController controller;

    CrdControllerTest() {
        registry.addStrategies(served::strategyFor);
        crds = registry.store(CustomResources.GROUP_VERSION, CustomResources.RESOURCE);
        controller = new CrdController(crds, served, clock);
        registry.createSystemNamespaces();
    }

    @AfterEach
    void close() {
        controller.close();
        registry.close();
        kv.close();
    }

    private ObjectNode create(String plural, String kind) throws Exception {
        ObjectNode crd = (ObjectNode) JSON.readTree("""
                {"apiVersion":"apiextensions.k8s.io/v1","kind":"CustomResourceDefinition",
                 "metadata":{"name":"%s.shop.example.com"},
                 "spec":{"group":"shop.example.com","scope":"Namespaced","names":{"plural":"%s","kind":"%s"},
                   "versions":[{"name":"v1","served":true,"storage":true,
                     "schema":{"openAPIV3Schema":{"type":"object","x-kubernetes-preserve-unknown-fields":true}}}]}}
                """.formatted(plural, plural, kind));
        crds.strategy().decode(ObjectValidator.kubernetes(), crd, java.util.List.of(),
                dev.caravel.apiserver.request.FieldValidation.STRICT);
        return crds.create("", crd, false, GenericStore.Manager.update("test"));
    }

    private JsonNode condition(String name, String type) {
        return CustomResources.condition(crds.get("", name), type);
    }

    @Test
    void namesAreAcceptedThenTheCrdIsEstablishedAndServed() throws Exception {
        create("widgets", "Widget");
        controller.reconcile("widgets.shop.example.com");
        assertThat(condition("widgets.shop.example.com", "NamesAccepted").path("reason").asText()).isEqualTo("NoConflicts");
        assertThat(condition("widgets.shop.example.com", "Established").path("reason").asText()).isEqualTo("Installing");
        assertThat(catalogue.snapshot().resource(new GroupVersion("shop.example.com", "v1"), "widgets")).isEmpty();

        controller.reconcile("widgets.shop.example.com");
        assertThat(condition("widgets.shop.example.com", "Established").path("status").asText()).isEqualTo("True");
        controller.reconcile("widgets.shop.example.com");
        assertThat(catalogue.snapshot().resource(new GroupVersion("shop.example.com", "v1"), "widgets")).isPresent();
        assertThat(condition("widgets.shop.example.com", "Established").path("lastTransitionTime").asText())
                .isEqualTo("2026-01-01T00:00:00Z");
    }

    @Test
    void aKindAnotherCrdOfTheGroupAcceptedIsAConflictUntilThatCrdIsGone() throws Exception {
        create("widgets", "Widget");
        controller.reconcile("widgets.shop.example.com");
        create("widgetses", "Widget");
        controller.reconcile("widgetses.shop.example.com");
        JsonNode names = condition("widgetses.shop.example.com", "NamesAccepted");
        assertThat(names.path("status").asText()).isEqualTo("False");
        assertThat(names.path("reason").asText()).isEqualTo("ListKindConflict");
        assertThat(names.path("message").asText()).isEqualTo("\"WidgetList\" is already in use");
        assertThat(condition("widgetses.shop.example.com", "Established").path("reason").asText()).isEqualTo("NotAccepted");

        crds.delete("", "widgets.shop.example.com", DeleteOptions.defaults());
        controller.reconcile("widgets.shop.example.com"); // never established: the finalizer goes at once
        assertThat(crds.list("", dev.caravel.apiserver.request.ListOptions.defaults()).path("items")).hasSize(1);
        controller.reconcile("widgets.shop.example.com"); // gone: the others are looked at again
        controller.reconcile("widgetses.shop.example.com");
        assertThat(condition("widgetses.shop.example.com", "NamesAccepted").path("status").asText()).isEqualTo("True");
    }

    @Test
    void aTerminatingCrdRefusesNewInstancesAndWaitsForThoseKeptByFinalizers() throws Exception {
        create("widgets", "Widget");
        for (int i = 0; i < 3; i++) {
            controller.reconcile("widgets.shop.example.com"); // names, established, served
        }
        GenericStore widgets = registry.store(new GroupVersion("shop.example.com", "v1"), "widgets");
        ObjectNode kept = (ObjectNode) JSON.readTree("""
                {"metadata":{"name":"kept","finalizers":["example.com/hold"]},"spec":{"size":1}}""");
        widgets.create("default", kept, false, GenericStore.Manager.update("test"));
        widgets.create("default", (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"free\"}}"), false,
                GenericStore.Manager.update("test"));

        crds.delete("", "widgets.shop.example.com", DeleteOptions.defaults());
        controller.reconcile("widgets.shop.example.com");
        JsonNode terminating = condition("widgets.shop.example.com", "Terminating");
        assertThat(terminating.path("reason").asText()).isEqualTo("InstanceDeletionCheck");
        assertThat(terminating.path("message").asText())
                .isEqualTo("could not confirm zero CustomResources remaining: 1 remaining");
        assertThat(widgets.list("", dev.caravel.apiserver.request.ListOptions.defaults()).path("items"))
                .extracting(item -> item.path("metadata").path("name").asText()).containsExactly("kept");
        assertThatThrownBy(() -> widgets.create("default", (ObjectNode) JSON.readTree("{\"metadata\":{\"name\":\"late\"}}"),
                false, GenericStore.Manager.update("test")))
                .isInstanceOfSatisfying(dev.caravel.apiserver.api.StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(405);
                    assertThat(e.getMessage()).isEqualTo("create not allowed while custom resource definition is terminating");
                });

        widgets.update("default", "kept", live -> {
            live.withObjectProperty("metadata").remove("finalizers");
            return live;
        }, GenericStore.Target.MAIN, false, false, GenericStore.Manager.update("test"));
        controller.reconcile("widgets.shop.example.com");
        assertThat(crds.list("", dev.caravel.apiserver.request.ListOptions.defaults()).path("items")).isEmpty();
        controller.reconcile("widgets.shop.example.com");
        assertThat(catalogue.snapshot().resource(new GroupVersion("shop.example.com", "v1"), "widgets")).isEmpty();
    }

    @Test
    void theFirstDeleteAddsTheCleanupFinalizerAndTerminating() throws Exception {
        create("widgets", "Widget");
        GenericStore.Deletion deletion = crds.delete("", "widgets.shop.example.com", DeleteOptions.defaults());
        assertThat(deletion.deleted()).isFalse();
        assertThat(deletion.object().at("/metadata/finalizers").toString())
                .isEqualTo("[\"customresourcecleanup.apiextensions.k8s.io\"]");
        JsonNode terminating = CustomResources.condition(deletion.object(), "Terminating");
        assertThat(terminating.path("reason").asText()).isEqualTo("InstanceDeletionPending");
        assertThat(terminating.path("message").asText())
                .isEqualTo("CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon");
    }
}
