package dev.caravel.audit.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import dev.caravel.audit.event.AuditEvent;
import dev.caravel.audit.event.AuditStage;
import org.junit.jupiter.api.Test;

class LongRunningRequestsTest {

    private static AuditEvent request(String verb, String subresource, String uri) {
        return new AuditEvent("audit.k8s.io/v1", AuditStage.RESPONSE_COMPLETE, verb, "u", null, "pods", subresource,
                "default", uri, 0, 1);
    }

    @Test
    void watchAndProxyVerbsAreLongRunning() {
        assertThat(LongRunningRequests.isLongRunning(request("watch", null, "/api/v1/pods?watch=true"))).isTrue();
        assertThat(LongRunningRequests.isLongRunning(request("proxy", null, "/api/v1/proxy"))).isTrue();
        assertThat(LongRunningRequests.isLongRunning(request("list", null, "/api/v1/pods"))).isFalse();
    }

    @Test
    void streamingSubresourcesAreLongRunning() {
        for (String sub : new String[] {"exec", "attach", "portforward", "proxy"}) {
            assertThat(LongRunningRequests.isLongRunning(request("create", sub, "/api/v1/x/" + sub))).as(sub).isTrue();
        }
        assertThat(LongRunningRequests.isLongRunning(request("update", "status", "/api/v1/x/status"))).isFalse();
    }

    @Test
    void onlyAFollowedLogIsLongRunning() {
        assertThat(LongRunningRequests.isLongRunning(request("get", "log", "/api/v1/namespaces/d/pods/p/log?follow=true"))).isTrue();
        assertThat(LongRunningRequests.isLongRunning(request("get", "log", "/api/v1/namespaces/d/pods/p/log?container=a&follow=1"))).isTrue();
        assertThat(LongRunningRequests.isLongRunning(request("get", "log", "/api/v1/namespaces/d/pods/p/log?follow=false"))).isFalse();
        assertThat(LongRunningRequests.isLongRunning(request("get", "log", "/api/v1/namespaces/d/pods/p/log"))).isFalse();
    }
}
