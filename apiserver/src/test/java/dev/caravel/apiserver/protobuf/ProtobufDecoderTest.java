package dev.caravel.apiserver.protobuf;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.ByteString;
import com.google.protobuf.Message;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.api.StatusReason;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.SchemaCatalogue;
import io.kubernetes.client.proto.IntStr;
import io.kubernetes.client.proto.Meta;
import io.kubernetes.client.proto.Resource;
import io.kubernetes.client.proto.Runtime;
import io.kubernetes.client.proto.V1;
import io.kubernetes.client.proto.V1Apps;
import io.kubernetes.client.proto.V1Authentication;
import io.kubernetes.client.proto.V1Authorization;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Bodies built as client-go sends them: Go's protobuf writes every non-pointer field, zero or
 * not (so the builders below set them), and only the pointers that are set.
 */
class ProtobufDecoderTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ProtobufDecoder DECODER = ProtobufDecoder.forBuiltInTypes(SchemaCatalogue.kubernetes());

    private static final GroupVersionKind NAMESPACE = new GroupVersionKind("", "v1", "Namespace");
    private static final GroupVersionKind CONFIG_MAP = new GroupVersionKind("", "v1", "ConfigMap");
    private static final GroupVersionKind SECRET = new GroupVersionKind("", "v1", "Secret");
    private static final GroupVersionKind POD = new GroupVersionKind("", "v1", "Pod");
    private static final GroupVersionKind DEPLOYMENT = new GroupVersionKind("apps", "v1", "Deployment");
    private static final GroupVersionKind TOKEN_REQUEST =
            new GroupVersionKind("authentication.k8s.io", "v1", "TokenRequest");
    private static final GroupVersionKind SELF_SUBJECT_ACCESS_REVIEW =
            new GroupVersionKind("authorization.k8s.io", "v1", "SelfSubjectAccessReview");

    @Test
    void namespaceOfKubectlCreateNamespaceIsTheJsonKubectlWouldSend() {
        V1.Namespace namespace = V1.Namespace.newBuilder()
                .setMetadata(goObjectMeta("foo", ""))
                .setSpec(V1.NamespaceSpec.getDefaultInstance())
                .setStatus(V1.NamespaceStatus.newBuilder().setPhase(""))
                .build();

        assertDecodesTo(namespace, NAMESPACE, """
                {"kind":"Namespace","apiVersion":"v1",
                 "metadata":{"name":"foo","creationTimestamp":null},"spec":{},"status":{}}""");
    }

    @Test
    void configMapDataStaysTextAndBinaryDataBecomesBase64() {
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder()
                .setMetadata(goObjectMeta("settings", "default"))
                .putData("greeting", "hello")
                .putData("empty", "")
                .putBinaryData("blob", ByteString.copyFrom(new byte[] {0, 1, 2, (byte) 0xff}))
                .build();

        assertDecodesTo(configMap, CONFIG_MAP, """
                {"kind":"ConfigMap","apiVersion":"v1",
                 "metadata":{"name":"settings","namespace":"default","creationTimestamp":null},
                 "data":{"greeting":"hello","empty":""},"binaryData":{"blob":"AAEC/w=="}}""");
    }

    @Test
    void secretKeepsItsTypeAndAnExplicitImmutableFalse() {
        V1.Secret secret = V1.Secret.newBuilder()
                .setMetadata(goObjectMeta("token", "default"))
                .putData("password", ByteString.copyFromUtf8("s3cret"))
                .setType("Opaque")
                .setImmutable(false)
                .build();

        assertDecodesTo(secret, SECRET, """
                {"kind":"Secret","apiVersion":"v1",
                 "metadata":{"name":"token","namespace":"default","creationTimestamp":null},
                 "data":{"password":"czNjcmV0"},"type":"Opaque","immutable":false}""");
    }

    @Test
    void deploymentKeepsZeroReplicasAndWritesQuantitiesProbePortsAndInlinedHandlers() {
        V1.Container container = V1.Container.newBuilder()
                .setName("web").setImage("nginx").setWorkingDir("").setImagePullPolicy("")
                .setTerminationMessagePath("").setTerminationMessagePolicy("")
                .setStdin(false).setStdinOnce(false).setTty(false)
                .addPorts(V1.ContainerPort.newBuilder()
                        .setName("http").setHostPort(0).setContainerPort(80).setProtocol("TCP").setHostIP(""))
                .setResources(V1.ResourceRequirements.newBuilder()
                        .putLimits("cpu", quantity("500m"))
                        .putLimits("memory", quantity("128Mi"))
                        .putRequests("cpu", quantity("0")))
                .setLivenessProbe(V1.Probe.newBuilder()
                        .setHandler(V1.ProbeHandler.newBuilder().setHttpGet(V1.HTTPGetAction.newBuilder()
                                .setPath("/healthz").setHost("").setScheme("")
                                .setPort(IntStr.IntOrString.newBuilder().setType(0).setIntVal(8080).setStrVal(""))))
                        .setInitialDelaySeconds(0).setTimeoutSeconds(0).setPeriodSeconds(10)
                        .setSuccessThreshold(0).setFailureThreshold(0))
                .setReadinessProbe(V1.Probe.newBuilder()
                        .setHandler(V1.ProbeHandler.newBuilder().setTcpSocket(V1.TCPSocketAction.newBuilder()
                                .setHost("")
                                .setPort(IntStr.IntOrString.newBuilder().setType(1).setIntVal(0).setStrVal("http"))))
                        .setInitialDelaySeconds(0).setTimeoutSeconds(0).setPeriodSeconds(0)
                        .setSuccessThreshold(0).setFailureThreshold(0))
                .build();
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder()
                .setMetadata(goObjectMeta("web", "default").toBuilder().putLabels("app", "web"))
                .setSpec(V1Apps.DeploymentSpec.newBuilder()
                        .setReplicas(0)
                        .setSelector(Meta.LabelSelector.newBuilder().putMatchLabels("app", "web"))
                        .setTemplate(V1.PodTemplateSpec.newBuilder()
                                .setMetadata(goObjectMeta("", "").toBuilder().putLabels("app", "web"))
                                .setSpec(goPodSpec().addContainers(container)))
                        .setStrategy(V1Apps.DeploymentStrategy.newBuilder().setType("")
                                .setRollingUpdate(V1Apps.RollingUpdateDeployment.newBuilder()
                                        .setMaxSurge(IntStr.IntOrString.newBuilder().setType(1).setStrVal("25%"))))
                        .setMinReadySeconds(0).setPaused(false))
                .setStatus(V1Apps.DeploymentStatus.newBuilder().setObservedGeneration(0).setReplicas(0)
                        .setUpdatedReplicas(0).setReadyReplicas(0).setAvailableReplicas(0).setUnavailableReplicas(0))
                .build();

        assertDecodesTo(deployment, DEPLOYMENT, """
                {"kind":"Deployment","apiVersion":"apps/v1",
                 "metadata":{"name":"web","namespace":"default","creationTimestamp":null,"labels":{"app":"web"}},
                 "spec":{"replicas":0,
                   "selector":{"matchLabels":{"app":"web"}},
                   "template":{"metadata":{"creationTimestamp":null,"labels":{"app":"web"}},
                     "spec":{"containers":[{"name":"web","image":"nginx",
                       "ports":[{"name":"http","containerPort":80,"protocol":"TCP"}],
                       "resources":{"limits":{"cpu":"500m","memory":"128Mi"},"requests":{"cpu":"0"}},
                       "livenessProbe":{"httpGet":{"path":"/healthz","port":8080},"periodSeconds":10},
                       "readinessProbe":{"tcpSocket":{"port":"http"}}}]}},
                   "strategy":{"rollingUpdate":{"maxSurge":"25%"}}},
                 "status":{}}""");
    }

    @Test
    void volumeSourcesAreInlinedIntoTheVolumeAndKeepAnExplicitMode() {
        V1.Pod pod = V1.Pod.newBuilder()
                .setMetadata(goObjectMeta("p", "default"))
                .setSpec(goPodSpec()
                        .setTerminationGracePeriodSeconds(0)
                        .addContainers(V1.Container.newBuilder().setName("c").setImage("busybox"))
                        .addVolumes(V1.Volume.newBuilder().setName("config")
                                .setVolumeSource(V1.VolumeSource.newBuilder().setConfigMap(
                                        V1.ConfigMapVolumeSource.newBuilder()
                                                .setLocalObjectReference(V1.LocalObjectReference.newBuilder().setName("settings"))
                                                .setDefaultMode(420)))))
                .build();

        ObjectNode json = DECODER.decode(body(pod, "v1", "Pod"), POD);

        assertThat(normalized(json.at("/spec/volumes/0"))).isEqualTo(parse("""
                {"name":"config","configMap":{"name":"settings","defaultMode":420}}"""));
        assertThat(json.at("/spec/terminationGracePeriodSeconds").asInt(-1)).isZero();
    }

    /**
     * A JSON client also sends {@code "token": ""} (no omitempty in Go), which the OpenAPI
     * document does not mark required, so it is dropped here: the server ignores a create's
     * status anyway.
     */
    @Test
    void tokenRequestOfKubectlCreateTokenKeepsTheEmptyStatusTime() {
        V1Authentication.TokenRequest request = V1Authentication.TokenRequest.newBuilder()
                .setMetadata(goObjectMeta("", ""))
                .setSpec(V1Authentication.TokenRequestSpec.newBuilder()
                        .addAudiences("https://kubernetes.default.svc")
                        .setExpirationSeconds(3600))
                .setStatus(V1Authentication.TokenRequestStatus.newBuilder()
                        .setToken("").setExpirationTimestamp(Meta.Time.getDefaultInstance()))
                .build();

        assertDecodesTo(request, TOKEN_REQUEST, """
                {"kind":"TokenRequest","apiVersion":"authentication.k8s.io/v1",
                 "metadata":{"creationTimestamp":null},
                 "spec":{"audiences":["https://kubernetes.default.svc"],"expirationSeconds":3600},
                 "status":{"expirationTimestamp":null}}""");
    }

    @Test
    void selfSubjectAccessReviewOfKubectlAuthCanIKeepsAllowedFalse() {
        V1Authorization.SelfSubjectAccessReview review = V1Authorization.SelfSubjectAccessReview.newBuilder()
                .setMetadata(goObjectMeta("", ""))
                .setSpec(V1Authorization.SelfSubjectAccessReviewSpec.newBuilder()
                        .setResourceAttributes(V1Authorization.ResourceAttributes.newBuilder()
                                .setNamespace("default").setVerb("create").setGroup("").setVersion("")
                                .setResource("pods").setSubresource("").setName("")))
                .setStatus(V1Authorization.SubjectAccessReviewStatus.newBuilder()
                        .setAllowed(false).setDenied(false).setReason("").setEvaluationError(""))
                .build();

        assertDecodesTo(review, SELF_SUBJECT_ACCESS_REVIEW, """
                {"kind":"SelfSubjectAccessReview","apiVersion":"authorization.k8s.io/v1",
                 "metadata":{"creationTimestamp":null},
                 "spec":{"resourceAttributes":{"namespace":"default","verb":"create","resource":"pods"}},
                 "status":{"allowed":false}}""");
    }

    @Test
    void userExtrasAreArraysThoughProtobufWrapsThem() {
        V1Authorization.SubjectAccessReview review = V1Authorization.SubjectAccessReview.newBuilder()
                .setMetadata(goObjectMeta("", ""))
                .setSpec(V1Authorization.SubjectAccessReviewSpec.newBuilder()
                        .setUser("jane").addGroups("dev")
                        .putExtra("scopes", V1Authorization.ExtraValue.newBuilder().addItems("a").addItems("b").build()))
                .build();

        ObjectNode json = DECODER.decode(body(review, "authorization.k8s.io/v1", "SubjectAccessReview"),
                new GroupVersionKind("authorization.k8s.io", "v1", "SubjectAccessReview"));

        assertThat(normalized(json.get("spec"))).isEqualTo(parse("""
                {"user":"jane","groups":["dev"],"extra":{"scopes":["a","b"]}}"""));
    }

    @Test
    void fieldsNamedInGoCasingGetTheirJsonName() {
        V1Authentication.TokenRequest request = V1Authentication.TokenRequest.newBuilder()
                .setMetadata(goObjectMeta("", ""))
                .setSpec(V1Authentication.TokenRequestSpec.newBuilder()
                        .setBoundObjectRef(V1Authentication.BoundObjectReference.newBuilder()
                                .setKind("Pod").setApiVersion("v1").setName("p").setUID("1234")))
                .build();

        ObjectNode json = DECODER.decode(body(request, TOKEN_REQUEST.apiVersion(), "TokenRequest"), TOKEN_REQUEST);

        assertThat(normalized(json.at("/spec/boundObjectRef"))).isEqualTo(parse("""
                {"kind":"Pod","apiVersion":"v1","name":"p","uid":"1234"}"""));
    }

    @Test
    void timesAreRfc3339InUtcAndMicroTimesHaveSixFractionalDigits() {
        V1.Event event = V1.Event.newBuilder()
                .setMetadata(goObjectMeta("e", "default"))
                .setFirstTimestamp(Meta.Time.newBuilder().setSeconds(1_136_214_245L).setNanos(999_000_000))
                .setEventTime(Meta.MicroTime.newBuilder().setSeconds(1_136_214_245L).setNanos(123_456_789))
                .setCount(0)
                .build();

        ObjectNode json = DECODER.decode(body(event, "v1", "Event"), new GroupVersionKind("", "v1", "Event"));

        assertThat(json.get("firstTimestamp").asText()).isEqualTo("2006-01-02T15:04:05Z");
        assertThat(json.get("eventTime").asText()).isEqualTo("2006-01-02T15:04:05.123456Z");
        assertThat(json.has("count")).isFalse();
    }

    @Test
    void managedFieldsAndRawExtensionsAreTheJsonTheyCarry() {
        Meta.ObjectMeta metadata = goObjectMeta("rev", "default").toBuilder()
                .addManagedFields(Meta.ManagedFieldsEntry.newBuilder()
                        .setManager("kubectl").setOperation("Apply").setApiVersion("apps/v1")
                        .setTime(Meta.Time.newBuilder().setSeconds(0).setNanos(0))
                        .setFieldsType("FieldsV1")
                        .setFieldsV1(Meta.FieldsV1.newBuilder()
                                .setRaw(ByteString.copyFromUtf8("{\"f:data\":{\".\":{}}}"))))
                .build();
        V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(metadata)
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{\"spec\":{\"x\":1}}")))
                .setRevision(3)
                .build();

        ObjectNode json = DECODER.decode(body(revision, "apps/v1", "ControllerRevision"),
                new GroupVersionKind("apps", "v1", "ControllerRevision"));

        assertThat(normalized(json.at("/metadata/managedFields/0"))).isEqualTo(parse("""
                {"manager":"kubectl","operation":"Apply","apiVersion":"apps/v1","time":"1970-01-01T00:00:00Z",
                 "fieldsType":"FieldsV1","fieldsV1":{"f:data":{".":{}}}}"""));
        assertThat(normalized(json.get("data"))).isEqualTo(parse("{\"spec\":{\"x\":1}}"));
        assertThat(json.get("revision").asLong()).isEqualTo(3);
    }

    @Test
    void deleteOptionsAreReadInMetaVersionForAnyResource() {
        Meta.DeleteOptions options = Meta.DeleteOptions.newBuilder()
                .setGracePeriodSeconds(0)
                .setPreconditions(Meta.Preconditions.newBuilder().setUid("123"))
                .setPropagationPolicy("Foreground")
                .build();

        ObjectNode json = DECODER.decode(body(options, "meta.k8s.io/v1", "DeleteOptions"),
                new GroupVersionKind("apps", "v1", "DeleteOptions"));

        assertThat(normalized(json)).isEqualTo(parse("""
                {"kind":"DeleteOptions","apiVersion":"meta.k8s.io/v1","gracePeriodSeconds":0,
                 "preconditions":{"uid":"123"},"propagationPolicy":"Foreground"}"""));
    }

    @Test
    void anEnvelopeWithoutTypeMetaTakesTheKindOfTheUrl() {
        V1.ConfigMap configMap = V1.ConfigMap.newBuilder().setMetadata(goObjectMeta("c", "")).build();

        ObjectNode json = DECODER.decode(body(configMap, "", ""), CONFIG_MAP);

        assertThat(json.get("kind").asText()).isEqualTo("ConfigMap");
        assertThat(json.get("apiVersion").asText()).isEqualTo("v1");
    }

    // ---- errors ---------------------------------------------------------------------------------

    @Test
    void aJsonBodyIsNotAProtobufMessage() {
        byte[] json = "{\"kind\":\"Namespace\"}".getBytes(StandardCharsets.UTF_8);

        assertBadRequest(json, NAMESPACE, "the object provided is unrecognized (must be of type Namespace): "
                + "provided data does not appear to be a protobuf message, expected prefix [107 56 115 0] "
                + "({\"kind\":\"Namespace\"})");
    }

    @Test
    void theMagicPrefixAloneIsAnEmptyBody() {
        assertBadRequest(new byte[] {0x6b, 0x38, 0x73, 0}, NAMESPACE,
                "the object provided is unrecognized (must be of type Namespace): empty body (6b387300)");
        assertBadRequest(new byte[0], NAMESPACE,
                "the object provided is unrecognized (must be of type Namespace): empty data (<empty>)");
    }

    @Test
    void anEnvelopeOfAnotherGroupVersionIsRefused() {
        V1Apps.Deployment deployment = V1Apps.Deployment.newBuilder().setMetadata(goObjectMeta("d", "")).build();

        assertBadRequest(body(deployment, "apps/v1", "Deployment"), POD,
                "the API version in the data (apps/v1) does not match the expected API version (v1)");
    }

    @Test
    void anEnvelopeOfAnotherKindCannotBeHandledAsTheUrlsKind() {
        V1.Service service = V1.Service.newBuilder().setMetadata(goObjectMeta("s", "")).build();

        assertBadRequest(body(service, "v1", "Service"), POD,
                "Service in version \"v1\" cannot be handled as a Pod: converting (v1.Service) to (v1.Pod): unknown conversion");
        assertBadRequest(body(service, "v1", "Gizmo"), POD,
                "Gizmo in version \"v1\" cannot be handled as a Pod: no kind \"Gizmo\" is registered for version \"v1\"");
    }

    @Test
    void aTruncatedMessageIsAnUnexpectedEof() {
        byte[] raw = V1.Namespace.newBuilder().setMetadata(goObjectMeta("foo", "")).build().toByteArray();

        assertBadRequest(envelope(Arrays.copyOf(raw, raw.length - 2), "v1", "Namespace"), NAMESPACE,
                "Namespace in version \"v1\" cannot be handled as a Namespace: unexpected EOF");
    }

    @Test
    void everyBuiltInKindOfTheApiServerHasAProtobufForm() {
        String[] kinds = {
                "v1/Namespace", "v1/Pod", "v1/Service", "v1/ConfigMap", "v1/Secret", "v1/ServiceAccount",
                "v1/Event", "v1/Node", "v1/PersistentVolumeClaim", "v1/PersistentVolume", "v1/LimitRange",
                "v1/ResourceQuota", "v1/Endpoints", "v1/Binding", "v1/DeleteOptions",
                "apps/v1/Deployment", "apps/v1/ReplicaSet", "apps/v1/StatefulSet", "apps/v1/DaemonSet",
                "apps/v1/ControllerRevision", "autoscaling/v1/Scale",
                "batch/v1/Job", "batch/v1/CronJob",
                "rbac.authorization.k8s.io/v1/Role", "rbac.authorization.k8s.io/v1/ClusterRole",
                "rbac.authorization.k8s.io/v1/RoleBinding", "rbac.authorization.k8s.io/v1/ClusterRoleBinding",
                "coordination.k8s.io/v1/Lease", "events.k8s.io/v1/Event", "discovery.k8s.io/v1/EndpointSlice",
                "policy/v1/PodDisruptionBudget", "policy/v1/Eviction",
                "networking.k8s.io/v1/Ingress", "networking.k8s.io/v1/NetworkPolicy",
                "networking.k8s.io/v1/IngressClass", "storage.k8s.io/v1/StorageClass",
                "scheduling.k8s.io/v1/PriorityClass",
                "authentication.k8s.io/v1/TokenRequest", "authentication.k8s.io/v1/TokenReview",
                "authorization.k8s.io/v1/SelfSubjectAccessReview", "authorization.k8s.io/v1/SelfSubjectRulesReview",
                "authorization.k8s.io/v1/SubjectAccessReview", "meta.k8s.io/v1/DeleteOptions"};
        for (String kind : kinds) {
            int slash = kind.lastIndexOf('/');
            GroupVersionKind gvk = GroupVersionKind.of(kind.substring(0, slash), kind.substring(slash + 1));
            assertThat(DECODER.supports(gvk)).as(kind).isTrue();
        }
    }

    @Test
    void aRawExtensionMayHoldAProtobufObjectOfItsOwn() {
        byte[] embedded = body(V1.ConfigMap.newBuilder().setMetadata(goObjectMeta("inner", "")).putData("k", "v").build(),
                "v1", "ConfigMap");
        V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(goObjectMeta("rev", "default"))
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFrom(embedded)))
                .build();

        ObjectNode json = DECODER.decode(body(revision, "apps/v1", "ControllerRevision"),
                new GroupVersionKind("apps", "v1", "ControllerRevision"));

        assertThat(normalized(json.get("data"))).isEqualTo(parse("""
                {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"inner","creationTimestamp":null},
                 "data":{"k":"v"}}"""));
    }

    @Test
    void aRawExtensionThatIsNotJsonCannotBeHandled() {
        V1Apps.ControllerRevision revision = V1Apps.ControllerRevision.newBuilder()
                .setMetadata(goObjectMeta("rev", "default"))
                .setData(Runtime.RawExtension.newBuilder().setRaw(ByteString.copyFromUtf8("{not json")))
                .build();

        assertThatThrownBy(() -> DECODER.decode(body(revision, "apps/v1", "ControllerRevision"),
                new GroupVersionKind("apps", "v1", "ControllerRevision")))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.getMessage()).startsWith("ControllerRevision in version \"v1\" cannot be handled as a "
                            + "ControllerRevision: the RawExtension does not hold valid JSON: ");
                });
    }

    @Test
    void fieldsTheDescriptorsDoNotKnowAreDropped() {
        byte[] raw = V1.ConfigMap.newBuilder().setMetadata(goObjectMeta("c", "")).putData("k", "v").build().toByteArray();
        byte[] withUnknown = Arrays.copyOf(raw, raw.length + 3);
        // field 99, varint 1: a field some newer Kubernetes might add
        withUnknown[raw.length] = (byte) 0x98;
        withUnknown[raw.length + 1] = 0x06;
        withUnknown[raw.length + 2] = 0x01;

        ObjectNode json = DECODER.decode(envelope(withUnknown, "v1", "ConfigMap"), CONFIG_MAP);

        assertThat(normalized(json)).isEqualTo(parse("""
                {"kind":"ConfigMap","apiVersion":"v1","metadata":{"name":"c","creationTimestamp":null},
                 "data":{"k":"v"}}"""));
    }

    @Test
    void customResourcesHaveNoProtobufForm() {
        assertThat(DECODER.supports(new GroupVersionKind("example.com", "v1", "Widget"))).isFalse();
        assertThat(DECODER.supports(DEPLOYMENT)).isTrue();
    }

    // ---- helpers --------------------------------------------------------------------------------

    /** ObjectMeta as Go's protobuf writes an object's metadata: every string, zero or not. */
    private static Meta.ObjectMeta goObjectMeta(String name, String namespace) {
        return Meta.ObjectMeta.newBuilder()
                .setName(name).setGenerateName("").setNamespace(namespace).setSelfLink("").setUid("")
                .setResourceVersion("").setGeneration(0).setCreationTimestamp(Meta.Time.getDefaultInstance())
                .build();
    }

    /** A PodSpec with the non-pointer scalars Go always writes. */
    private static V1.PodSpec.Builder goPodSpec() {
        return V1.PodSpec.newBuilder()
                .setRestartPolicy("").setDnsPolicy("").setServiceAccountName("").setServiceAccount("")
                .setNodeName("").setHostNetwork(false).setHostPID(false).setHostIPC(false).setHostname("")
                .setSubdomain("").setSchedulerName("");
    }

    private static Resource.Quantity quantity(String text) {
        return Resource.Quantity.newBuilder().setString(text).build();
    }

    private static byte[] body(Message message, String apiVersion, String kind) {
        return envelope(message.toByteArray(), apiVersion, kind);
    }

    private static byte[] envelope(byte[] raw, String apiVersion, String kind) {
        Runtime.Unknown unknown = Runtime.Unknown.newBuilder()
                .setTypeMeta(Runtime.TypeMeta.newBuilder().setApiVersion(apiVersion).setKind(kind))
                .setRaw(ByteString.copyFrom(raw))
                .setContentEncoding("").setContentType("")
                .build();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {0x6b, 0x38, 0x73, 0x00});
        out.writeBytes(unknown.toByteArray());
        return out.toByteArray();
    }

    private static void assertDecodesTo(Message message, GroupVersionKind kind, String expectedJson) {
        ObjectNode decoded = DECODER.decode(body(message, kind.apiVersion(), kind.kind()), kind);
        assertThat(normalized(decoded)).isEqualTo(parse(expectedJson));
    }

    private static void assertBadRequest(byte[] body, GroupVersionKind kind, String message) {
        assertThatThrownBy(() -> DECODER.decode(body, kind))
                .isInstanceOfSatisfying(StatusException.class, e -> {
                    assertThat(e.code()).isEqualTo(400);
                    assertThat(e.reason()).isEqualTo(StatusReason.BAD_REQUEST);
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    /** Through text and back, so an int64 field equals the int a JSON parser reads. */
    private static JsonNode normalized(JsonNode node) {
        try {
            return JSON.readTree(JSON.writeValueAsString(node));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
