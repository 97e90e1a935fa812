package dev.caravel.apiserver.apply;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.CauseType;
import dev.caravel.apiserver.api.StatusCause;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.Schema;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;

import static dev.caravel.apiserver.Json.json;
import static dev.caravel.apiserver.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class FieldManagerTest {

    static final GroupVersionKind DEPLOYMENT = new GroupVersionKind("apps", "v1", "Deployment");
    static final GroupVersionKind CONFIG_MAP = new GroupVersionKind("", "v1", "ConfigMap");
    static final Clock CLOCK = Clock.fixed(Instant.parse("2024-05-01T10:00:00.750Z"), ZoneOffset.UTC);

    final FieldManager deployments = FieldManager.forKind(DEPLOYMENT).withResetFields(FieldManager.STATUS).withClock(CLOCK);

    static final String NGINX = """
            apiVersion: apps/v1
            kind: Deployment
            metadata:
              name: nginx
              namespace: default
              labels:
                app: nginx
            spec:
              replicas: 3
              selector:
                matchLabels:
                  app: nginx
              template:
                metadata:
                  labels:
                    app: nginx
                spec:
                  containers:
                  - name: nginx
                    image: nginx:1.27
                    ports:
                    - containerPort: 80
                    env:
                    - name: A
                      value: "1"
            """;

    /** What the store would hold: the server's metadata added to the result of a write. */
    static ObjectNode stored(JsonNode object) {
        ObjectNode copy = object.deepCopy();
        ObjectNode meta = (ObjectNode) copy.get("metadata");
        meta.put("uid", "8d0f1b4e-1111-2222-3333-444455556666");
        meta.put("resourceVersion", "42");
        meta.put("creationTimestamp", "2024-05-01T09:00:00Z");
        return copy;
    }

    static JsonNode entry(JsonNode object, String manager) {
        for (JsonNode e : object.path("metadata").path("managedFields")) {
            if (e.path("manager").asText().equals(manager)) {
                return e;
            }
        }
        throw new AssertionError("no managedFields entry for " + manager + " in " + object.path("metadata"));
    }

    static String fieldsOf(JsonNode object, String manager) {
        return FieldSet.fromFieldsV1(entry(object, manager).get("fieldsV1")).toFieldsV1Json();
    }

    @Test
    void aFirstApplyOwnsExactlyTheAppliedFields() {
        ObjectNode created = deployments.apply(null, yaml(NGINX), "kubectl", false);

        JsonNode e = entry(created, "kubectl");
        assertThat(e.toString()).startsWith(
                "{\"manager\":\"kubectl\",\"operation\":\"Apply\",\"apiVersion\":\"apps/v1\",\"time\":\"2024-05-01T10:00:00Z\","
                        + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":");
        assertThat(fieldsOf(created, "kubectl")).isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:app\":{}}},"
                + "\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},\"f:template\":{\"f:metadata\":{\"f:labels\":"
                + "{\"f:app\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},"
                + "\"f:env\":{\"k:{\\\"name\\\":\\\"A\\\"}\":{\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:image\":{},"
                + "\"f:name\":{},\"f:ports\":{\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":{\".\":{},"
                + "\"f:containerPort\":{}}}}}}}}}");
        assertThat(created.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(created.path("metadata").path("name").asText()).isEqualTo("nginx");
    }

    @Test
    void applyingTheSameConfigurationAgainChangesNothingAtAll() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));

        ObjectNode again = deployments.withClock(Clock.offset(CLOCK, java.time.Duration.ofHours(1)))
                .apply(live, yaml(NGINX), "kubectl", false);

        assertThat(again).isEqualTo(live);
    }

    @Test
    void applyingAgainWithFewerFieldsRemovesThem() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        ObjectNode smaller = (ObjectNode) yaml(NGINX);
        ((ObjectNode) smaller.get("metadata")).remove("labels");
        ((ObjectNode) smaller.get("spec")).remove("replicas");
        ((ObjectNode) smaller.at("/spec/template/spec/containers/0")).remove("env");

        ObjectNode result = deployments.apply(live, smaller, "kubectl", false);

        assertThat(result.path("metadata").has("labels")).isFalse();
        assertThat(result.path("spec").has("replicas")).isFalse();
        assertThat(result.at("/spec/template/spec/containers/0").has("env")).isFalse();
        assertThat(result.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("nginx:1.27");
        assertThat(result.path("metadata").path("uid").asText()).isNotEmpty();
        assertThat(fieldsOf(result, "kubectl")).doesNotContain("f:replicas", "f:env");
    }

    @Test
    void aFieldAnotherManagerAlsoOwnsStaysWhenTheApplierDropsIt() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        live = stored(deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  replicas: 3
                """), "hpa", false));
        ObjectNode withoutReplicas = (ObjectNode) yaml(NGINX);
        ((ObjectNode) withoutReplicas.get("spec")).remove("replicas");

        ObjectNode result = deployments.apply(live, withoutReplicas, "kubectl", false);

        assertThat(result.path("spec").path("replicas").asInt()).isEqualTo(3);
        assertThat(fieldsOf(result, "hpa")).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
    }

    @Test
    void twoAppliersSettingDifferentReplicasConflict() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));

        StatusException e = catchThrowableOfType(StatusException.class, () -> deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  replicas: 5
                """), "hpa", false));

        assertThat(e.code()).isEqualTo(409);
        assertThat(e.reason()).isEqualTo(StatusReason.CONFLICT);
        assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: conflict with \"kubectl\": .spec.replicas");
        assertThat(e.status().causes()).containsExactly(
                new StatusCause(CauseType.FIELD_MANAGER_CONFLICT, "conflict with \"kubectl\"", ".spec.replicas"));
        assertThat(e.status().toJson()).isEqualTo("{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"metadata\":{},"
                + "\"status\":\"Failure\",\"message\":\"Apply failed with 1 conflict: conflict with \\\"kubectl\\\": "
                + ".spec.replicas\",\"reason\":\"Conflict\",\"details\":{\"causes\":[{\"reason\":\"FieldManagerConflict\","
                + "\"message\":\"conflict with \\\"kubectl\\\"\",\"field\":\".spec.replicas\"}]},\"code\":409}");
    }

    @Test
    void anUpdaterIsNamedWithItsApiVersionAndSeveralConflictsArePlural() {
        ObjectNode created = stored(deployments.update(null, yaml(NGINX), "kubectl-client-side-apply"));

        StatusException e = catchThrowableOfType(StatusException.class, () -> deployments.apply(created, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata:
                  name: nginx
                  namespace: default
                  labels: {app: web}
                spec:
                  replicas: 5
                """), "kubectl", false));

        assertThat(e.getMessage()).isEqualTo("Apply failed with 2 conflicts: conflicts with "
                + "\"kubectl-client-side-apply\" using apps/v1:\n- .metadata.labels.app\n- .spec.replicas");
        assertThat(e.status().causes()).extracting(StatusCause::field)
                .containsExactly(".metadata.labels.app", ".spec.replicas");
        assertThat(e.status().causes()).extracting(StatusCause::message)
                .containsOnly("conflict with \"kubectl-client-side-apply\" using apps/v1");
    }

    @Test
    void forceTakesTheFieldFromItsOwner() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));

        ObjectNode result = deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  replicas: 5
                """), "hpa", true);

        assertThat(result.path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(fieldsOf(result, "hpa")).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(fieldsOf(result, "kubectl")).doesNotContain("f:replicas").contains("f:selector");
    }

    @Test
    void applyingTheSameValueAsAnotherManagerSharesOwnership() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));

        ObjectNode result = deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  replicas: 3
                """), "hpa", false);

        assertThat(fieldsOf(result, "hpa")).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(fieldsOf(result, "kubectl")).contains("f:replicas");
        // nothing changed in the object, so the new owner gets no time, as in Kubernetes
        assertThat(entry(result, "hpa").has("time")).isFalse();
    }

    @Test
    void aScaleThenAnApplyOfOtherReplicasConflictsWithTheScaler() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        ObjectNode scaled = live.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 10);
        ObjectNode afterScale = stored(deployments.withSubresource("scale").update(live, scaled, "kubectl"));

        assertThat(entry(afterScale, "kubectl").path("operation").asText()).isIn("Apply", "Update");
        assertThat(afterScale.path("metadata").path("managedFields").toString())
                .contains("\"operation\":\"Update\",\"apiVersion\":\"apps/v1\",\"time\":\"2024-05-01T10:00:00Z\","
                        + "\"fieldsType\":\"FieldsV1\",\"fieldsV1\":{\"f:spec\":{\"f:replicas\":{}}},\"subresource\":\"scale\"}");

        StatusException e = catchThrowableOfType(StatusException.class,
                () -> deployments.apply(afterScale, yaml(NGINX), "kubectl", false));

        assertThat(e.getMessage()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"kubectl\" with subresource \"scale\" using apps/v1: .spec.replicas");
    }

    @Test
    void containersPortsAndEnvMergeByTheirKeys() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));

        ObjectNode result = deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  template:
                    spec:
                      containers:
                      - name: nginx
                        ports:
                        - containerPort: 80
                          protocol: UDP
                        env:
                        - name: B
                          value: "2"
                      - name: sidecar
                        image: busybox
                """), "mesh", false);

        JsonNode containers = result.at("/spec/template/spec/containers");
        assertThat(containers).hasSize(2);
        assertThat(containers.get(0).path("image").asText()).isEqualTo("nginx:1.27");
        assertThat(containers.get(0).path("env").toString())
                .isEqualTo("[{\"name\":\"A\",\"value\":\"1\"},{\"name\":\"B\",\"value\":\"2\"}]");
        assertThat(containers.get(0).path("ports").toString())
                .isEqualTo("[{\"containerPort\":80},{\"containerPort\":80,\"protocol\":\"UDP\"}]");
        assertThat(containers.get(1).path("name").asText()).isEqualTo("sidecar");
        assertThat(fieldsOf(result, "mesh")).contains("k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"UDP\\\"}",
                "k:{\\\"name\\\":\\\"sidecar\\\"}", "k:{\\\"name\\\":\\\"B\\\"}");
    }

    @Test
    void anApplierDroppingAListItemRemovesOnlyItsOwn() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        live = stored(deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  template:
                    spec:
                      containers:
                      - name: sidecar
                        image: busybox
                """), "mesh", false));

        ObjectNode result = deployments.apply(live, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  template:
                    spec:
                      containers: []
                """), "mesh", false);

        JsonNode containers = result.at("/spec/template/spec/containers");
        assertThat(containers).hasSize(1);
        assertThat(containers.get(0).path("name").asText()).isEqualTo("nginx");
        assertThat(result.path("metadata").path("managedFields").toString()).doesNotContain("\"mesh\"");
    }

    @Test
    void finalizersAreASetThatManagersShare() {
        FieldManager configMaps = FieldManager.forKind(CONFIG_MAP).withClock(CLOCK);
        ObjectNode live = stored(configMaps.apply(null, yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                  finalizers: [example.com/a]
                """), "a", false));

        ObjectNode result = configMaps.apply(live, yaml("""
                apiVersion: v1
                kind: ConfigMap
                metadata:
                  name: c
                  finalizers: [example.com/b]
                """), "b", false);

        assertThat(result.path("metadata").path("finalizers").toString()).isEqualTo("[\"example.com/a\",\"example.com/b\"]");
        assertThat(fieldsOf(result, "b")).isEqualTo("{\"f:metadata\":{\"f:finalizers\":{\"v:\\\"example.com/b\\\"\":{}}}}");
    }

    @Test
    void tolerationsAreAtomicSoADifferentListConflictsAndForceReplacesIt() {
        FieldManager pods = FieldManager.forKind(new GroupVersionKind("", "v1", "Pod")).withClock(CLOCK);
        ObjectNode live = stored(pods.apply(null, yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  containers: [{name: c, image: busybox}]
                  tolerations: [{key: a, operator: Exists}]
                """), "one", false));
        JsonNode other = yaml("""
                apiVersion: v1
                kind: Pod
                metadata: {name: p}
                spec:
                  tolerations: [{key: b, operator: Exists}]
                """);

        StatusException e = catchThrowableOfType(StatusException.class, () -> pods.apply(live, other, "two", false));
        assertThat(e.getMessage()).isEqualTo("Apply failed with 1 conflict: conflict with \"one\": .spec.tolerations");

        ObjectNode forced = pods.apply(live, other, "two", true);
        assertThat(forced.at("/spec/tolerations").toString()).isEqualTo("[{\"key\":\"b\",\"operator\":\"Exists\"}]");
        assertThat(fieldsOf(forced, "two")).isEqualTo("{\"f:spec\":{\"f:tolerations\":{}}}");
    }

    @Test
    void aCreateRecordsEveryFieldForItsManagerAsKubernetesDoes() {
        ObjectNode created = deployments.update(null, yaml(NGINX), "kubectl-create");

        JsonNode e = entry(created, "kubectl-create");
        assertThat(e.path("operation").asText()).isEqualTo("Update");
        assertThat(e.path("apiVersion").asText()).isEqualTo("apps/v1");
        assertThat(e.path("time").asText()).isEqualTo("2024-05-01T10:00:00Z");
        // Maps and list items that appear are owned with ".", the always-present structs are not.
        assertThat(fieldsOf(created, "kubectl-create")).isEqualTo("{\"f:metadata\":{\"f:labels\":{\".\":{},\"f:app\":{}}},"
                + "\"f:spec\":{\"f:replicas\":{},\"f:selector\":{},\"f:template\":{\"f:metadata\":{\"f:labels\":{\".\":{},"
                + "\"f:app\":{}}},\"f:spec\":{\"f:containers\":{\"k:{\\\"name\\\":\\\"nginx\\\"}\":{\".\":{},\"f:env\":"
                + "{\".\":{},\"k:{\\\"name\\\":\\\"A\\\"}\":{\".\":{},\"f:name\":{},\"f:value\":{}}},\"f:image\":{},"
                + "\"f:name\":{},\"f:ports\":{\".\":{},\"k:{\\\"containerPort\\\":80,\\\"protocol\\\":\\\"TCP\\\"}\":"
                + "{\".\":{},\"f:containerPort\":{}}}}}}}}}");
    }

    @Test
    void anUpdateTakesTheFieldsItChangesFromTheirOwners() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        ObjectNode changed = live.deepCopy();
        ((ObjectNode) changed.get("spec")).put("replicas", 7);

        ObjectNode result = deployments.update(live, changed, "kube-controller-manager");

        assertThat(fieldsOf(result, "kube-controller-manager")).isEqualTo("{\"f:spec\":{\"f:replicas\":{}}}");
        assertThat(fieldsOf(result, "kubectl")).doesNotContain("f:replicas");
        List<String> order = result.path("metadata").path("managedFields").findValuesAsText("manager");
        assertThat(order).containsExactly("kubectl", "kube-controller-manager");
    }

    @Test
    void anUpdateThatChangesNothingLeavesManagedFieldsAlone() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));

        ObjectNode result = deployments.withClock(Clock.offset(CLOCK, java.time.Duration.ofHours(1)))
                .update(live, live, "someone");

        assertThat(result.path("metadata").path("managedFields")).isEqualTo(live.path("metadata").path("managedFields"));
    }

    @Test
    void anUpdateOfStatusThroughTheMainResourceOwnsNothing() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        ObjectNode changed = live.deepCopy();
        changed.putObject("status").put("replicas", 3);

        ObjectNode result = deployments.update(live, changed, "someone");

        assertThat(result.path("metadata").path("managedFields").toString()).doesNotContain("someone");

        ObjectNode viaStatus = deployments.withSubresource("status")
                .withResetFields(FieldSet.of(ElementPath.fields("spec"))).update(live, changed, "kube-controller-manager");
        assertThat(viaStatus.path("metadata").path("managedFields").toString())
                .contains("\"fieldsV1\":{\"f:status\":{\".\":{},\"f:replicas\":{}}},\"subresource\":\"status\"");
    }

    @Test
    void anObjectStoredWithoutManagedFieldsIsAppliedToAsOwnedBeforeFirstApply() {
        ObjectNode legacy = stored(yaml(NGINX));

        ObjectNode updated = deployments.update(legacy, legacy, "someone");
        assertThat(updated.path("metadata").has("managedFields")).isFalse();

        StatusException e = catchThrowableOfType(StatusException.class, () -> deployments.apply(legacy, yaml("""
                apiVersion: apps/v1
                kind: Deployment
                metadata: {name: nginx, namespace: default}
                spec:
                  replicas: 5
                """), "kubectl", false));
        assertThat(e.getMessage()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"before-first-apply\" using apps/v1: .spec.replicas");

        ObjectNode applied = deployments.apply(legacy, yaml(NGINX), "kubectl", false);
        assertThat(fieldsOf(applied, "before-first-apply")).contains("f:replicas", "f:selector");
        assertThat(fieldsOf(applied, "kubectl")).contains("f:replicas");
    }

    @Test
    void clientsMayClearManagedFieldsWithOneEmptyEntry() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        ObjectNode reset = live.deepCopy();
        ((ObjectNode) reset.get("metadata")).putArray("managedFields").addObject();

        ObjectNode result = deployments.update(live, reset, "someone");

        assertThat(result.path("metadata").has("managedFields")).isFalse();
    }

    @Test
    void aClientSendingNoManagedFieldsKeepsTheStoredOnes() {
        ObjectNode live = stored(deployments.apply(null, yaml(NGINX), "kubectl", false));
        ObjectNode withoutThem = live.deepCopy();
        ((ObjectNode) withoutThem.get("metadata")).remove("managedFields");

        ObjectNode result = deployments.update(live, withoutThem, "someone");

        assertThat(result.path("metadata").path("managedFields")).isEqualTo(live.path("metadata").path("managedFields"));
    }

    @Test
    void updatesBeyondTenManagersAreMergedIntoAncientChanges() {
        FieldManager configMaps = FieldManager.forKind(CONFIG_MAP);
        ObjectNode live = stored(yaml("{apiVersion: v1, kind: ConfigMap, metadata: {name: c}, data: {seed: x}}"));
        live = stored(configMaps.withClock(CLOCK).update(null, live, "creator"));
        for (int i = 0; i < 11; i++) {
            ObjectNode next = live.deepCopy();
            next.with("data").put("k" + i, "v");
            Clock later = Clock.offset(CLOCK, java.time.Duration.ofMinutes(i + 1));
            live = stored(configMaps.withClock(later).update(live, next, "writer-" + i));
        }

        List<String> managers = live.path("metadata").path("managedFields").findValuesAsText("manager");
        assertThat(managers).hasSize(10).contains("ancient-changes").doesNotContain("creator", "writer-0", "writer-1");
        assertThat(fieldsOf(live, "ancient-changes")).contains("f:k0", "f:k1");
    }

    @Test
    void anApplyOfAnotherVersionIsABadRequest() {
        JsonNode config = yaml(NGINX.replace("apps/v1", "apps/v1beta1"));

        assertThatThrownBy(() -> deployments.apply(null, config, "kubectl", false))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("Incorrect version specified in apply patch. "
                            + "Specified patch version: apps/v1beta1, expected: apps/v1");
                });
    }

    @Test
    void anApplyCarryingManagedFieldsIsABadRequest() {
        ObjectNode config = (ObjectNode) yaml(NGINX);
        ((ObjectNode) config.get("metadata")).putArray("managedFields");

        assertThatThrownBy(() -> deployments.apply(null, config, "kubectl", false))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).isEqualTo("metadata.managedFields must be nil");
                });
    }

    @Test
    void anApplyOfAFieldTheSchemaDoesNotDeclareFailsAsInKubernetes() {
        ObjectNode config = (ObjectNode) yaml(NGINX);
        ((ObjectNode) config.get("spec")).put("replica", 2);

        assertThatThrownBy(() -> deployments.apply(null, config, "kubectl", false))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(500);
                    assertThat(e.getMessage()).isEqualTo("failed to create typed patch object "
                            + "(default/nginx; apps/v1, Kind=Deployment): .spec.replica: field not declared in schema");
                });
    }

    @Test
    void duplicateKeysInAnAppliedListAreRefused() {
        ObjectNode config = (ObjectNode) yaml(NGINX);
        ((com.fasterxml.jackson.databind.node.ArrayNode) config.at("/spec/template/spec/containers"))
                .add(json("{\"name\":\"nginx\",\"image\":\"x\"}"));

        assertThatThrownBy(() -> deployments.apply(null, config, "kubectl", false))
                .hasMessage("failed to create typed patch object (default/nginx; apps/v1, Kind=Deployment): "
                        + ".spec.template.spec.containers: duplicate entries for key [name=\"nginx\"]");
    }

    @Test
    void withoutASchemaMapsAreGranularAndListsAtomic() {
        FieldManager widgets = FieldManager.forSchema(new GroupVersionKind("example.com", "v1", "Widget"), null)
                .withClock(CLOCK);

        ObjectNode result = widgets.apply(null, yaml("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec:
                  size: 3
                  tags: [a, b]
                """), "kubectl", false);

        assertThat(fieldsOf(result, "kubectl")).isEqualTo("{\"f:spec\":{\".\":{},\"f:size\":{},\"f:tags\":{}}}");
    }

    @Test
    void aCustomResourceIsTypedByItsOwnSchemaWithMetadataAddedAsKubernetesDoes() {
        Schema schema = Schema.standalone(json("""
                {"type": "object", "properties": {"spec": {"type": "object", "properties": {
                  "size": {"type": "integer"},
                  "ports": {"type": "array", "x-kubernetes-list-type": "map", "x-kubernetes-list-map-keys": ["name"],
                            "items": {"type": "object", "properties": {"name": {"type": "string"}, "port": {"type": "integer"}}}},
                  "extra": {"type": "object", "x-kubernetes-preserve-unknown-fields": true}}}}}
                """));
        FieldManager widgets = FieldManager.forSchema(new GroupVersionKind("example.com", "v1", "Widget"), schema)
                .withClock(CLOCK);
        ObjectNode live = stored(widgets.apply(null, yaml("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w, labels: {a: b}}
                spec:
                  size: 1
                  ports: [{name: http, port: 80}]
                  extra: {anything: {goes: here}}
                """), "one", false));

        assertThat(fieldsOf(live, "one")).isEqualTo("{\"f:metadata\":{\"f:labels\":{\"f:a\":{}}},\"f:spec\":{"
                + "\"f:extra\":{\"f:anything\":{\".\":{},\"f:goes\":{}}},\"f:ports\":{\"k:{\\\"name\\\":\\\"http\\\"}\":"
                + "{\".\":{},\"f:name\":{},\"f:port\":{}}},\"f:size\":{}}}");

        ObjectNode result = widgets.apply(live, yaml("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec:
                  ports: [{name: grpc, port: 9090}]
                """), "two", false);
        assertThat(result.at("/spec/ports").findValuesAsText("name")).containsExactly("http", "grpc");

        assertThatThrownBy(() -> widgets.apply(live, yaml("""
                apiVersion: example.com/v1
                kind: Widget
                metadata: {name: w}
                spec: {colour: red}
                """), "two", false)).hasMessage("failed to create typed patch object (/w; example.com/v1, Kind=Widget): "
                + ".spec.colour: field not declared in schema");
    }

    @Test
    void kubectlServerSideApplyKeepsTheClientSideAnnotationInStep() {
        ObjectNode withAnnotation = (ObjectNode) yaml(NGINX);
        ((ObjectNode) withAnnotation.get("metadata")).putObject("annotations")
                .put(FieldManager.LAST_APPLIED_ANNOTATION, "{}");
        ObjectNode live = stored(deployments.update(null, withAnnotation, "kubectl-client-side-apply"));

        ObjectNode result = deployments.apply(live, yaml(NGINX), "kubectl", true);

        String annotation = result.at("/metadata/annotations").path(FieldManager.LAST_APPLIED_ANNOTATION).asText();
        assertThat(annotation).startsWith("{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"labels\"")
                .endsWith("}\n");
    }

    /** A Deployment as {@code kubectl apply} (client-side) leaves it: its annotation holds the configuration. */
    ObjectNode createdByClientSideApply() {
        ObjectNode config = (ObjectNode) yaml(NGINX);
        ObjectNode withAnnotation = config.deepCopy();
        ((ObjectNode) withAnnotation.get("metadata")).putObject("annotations")
                .put(FieldManager.LAST_APPLIED_ANNOTATION, config.toString());
        return stored(deployments.update(null, withAnnotation, "kubectl-client-side-apply"));
    }

    static JsonNode withReplicas(int replicas) {
        ObjectNode config = (ObjectNode) yaml(NGINX);
        ((ObjectNode) config.get("spec")).put("replicas", replicas);
        return config;
    }

    @Test
    void kubectlServerSideApplyTakesOverFromClientSideApplyWithoutConflict() {
        ObjectNode live = createdByClientSideApply();

        ObjectNode result = deployments.apply(live, withReplicas(5), "kubectl", false);

        assertThat(result.path("spec").path("replicas").asInt()).isEqualTo(5);
        assertThat(fieldsOf(result, "kubectl")).contains("f:replicas");
        assertThat(fieldsOf(result, "kubectl-client-side-apply")).doesNotContain("f:replicas");
        assertThat(result.at("/metadata/annotations").path(FieldManager.LAST_APPLIED_ANNOTATION).asText())
                .contains("\"replicas\":5");
    }

    @Test
    void anotherManagerGetsNoSuchPass() {
        ObjectNode live = createdByClientSideApply();

        StatusException e = catchThrowableOfType(StatusException.class,
                () -> deployments.apply(live, withReplicas(5), "argocd", false));

        assertThat(e.getMessage()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"kubectl-client-side-apply\" using apps/v1: .spec.replicas");
    }

    @Test
    void aFieldChangedSinceTheClientSideApplyStillConflicts() {
        ObjectNode live = createdByClientSideApply();
        ObjectNode scaled = live.deepCopy();
        ((ObjectNode) scaled.get("spec")).put("replicas", 7);
        ObjectNode afterScale = stored(deployments.update(live, scaled, "kube-controller-manager"));

        StatusException e = catchThrowableOfType(StatusException.class,
                () -> deployments.apply(afterScale, withReplicas(5), "kubectl", false));

        assertThat(e.getMessage()).isEqualTo(
                "Apply failed with 1 conflict: conflict with \"kube-controller-manager\" using apps/v1: .spec.replicas");
    }

    @Test
    void theManagerOfARequestWithoutOneIsTheUserAgentPrefix() {
        assertThat(FieldManager.managerFor(null, "kubectl/v1.31.0 (linux/amd64) kubernetes/9a3c1d2")).isEqualTo("kubectl");
        assertThat(FieldManager.managerFor("", "helm/3.15")).isEqualTo("helm");
        assertThat(FieldManager.managerFor("mine", "kubectl/v1.31.0")).isEqualTo("mine");
        assertThat(FieldManager.managerFor(null, "a\tb/1")).isEqualTo("ab");
        assertThat(FieldManager.managerFor(null, "x".repeat(200))).hasSize(128);
    }
}
