package dev.caravel.audit.writer;

import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.event.MicroTimestamp;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.RequestAuditConfig;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditEventJsonTest {

    private static final UUID ID = UUID.fromString("6a1f3c6e-2f0b-4c55-9d2a-0f4c1b2e3d4a");
    private static final long RECEIVED = MicroTimestamp.parse("2026-11-25T14:00:00.000001Z");
    private static final long COMPLETED = MicroTimestamp.parse("2026-11-25T14:00:00.25Z");

    static AuditEvent.Builder listPods(AuditLevel level) {
        return AuditEvent.builder()
                .level(level)
                .auditId(ID)
                .requestUri("/api/v1/namespaces/default/pods?limit=500&labelSelector=app%3Dweb")
                .verb("list")
                .user(UserInfo.of("alice", List.of("dev", "system:authenticated")))
                .sourceIps(List.of("10.0.0.1"))
                .userAgent("kubectl/v1.31.0 (linux/amd64) kubernetes/abc1234")
                .objectRef(ObjectReference.of("", "v1", "pods", "", "default", ""))
                .requestReceivedMicros(RECEIVED)
                .stage(AuditStage.REQUEST_RECEIVED, RECEIVED);
    }

    private static String line(AuditEvent event) {
        return new String(AuditEventJson.line(event), StandardCharsets.UTF_8);
    }

    @Test
    void aMetadataEventIsWrittenInKubernetesFieldOrderWithGoEscaping() {
        AuditEvent event = listPods(AuditLevel.METADATA)
                .stage(AuditStage.RESPONSE_COMPLETE, COMPLETED)
                .responseStatus(ResponseStatus.ofCode(200))
                .annotation("authorization.k8s.io/reason", "RBAC: allowed by ClusterRoleBinding \"dev\"")
                .annotation("authorization.k8s.io/decision", "allow")
                .build();
        assertThat(line(event)).isEqualTo("""
                {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata",\
                "auditID":"6a1f3c6e-2f0b-4c55-9d2a-0f4c1b2e3d4a","stage":"ResponseComplete",\
                "requestURI":"/api/v1/namespaces/default/pods?limit=500\\u0026labelSelector=app%3Dweb",\
                "verb":"list","user":{"username":"alice","groups":["dev","system:authenticated"]},\
                "sourceIPs":["10.0.0.1"],"userAgent":"kubectl/v1.31.0 (linux/amd64) kubernetes/abc1234",\
                "objectRef":{"resource":"pods","namespace":"default","apiVersion":"v1"},\
                "responseStatus":{"metadata":{},"code":200},\
                "requestReceivedTimestamp":"2026-11-25T14:00:00.000001Z",\
                "stageTimestamp":"2026-11-25T14:00:00.250000Z",\
                "annotations":{"authorization.k8s.io/decision":"allow",\
                "authorization.k8s.io/reason":"RBAC: allowed by ClusterRoleBinding \\"dev\\""}}
                """);
    }

    @Test
    void aRequestReceivedEventHasAnEmptyUserObjectWhenNobodyIsAuthenticatedYet() {
        AuditEvent event = AuditEvent.builder().auditId(ID).requestUri("/healthz").verb("get")
                .requestReceivedMicros(RECEIVED).build();
        assertThat(line(event)).isEqualTo("""
                {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"Metadata",\
                "auditID":"6a1f3c6e-2f0b-4c55-9d2a-0f4c1b2e3d4a","stage":"RequestReceived",\
                "requestURI":"/healthz","verb":"get","user":{},\
                "requestReceivedTimestamp":"2026-11-25T14:00:00.000001Z",\
                "stageTimestamp":"2026-11-25T14:00:00.000001Z"}
                """);
    }

    @Test
    void requestAndResponseObjectsAreCompactAndLoseManagedFieldsWhenThePolicySaysSo() {
        String pod = """
                {
                  "kind": "Pod", "apiVersion": "v1",
                  "metadata": {"name": "web", "managedFields": [{"manager": "kubectl"}]},
                  "spec": {"containers": [{"name": "c", "image": "nginx<1>"}]}
                }""";
        AuditEvent event = AuditEvent.builder()
                .config(new RequestAuditConfig(AuditLevel.REQUEST_RESPONSE, Set.of(), true))
                .auditId(ID)
                .requestUri("/api/v1/namespaces/default/pods")
                .verb("create")
                .user(new UserInfo("alice", "u-1", List.of("dev"),
                        Map.of("z", List.of("1"), "a", List.of("2", "3"))))
                .impersonatedUser(UserInfo.of("bob", List.of()))
                .objectRef(new ObjectReference("pods", "default", "web", "", "", "v1", "", ""))
                .requestObject(pod.getBytes(StandardCharsets.UTF_8))
                .responseObject("{\"kind\":\"PodList\",\"items\":[{\"metadata\":{\"managedFields\":[]}}]}"
                        .getBytes(StandardCharsets.UTF_8))
                .responseStatus(ResponseStatus.failure(409, "AlreadyExists", "pods \"web\" already exists"))
                .requestReceivedMicros(RECEIVED)
                .stage(AuditStage.RESPONSE_COMPLETE, COMPLETED)
                .build();
        assertThat(line(event)).isEqualTo("""
                {"kind":"Event","apiVersion":"audit.k8s.io/v1","level":"RequestResponse",\
                "auditID":"6a1f3c6e-2f0b-4c55-9d2a-0f4c1b2e3d4a","stage":"ResponseComplete",\
                "requestURI":"/api/v1/namespaces/default/pods","verb":"create",\
                "user":{"username":"alice","uid":"u-1","groups":["dev"],"extra":{"a":["2","3"],"z":["1"]}},\
                "impersonatedUser":{"username":"bob"},\
                "objectRef":{"resource":"pods","namespace":"default","name":"web","apiVersion":"v1"},\
                "responseStatus":{"metadata":{},"status":"Failure","message":"pods \\"web\\" already exists",\
                "reason":"AlreadyExists","code":409},\
                "requestObject":{"kind":"Pod","apiVersion":"v1","metadata":{"name":"web"},\
                "spec":{"containers":[{"name":"c","image":"nginx\\u003c1\\u003e"}]}},\
                "responseObject":{"kind":"PodList","items":[{"metadata":{}}]},\
                "requestReceivedTimestamp":"2026-11-25T14:00:00.000001Z",\
                "stageTimestamp":"2026-11-25T14:00:00.250000Z"}
                """);
    }

    @Test
    void theLevelDecidesWhichObjectsAreKept() {
        byte[] body = "{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8);
        AuditEvent metadata = listPods(AuditLevel.METADATA).requestObject(body).responseObject(body).build();
        assertThat(metadata.requestObject()).isNull();
        assertThat(metadata.responseObject()).isNull();
        AuditEvent request = listPods(AuditLevel.REQUEST).requestObject(body).responseObject(body).build();
        assertThat(request.requestObject()).hasToString("{\"kind\":\"Pod\"}");
        assertThat(request.responseObject()).isNull();
        assertThatThrownBy(() -> listPods(AuditLevel.NONE).build()).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void controlCharactersAndLineSeparatorsAreEscapedAsGoEscapesThem() {
        AuditEvent event = listPods(AuditLevel.METADATA).userAgent("a\u0001b\nc\u2028d>").build();
        assertThat(line(event)).contains("\"userAgent\":\"a\\u0001b\\nc\\u2028d\\u003e\"");
    }

    @Test
    void anEventListWrapsTheEventsWithEmptyListMetadata() {
        AuditEvent event = listPods(AuditLevel.METADATA).build();
        String list = new String(AuditEventJson.eventList(List.of(event, event)), StandardCharsets.UTF_8);
        String one = line(event).strip();
        assertThat(list).isEqualTo("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\",\"metadata\":{},"
                + "\"items\":[" + one + "," + one + "]}");
    }
}
