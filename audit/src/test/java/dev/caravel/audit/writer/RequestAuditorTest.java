package dev.caravel.audit.writer;

import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.event.MicroTimestamp;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.AuditPolicyFile;
import dev.caravel.audit.policy.RequestAttributes;
import dev.caravel.audit.writer.RequestAuditor.AuditedRequest;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

class RequestAuditorTest {

    private static final String POLICY = """
            apiVersion: audit.k8s.io/v1
            kind: Policy
            omitStages: ["RequestReceived"]
            rules:
              - level: None
                resources: [{group: "", resources: ["events"]}]
              - level: RequestResponse
                resources: [{group: "", resources: ["configmaps"]}]
                omitManagedFields: true
              - level: Metadata
            """;

    private final List<AuditEvent> written = new CopyOnWriteArrayList<>();
    private final AuditCounters counters = new AuditCounters();
    private final RequestAuditor auditor = new RequestAuditor(
            AuditPolicyFile.parse(POLICY.getBytes(StandardCharsets.UTF_8), "policy.yaml"),
            new AuditSink() {
                @Override
                public void process(AuditEvent event) {
                    written.add(event);
                }

                @Override
                public void close() {
                }
            }, counters);

    private static final long RECEIVED = MicroTimestamp.parse("2026-11-25T14:00:00Z");

    private AuditedRequest begin(String resource, String verb) {
        RequestAttributes attributes = RequestAttributes.resource("alice", List.of("dev"), verb, "default", "",
                resource, "", "x");
        return auditor.begin(attributes, AuditEvent.builder().auditId(UUID.randomUUID())
                .requestUri("/api/v1/namespaces/default/" + resource + "/x").verb(verb)
                .user(UserInfo.of("alice", List.of("dev")))
                .objectRef(ObjectReference.of("", "v1", resource, "", "default", "x"))
                .requestReceivedMicros(RECEIVED));
    }

    @Test
    void aRequestAtMetadataWritesOnlyTheStagesThePolicyKeepsAndNoBodies() {
        AuditedRequest audit = begin("pods", "get");
        audit.requestReceived();
        audit.requestObject("{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8));
        audit.responseComplete(ResponseStatus.ofCode(200), "{\"kind\":\"Pod\"}".getBytes(StandardCharsets.UTF_8),
                RECEIVED + 2_000);
        assertThat(written).singleElement().satisfies(event -> {
            assertThat(event.stage()).isEqualTo(AuditStage.RESPONSE_COMPLETE);
            assertThat(event.level()).isEqualTo(AuditLevel.METADATA);
            assertThat(event.requestObject()).isNull();
            assertThat(event.responseObject()).isNull();
            assertThat(event.stageMicros() - event.requestReceivedMicros()).isEqualTo(2_000);
        });
        assertThat(counters.level(AuditLevel.METADATA)).isEqualTo(1);
    }

    @Test
    void aWatchWritesResponseStartedThenResponseCompleteWithTheSameAuditId() {
        AuditedRequest audit = begin("pods", "watch");
        audit.requestReceived();
        audit.responseStarted(RECEIVED + 1_000, ResponseStatus.ofCode(200));
        audit.responseComplete(ResponseStatus.ofCode(200), null, RECEIVED + 60_000_000);
        assertThat(written).extracting(AuditEvent::stage)
                .containsExactly(AuditStage.RESPONSE_STARTED, AuditStage.RESPONSE_COMPLETE);
        assertThat(written.get(0).auditId()).isEqualTo(written.get(1).auditId());
    }

    @Test
    void aBodyThatIsNotJsonIsLeftOutOfTheEventWithoutFailingTheRequest() {
        AuditedRequest audit = begin("configmaps", "create");
        audit.requestObject(new byte[] {0x6b, 0x38, 0x73, 0x00}); // a protobuf body handed over by mistake
        audit.responseComplete(ResponseStatus.ofCode(201), "{\"kind\":\"ConfigMap\"}"
                .getBytes(StandardCharsets.UTF_8), RECEIVED + 5);
        assertThat(written).singleElement().satisfies(event -> {
            assertThat(event.requestObject()).isNull();
            assertThat(event.responseStatus().code()).isEqualTo(201);
        });
    }

    @Test
    void aRequestAtLevelNoneWritesNothingButIsCounted() {
        AuditedRequest audit = begin("events", "create");
        assertThat(audit.audited()).isFalse();
        audit.requestReceived();
        audit.panic("boom", RECEIVED + 5);
        assertThat(written).isEmpty();
        assertThat(counters.level(AuditLevel.NONE)).isEqualTo(1);
    }

    @Test
    void aPanicIsWrittenAsAnInternalErrorAndBodiesFollowTheRule() {
        AuditedRequest audit = begin("configmaps", "update");
        audit.requestObject("{\"metadata\":{\"name\":\"x\",\"managedFields\":[{}]}}"
                .getBytes(StandardCharsets.UTF_8));
        audit.panic("nil map", RECEIVED + 5);
        assertThat(written).singleElement().satisfies(event -> {
            assertThat(event.stage()).isEqualTo(AuditStage.PANIC);
            assertThat(event.responseStatus().code()).isEqualTo(500);
            assertThat(event.responseStatus().message()).isEqualTo("APIServer panic'd: nil map");
            assertThat(event.requestObject()).hasToString("{\"metadata\":{\"name\":\"x\"}}");
        });
    }
}
