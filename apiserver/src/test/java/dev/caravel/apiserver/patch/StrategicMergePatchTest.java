package dev.caravel.apiserver.patch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static dev.caravel.apiserver.Json.json;
import static dev.caravel.apiserver.Json.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class StrategicMergePatchTest {

    private static final SchemaCatalogue CATALOGUE = SchemaCatalogue.kubernetes();
    private static final Schema POD = CATALOGUE.forKind(GroupVersionKind.of("v1", "Pod")).orElseThrow();
    private static final Schema DEPLOYMENT = CATALOGUE.forKind(GroupVersionKind.of("apps/v1", "Deployment")).orElseThrow();
    private static final Schema SERVICE = CATALOGUE.forKind(GroupVersionKind.of("v1", "Service")).orElseThrow();

    record Case(JsonNode original, JsonNode patch, JsonNode expected) {
    }

    static List<Named<Case>> podCases() throws IOException {
        try (InputStream in = StrategicMergePatchTest.class.getResourceAsStream("strategic-merge-patch-cases.yaml")) {
            JsonNode cases = yaml(new String(in.readAllBytes(), StandardCharsets.UTF_8));
            List<Named<Case>> out = new ArrayList<>();
            for (JsonNode c : cases) {
                out.add(Named.of(c.path("name").asText(), new Case(c.get("original"), c.get("patch"), c.get("expected"))));
            }
            return out;
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("podCases")
    void podPatchesBehaveAsKubernetesDocumentsThem(Case c) {
        assertThat(StrategicMergePatch.apply(c.original(), c.patch(), POD)).isEqualTo(c.expected());
    }

    @Test
    void mergeKeyListMergesContainersByName() {
        JsonNode pod = yaml("""
                spec:
                  containers:
                  - {name: web, image: "nginx:1.25", ports: [{containerPort: 80}]}
                  - {name: log, image: busybox}
                """);
        JsonNode out = StrategicMergePatch.apply(pod, json("""
                {"spec": {"containers": [{"name": "web", "image": "nginx:1.27"}]}}"""), POD);
        assertThat(out).isEqualTo(yaml("""
                spec:
                  containers:
                  - {name: web, image: "nginx:1.27", ports: [{containerPort: 80}]}
                  - {name: log, image: busybox}
                """));
    }

    @Test
    void addingAnEnvVarByNameKeepsTheOthers() {
        JsonNode pod = yaml("""
                spec:
                  containers:
                  - name: web
                    env: [{name: A, value: "1"}]
                """);
        JsonNode out = StrategicMergePatch.apply(pod, json("""
                {"spec": {"containers": [{"name": "web", "env": [{"name": "B", "value": "2"}]}]}}"""), POD);
        assertThat(out.at("/spec/containers/0/env")).isEqualTo(json("""
                [{"name": "B", "value": "2"}, {"name": "A", "value": "1"}]"""));
    }

    @Test
    void deleteDirectiveRemovesAContainer() {
        JsonNode pod = yaml("spec: {containers: [{name: web}, {name: log}]}");
        JsonNode out = StrategicMergePatch.apply(pod, json("""
                {"spec": {"containers": [{"name": "log", "$patch": "delete"}]}}"""), POD);
        assertThat(out).isEqualTo(yaml("spec: {containers: [{name: web}]}"));
    }

    @Test
    void kubectlSetImageChangesOneContainerOfADeploymentTemplate() {
        JsonNode deployment = yaml("""
                spec:
                  replicas: 2
                  template:
                    spec:
                      containers:
                      - {name: web, image: "nginx:1.25"}
                      - {name: log, image: "busybox:1"}
                """);
        JsonNode out = StrategicMergePatch.apply(deployment, json("""
                {"spec":{"template":{"spec":{"containers":[{"image":"busybox:2","name":"log"}]}}}}"""), DEPLOYMENT);
        assertThat(out.at("/spec/template/spec/containers")).isEqualTo(yaml("""
                - {name: web, image: "nginx:1.25"}
                - {name: log, image: "busybox:2"}
                """));
        assertThat(out.at("/spec/replicas").asInt()).isEqualTo(2);
    }

    @Test
    void kubectlRolloutRestartAddsATemplateAnnotation() {
        JsonNode deployment = yaml("spec: {template: {metadata: {labels: {app: web}}, spec: {containers: [{name: web}]}}}");
        JsonNode out = StrategicMergePatch.apply(deployment, json("""
                {"spec":{"template":{"metadata":{"annotations":{"kubectl.kubernetes.io/restartedAt":"2025-01-01T00:00:00Z"}}}}}"""),
                DEPLOYMENT);
        assertThat(out.at("/spec/template/metadata")).isEqualTo(json("""
                {"labels": {"app": "web"}, "annotations": {"kubectl.kubernetes.io/restartedAt": "2025-01-01T00:00:00Z"}}"""));
    }

    @Test
    void retainKeysOnDeploymentStrategyClearsRollingUpdateWhenSwitchingToRecreate() {
        JsonNode deployment = yaml("""
                spec:
                  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
                """);
        // kubectl apply sends $retainKeys for retainKeys fields, and a null for what the
        // manifest no longer has.
        JsonNode out = StrategicMergePatch.apply(deployment, json("""
                {"spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"}}}"""), DEPLOYMENT);
        assertThat(out.at("/spec/strategy")).isEqualTo(json("{\"type\": \"Recreate\"}"));
        // Without the null, $retainKeys alone still clears it.
        JsonNode retained = StrategicMergePatch.apply(deployment, json("""
                {"spec":{"strategy":{"$retainKeys":["type"],"type":"Recreate"}}}"""), DEPLOYMENT);
        assertThat(retained.at("/spec/strategy")).isEqualTo(json("{\"type\": \"Recreate\"}"));
    }

    @Test
    void withoutRetainKeysSwitchingStrategyTypeKeepsRollingUpdate() {
        JsonNode deployment = yaml("spec: {strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}}");
        JsonNode out = StrategicMergePatch.apply(deployment, json("""
                {"spec":{"strategy":{"type":"Recreate"}}}"""), DEPLOYMENT);
        assertThat(out.at("/spec/strategy")).isEqualTo(json("{\"type\": \"Recreate\", \"rollingUpdate\": {\"maxSurge\": 1}}"));
    }

    @Test
    void kubectlApplyThreeWayPatchUpdatesADeployment() {
        JsonNode live = yaml("""
                metadata:
                  name: web
                  labels: {app: web}
                  annotations:
                    deployment.kubernetes.io/revision: "1"
                    kubectl.kubernetes.io/last-applied-configuration: "{}"
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 25%, maxUnavailable: 25%}}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: "nginx:1.25"
                        ports: [{containerPort: 80, protocol: TCP}]
                        env: [{name: A, value: "1"}, {name: B, value: "2"}]
                      - {name: log, image: busybox}
                      terminationGracePeriodSeconds: 30
                """);
        JsonNode patch = json("""
                {"metadata":{"annotations":{"kubectl.kubernetes.io/last-applied-configuration":"{\\"new\\":true}"},
                             "labels":{"tier":"front"}},
                 "spec":{"strategy":{"$retainKeys":["type"],"rollingUpdate":null,"type":"Recreate"},
                         "template":{"spec":{"$setElementOrder/containers":[{"name":"web"}],
                                             "containers":[{"$setElementOrder/env":[{"name":"A"}],
                                                            "env":[{"$patch":"delete","name":"B"}],
                                                            "image":"nginx:1.27","name":"web"},
                                                           {"$patch":"delete","name":"log"}]}}}}""");
        JsonNode out = StrategicMergePatch.apply(live, patch, DEPLOYMENT);
        assertThat(out).isEqualTo(yaml("""
                metadata:
                  name: web
                  labels: {app: web, tier: front}
                  annotations:
                    deployment.kubernetes.io/revision: "1"
                    kubectl.kubernetes.io/last-applied-configuration: '{"new":true}'
                spec:
                  replicas: 2
                  selector: {matchLabels: {app: web}}
                  strategy: {type: Recreate}
                  template:
                    metadata: {labels: {app: web}}
                    spec:
                      containers:
                      - name: web
                        image: "nginx:1.27"
                        ports: [{containerPort: 80, protocol: TCP}]
                        env: [{name: A, value: "1"}]
                      terminationGracePeriodSeconds: 30
                """));
    }

    @Test
    void kubectlEditTwoWayPatchReordersAndAddsEnv() {
        JsonNode live = yaml("""
                spec:
                  containers:
                  - name: web
                    env: [{name: A, value: "1"}, {name: B, value: "2"}]
                """);
        JsonNode out = StrategicMergePatch.apply(live, json("""
                {"spec":{"$setElementOrder/containers":[{"name":"web"}],
                         "containers":[{"$setElementOrder/env":[{"name":"B"},{"name":"C"},{"name":"A"}],
                                        "env":[{"name":"C","value":"3"}],"name":"web"}]}}"""), POD);
        assertThat(out.at("/spec/containers/0/env")).isEqualTo(json("""
                [{"name":"B","value":"2"},{"name":"C","value":"3"},{"name":"A","value":"1"}]"""));
    }

    @Test
    void servicePortsMergeOnPort() {
        JsonNode service = yaml("""
                spec:
                  type: ClusterIP
                  ports:
                  - {name: http, port: 80, targetPort: 8080, protocol: TCP}
                  - {name: https, port: 443, targetPort: 8443, protocol: TCP}
                """);
        JsonNode out = StrategicMergePatch.apply(service, json("""
                {"spec":{"ports":[{"port":80,"targetPort":9090}]}}"""), SERVICE);
        assertThat(out.at("/spec/ports")).isEqualTo(yaml("""
                - {name: http, port: 80, targetPort: 9090, protocol: TCP}
                - {name: https, port: 443, targetPort: 8443, protocol: TCP}
                """));
    }

    @Test
    void labelsAndAnnotationsMergeKeyByKeyAndNullDeletes() {
        JsonNode obj = yaml("metadata: {labels: {app: web, env: dev}, annotations: {a: x}}");
        JsonNode out = StrategicMergePatch.apply(obj, json("""
                {"metadata":{"labels":{"env":null,"tier":"front"},"annotations":{"b":"y"}}}"""), POD);
        assertThat(out).isEqualTo(yaml("metadata: {labels: {app: web, tier: front}, annotations: {a: x, b: y}}"));
    }

    @Test
    void withoutSchemaMapsMergeAndListsAreReplaced() {
        JsonNode widget = yaml("spec: {items: [{name: a}], settings: {x: 1, y: 2}}");
        JsonNode out = StrategicMergePatch.apply(widget, json("""
                {"spec":{"items":[{"name":"b"}],"settings":{"y":null,"z":3}}}"""), null);
        assertThat(out).isEqualTo(yaml("spec: {items: [{name: b}], settings: {x: 1, z: 3}}"));
    }

    @Test
    void inputsAreNeverChanged() {
        JsonNode pod = yaml("spec: {containers: [{name: a, image: x}, {name: b}]}");
        JsonNode patch = json("""
                {"spec":{"$setElementOrder/containers":[{"name":"b"},{"name":"a"}],
                         "containers":[{"name":"a","image":"y","args":null}]}}""");
        JsonNode podBefore = pod.deepCopy();
        JsonNode patchBefore = patch.deepCopy();
        StrategicMergePatch.apply(pod, patch, POD);
        assertThat(pod).isEqualTo(podBefore);
        assertThat(patch).isEqualTo(patchBefore);
    }

    @Test
    void aContainerWithoutItsMergeKeyIsAnUnclassifiedError() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                yaml("spec: {containers: [{name: a}]}"), json("{\"spec\":{\"containers\":[{\"image\":\"x\"}]}}"), POD));
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.reason()).isEmpty();
        assertThat(e.getMessage()).isEqualTo("map: map[image:x] does not contain declared merge key: name");
    }

    @Test
    void mergeDirectiveIsRefusedInListsAndMaps() {
        PatchException inList = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                yaml("spec: {containers: [{name: a}]}"),
                json("{\"spec\":{\"containers\":[{\"name\":\"a\",\"$patch\":\"merge\"}]}}"), POD));
        assertThat(inList.getMessage()).isEqualTo("merging lists cannot yet be specified in the patch");
        PatchException inMap = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                yaml("metadata: {labels: {a: b}}"), json("{\"metadata\":{\"labels\":{\"$patch\":\"merge\",\"a\":\"c\"}}}"),
                POD));
        assertThat(inMap.getMessage()).isEqualTo("unknown patch type: merge in map: map[$patch:merge a:c]");
    }

    @Test
    void retainKeysThatOmitAPatchedFieldIsABadRequest() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                yaml("spec: {strategy: {type: RollingUpdate}}"),
                json("{\"spec\":{\"strategy\":{\"$retainKeys\":[\"type\"],\"rollingUpdate\":{\"maxSurge\":1}}}}"),
                DEPLOYMENT));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("invalid patch format of retainKeys");
    }

    @Test
    void setElementOrderThatContradictsThePatchListIsRefused() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                yaml("spec: {containers: [{name: a}, {name: b}]}"),
                json("{\"spec\":{\"$setElementOrder/containers\":[{\"name\":\"a\"}],\"containers\":[{\"name\":\"b\"}]}}"),
                POD));
        assertThat(e.code()).isEqualTo(500);
        assertThat(e.getMessage()).contains("doesn't match $setElementOrder list");
    }

    @Test
    void aDirectivePrefixWithoutSlashIsABadRequest() {
        PatchException e = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                yaml("metadata: {finalizers: [a]}"), json("{\"metadata\":{\"$deleteFromPrimitiveListfinalizers\":[\"a\"]}}"),
                POD));
        assertThat(e.code()).isEqualTo(400);
        assertThat(e.getMessage()).isEqualTo("invalid patch format of primitive list");
    }

    @Test
    void mergingListsOfListsIsInvalid() {
        Schema type = Schema.standalone(json("""
                {"type":"object","properties":{"grid":{"type":"array","x-kubernetes-patch-strategy":"merge",
                 "items":{"type":"array","items":{"type":"integer"}}}}}"""));
        PatchException e = catchThrowableOfType(PatchException.class, () -> StrategicMergePatch.apply(
                json("{\"grid\":[[1]]}"), json("{\"grid\":[[2]]}"), type));
        assertThat(e.code()).isEqualTo(422);
        assertThat(e.detail()).isEqualTo("lists of lists are not supported");
    }

    @Test
    void aPatchThatIsNotAnObjectIsABadRequest() {
        PatchException e = catchThrowableOfType(PatchException.class,
                () -> StrategicMergePatch.apply(json("{}"), json("[]"), POD));
        assertThat(e.code()).isEqualTo(400);
    }

    @Test
    void topLevelReplaceDirectiveReplacesTheWholeObject() {
        JsonNode out = StrategicMergePatch.apply(yaml("metadata: {name: a}\nspec: {nodeName: n}"),
                json("{\"$patch\":\"replace\",\"metadata\":{\"name\":\"a\"}}"), POD);
        assertThat(out).isEqualTo(json("{\"metadata\":{\"name\":\"a\"}}"));
    }

    @Test
    void kubectlApplyReordersServicePortsByPort() {
        JsonNode service = yaml("spec: {ports: [{name: http, port: 80}, {name: https, port: 443}]}");
        JsonNode out = StrategicMergePatch.apply(service, json("""
                {"spec":{"$setElementOrder/ports":[{"port":443},{"port":80}]}}"""), SERVICE);
        assertThat(out.at("/spec/ports")).isEqualTo(yaml("[{name: https, port: 443}, {name: http, port: 80}]"));
    }

    @Test
    void mergeKeysMatchWhateverWayANumberWasDecoded() {
        JsonNode service = json("{\"spec\":{\"ports\":[{\"port\":8080,\"name\":\"web\"}]}}");
        JsonNode patch = json("{\"spec\":{\"ports\":[{\"port\":8080,\"targetPort\":80}]}}");
        ((ObjectNode) service.at("/spec/ports/0")).put("port", 8080L);
        JsonNode out = StrategicMergePatch.apply(service, patch, SERVICE);
        assertThat(out.at("/spec/ports")).hasSize(1);
        assertThat(out.at("/spec/ports/0/targetPort").asInt()).isEqualTo(80);
    }
}
