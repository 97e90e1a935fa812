package dev.caravel.apiserver.resource;

import dev.caravel.apiserver.schema.GroupVersionKind;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class ResourceCatalogueTest {

    private static final GroupVersion CORE = new GroupVersion("", "v1");
    private static final GroupVersion APPS = new GroupVersion("apps", "v1");
    private static final List<String> CRUD =
            List.of("create", "delete", "deletecollection", "get", "list", "patch", "update", "watch");

    private final ResourceCatalogue catalogue = ResourceCatalogue.builtIn();

    private ResourceDefinition resource(String apiVersion, String name) {
        return catalogue.snapshot().resource(GroupVersion.parse(apiVersion), name).orElseThrow(
                () -> new AssertionError(name + " in " + apiVersion + " is not served"));
    }

    @Test
    void everyShortNameKubectlUsesNamesItsResource() {
        Map<String, String> shortNames = Map.ofEntries(
                Map.entry("po", "v1/pods"), Map.entry("svc", "v1/services"), Map.entry("ns", "v1/namespaces"),
                Map.entry("cm", "v1/configmaps"), Map.entry("sa", "v1/serviceaccounts"), Map.entry("no", "v1/nodes"),
                Map.entry("pv", "v1/persistentvolumes"), Map.entry("pvc", "v1/persistentvolumeclaims"),
                Map.entry("ep", "v1/endpoints"), Map.entry("limits", "v1/limitranges"),
                Map.entry("quota", "v1/resourcequotas"), Map.entry("deploy", "apps/v1/deployments"),
                Map.entry("ds", "apps/v1/daemonsets"), Map.entry("rs", "apps/v1/replicasets"),
                Map.entry("sts", "apps/v1/statefulsets"), Map.entry("cj", "batch/v1/cronjobs"),
                Map.entry("netpol", "networking.k8s.io/v1/networkpolicies"),
                Map.entry("ing", "networking.k8s.io/v1/ingresses"), Map.entry("pdb", "policy/v1/poddisruptionbudgets"),
                Map.entry("pc", "scheduling.k8s.io/v1/priorityclasses"),
                Map.entry("sc", "storage.k8s.io/v1/storageclasses"));
        shortNames.forEach((shortName, where) -> {
            int slash = where.lastIndexOf('/');
            assertThat(resource(where.substring(0, slash), where.substring(slash + 1)).shortNames())
                    .as(where).contains(shortName);
        });
        assertThat(resource("v1", "events").shortNames()).containsExactly("ev");
        assertThat(resource("events.k8s.io/v1", "events").shortNames()).containsExactly("ev");
    }

    @Test
    void podsAreNamespacedWithEveryVerbAndTheSubresourcesOf132() {
        ResourceDefinition pods = resource("v1", "pods");
        assertThat(pods.kind()).isEqualTo("Pod");
        assertThat(pods.singular()).isEqualTo("pod");
        assertThat(pods.namespaced()).isTrue();
        assertThat(pods.verbs()).isEqualTo(CRUD);
        assertThat(pods.categories()).containsExactly("all");
        assertThat(pods.subresources()).extracting(SubresourceDefinition::name).containsExactly(
                "attach", "binding", "ephemeralcontainers", "eviction", "exec", "log", "portforward", "proxy", "status");
        assertThat(pods.subresource("status").orElseThrow().verbs()).containsExactly("get", "patch", "update");
        assertThat(pods.subresource("binding").orElseThrow().verbs()).containsExactly("create");
        assertThat(pods.subresource("eviction").orElseThrow().kind())
                .isEqualTo(new GroupVersionKind("policy", "v1", "Eviction"));
        assertThat(pods.subresource("exec").orElseThrow().verbs()).containsExactly("create", "get");
        assertThat(pods.subresource("proxy").orElseThrow().verbs())
                .containsExactly("create", "delete", "get", "patch", "update");
    }

    @Test
    void workloadsHaveAScaleSubresourceSpeakingAutoscalingV1Scale() {
        for (String name : List.of("deployments", "replicasets", "statefulsets")) {
            ResourceDefinition r = resource("apps/v1", name);
            assertThat(r.subresource("scale").orElseThrow().kind())
                    .isEqualTo(new GroupVersionKind("autoscaling", "v1", "Scale"));
            assertThat(r.subresource("status")).isPresent();
            assertThat(r.categories()).containsExactly("all");
        }
        assertThat(resource("apps/v1", "daemonsets").subresource("scale")).isEmpty();
    }

    @Test
    void clusterScopedResourcesAreNotNamespaced() {
        for (String r : List.of("namespaces", "nodes", "persistentvolumes")) {
            assertThat(resource("v1", r).namespaced()).as(r).isFalse();
        }
        assertThat(resource("storage.k8s.io/v1", "storageclasses").namespaced()).isFalse();
        assertThat(resource("scheduling.k8s.io/v1", "priorityclasses").namespaced()).isFalse();
        assertThat(resource("rbac.authorization.k8s.io/v1", "clusterroles").namespaced()).isFalse();
        assertThat(resource("rbac.authorization.k8s.io/v1", "roles").namespaced()).isTrue();
    }

    @Test
    void namespacesHaveFinalizeAndStatusAndServiceAccountsMintTokens() {
        ResourceDefinition namespaces = resource("v1", "namespaces");
        assertThat(namespaces.verbs()).containsExactly("create", "delete", "get", "list", "patch", "update", "watch");
        assertThat(namespaces.subresource("finalize").orElseThrow().verbs()).containsExactly("update");
        assertThat(namespaces.subresource("status")).isPresent();
        SubresourceDefinition token = resource("v1", "serviceaccounts").subresource("token").orElseThrow();
        assertThat(token.kind()).isEqualTo(new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest"));
        assertThat(token.verbs()).containsExactly("create");
    }

    @Test
    void reviewsAreCreateOnlyAndHaveNoStorage() {
        ResourceDefinition review = resource("authorization.k8s.io/v1", "selfsubjectaccessreviews");
        assertThat(review.verbs()).containsExactly("create");
        assertThat(review.namespaced()).isFalse();
        assertThat(review.storageVersionHash()).isEmpty();
        assertThat(resource("authorization.k8s.io/v1", "localsubjectaccessreviews").namespaced()).isTrue();
        assertThat(resource("authentication.k8s.io/v1", "tokenreviews").verbs()).containsExactly("create");
        assertThat(resource("authentication.k8s.io/v1", "selfsubjectreviews").kind()).isEqualTo("SelfSubjectReview");
    }

    @Test
    void storageVersionHashesAreKubernetes() {
        assertThat(resource("v1", "pods").storageVersionHash()).contains("xPOwRZ+Yhw8=");
        assertThat(resource("apps/v1", "deployments").storageVersionHash()).contains("8aSe+NMegvE=");
        // events.k8s.io events are stored as core events, so both hash the same storage kind.
        assertThat(resource("events.k8s.io/v1", "events").storageVersionHash())
                .isEqualTo(resource("v1", "events").storageVersionHash());
    }

    @Test
    void groupsComeInKubernetesOrderWithCoreFirst() {
        assertThat(catalogue.snapshot().groups()).extracting(ApiGroup::name).containsExactly(
                "", "apiregistration.k8s.io", "apps", "events.k8s.io", "authentication.k8s.io", "authorization.k8s.io", "batch",
                "networking.k8s.io", "policy", "rbac.authorization.k8s.io", "storage.k8s.io",
                "scheduling.k8s.io", "coordination.k8s.io", "apiextensions.k8s.io", "discovery.k8s.io");
        assertThat(catalogue.snapshot().groupVersion(CORE).orElseThrow().resources())
                .extracting(ResourceDefinition::resource).isSorted();
    }

    @Test
    void everyKindIssueFourListsIsServed() {
        ResourceCatalogue.Snapshot s = catalogue.snapshot();
        for (String kind : List.of("Namespace", "Pod", "Service", "Endpoints", "ConfigMap", "Secret",
                "ServiceAccount", "Event", "Node", "PersistentVolumeClaim", "PersistentVolume", "LimitRange",
                "ResourceQuota")) {
            assertThat(s.resourceFor(new GroupVersionKind("", "v1", kind))).as(kind).isPresent();
        }
        assertThat(s.resourceFor(new GroupVersionKind("coordination.k8s.io", "v1", "Lease"))).isPresent();
        assertThat(s.resourceFor(new GroupVersionKind("discovery.k8s.io", "v1", "EndpointSlice"))).isPresent();
        assertThat(s.resourceFor(new GroupVersionKind("batch", "v1", "Job")).orElseThrow().subresources())
                .extracting(SubresourceDefinition::name).containsExactly("status");
    }

    @Test
    void addingAndRemovingAResourceMakesNewSnapshotsAndTellsListeners() throws Exception {
        List<ResourceCatalogue.Snapshot> seen = new ArrayList<>();
        long before = catalogue.snapshot().generation();
        GroupVersion widgets = new GroupVersion("example.com", "v1beta1");
        ResourceDefinition crd = new ResourceDefinition(widgets, "widgets", null, "Widget", true, CRUD,
                List.of("wd"), List.of("all"), List.of(), widgets);
        try (AutoCloseable subscription = catalogue.subscribe(seen::add)) {
            catalogue.put(crd);
            catalogue.put(new ResourceDefinition(new GroupVersion("example.com", "v1"), "widgets", null, "Widget",
                    true, CRUD, List.of(), List.of(), List.of(), widgets));
            ApiGroup group = catalogue.snapshot().group("example.com").orElseThrow();
            assertThat(group.versions()).extracting(v -> v.groupVersion().version()).containsExactly("v1", "v1beta1");
            assertThat(catalogue.snapshot().groups()).last().extracting(ApiGroup::name).isEqualTo("example.com");
            assertThat(catalogue.snapshot().resource(widgets, "widgets").orElseThrow().singular()).isEqualTo("widget");

            assertThat(catalogue.remove(widgets, "widgets")).isTrue();
            assertThat(catalogue.remove(widgets, "widgets")).isFalse();
            assertThat(catalogue.remove(new GroupVersion("example.com", "v1"), "widgets")).isTrue();
        }
        catalogue.put(crd);
        assertThat(seen).hasSize(4);
        assertThat(seen).extracting(ResourceCatalogue.Snapshot::generation)
                .containsExactly(before + 1, before + 2, before + 3, before + 4);
        assertThat(seen.get(3).group("example.com")).isEmpty();
        assertThat(ResourceCatalogue.builtIn().snapshot().group("example.com")).as("catalogues are separate").isEmpty();
    }

    @Test
    void versionsAreOrderedAsKubernetesPrefersThem() {
        List<String> versions = new ArrayList<>(List.of("v1alpha1", "v1beta1", "v2", "foo", "v1", "v1beta2", "v10"));
        versions.sort(VersionPriority.ORDER);
        assertThat(versions).containsExactly("v10", "v2", "v1", "v1beta2", "v1beta1", "v1alpha1", "foo");
    }
}
