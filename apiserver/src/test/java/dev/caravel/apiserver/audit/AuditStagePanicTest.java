package dev.caravel.apiserver.audit;

import dev.caravel.apiserver.http.ApiRequest;
import dev.caravel.apiserver.http.ApiResponse;
import dev.caravel.apiserver.request.RequestInfo;
import dev.caravel.audit.event.AuditStage;
import dev.caravel.audit.policy.AuditLevel;
import dev.caravel.audit.policy.AuditPolicy;
import dev.caravel.audit.writer.AuditCounters;
import dev.caravel.audit.writer.AuditEvent;
import dev.caravel.audit.writer.AuditSink;
import dev.caravel.audit.writer.RequestAuditor;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** A handler failing with something other than a Status: no HTTP request can provoke one, so the stage is driven directly. */
class AuditStagePanicTest {

    private final List<AuditEvent> written = new CopyOnWriteArrayList<>();
    private final AuditSink collecting = new AuditSink() {
        @Override
        public void process(AuditEvent event) {
            written.add(event);
        }

        @Override
        public void close() {
        }
    };

    @Test
    void anUnexpectedFailureIsAuditedAsAPanicInsteadOfResponseCompleteAndAnswered500() throws Exception {
        dev.caravel.apiserver.audit.AuditStage stage = new dev.caravel.apiserver.audit.AuditStage(
                new RequestAuditor(AuditPolicy.everything(AuditLevel.METADATA), collecting, new AuditCounters()),
                Clock.systemUTC());
        ApiRequest request = ApiRequest.of("GET", "/api/v1/namespaces/default/pods/web", "", Map.of(), null);
        request = request.withInfo(RequestInfo.parse("GET", request.path(), request.query()));

        ApiResponse response = stage.handle(request, next -> {
            throw new IllegalStateException("index out of step");
        });

        assertThat(response.code()).isEqualTo(500);
        assertThat(response.headers()).containsKey("Audit-Id");
        assertThat(written).extracting(AuditEvent::stage).containsExactly(AuditStage.REQUEST_RECEIVED, AuditStage.PANIC);
        assertThat(written.get(1).responseStatus().code()).isEqualTo(500);
        assertThat(written.get(1).responseStatus().reason()).isEqualTo("InternalError");
        assertThat(written.get(1).responseStatus().message()).isEqualTo("APIServer panic'd: index out of step");
    }
}
