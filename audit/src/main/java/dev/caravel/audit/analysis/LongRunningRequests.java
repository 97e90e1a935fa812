package dev.caravel.audit.analysis;

import dev.caravel.audit.event.AuditEvent;
import java.util.Set;

/**
 * Which requests are long-running: held open at the client's will rather than for the time the
 * server needs to answer. Their durations say how long a client watched or streamed, not how
 * much work the server did, so the analysis reports them apart and never adds them to query time.
 *
 * <p>The set follows the check kube-apiserver uses to exempt requests from its request timeout
 * and in-flight limits: the {@code watch} and {@code proxy} verbs, and the {@code attach},
 * {@code exec}, {@code portforward} and {@code proxy} subresources. One deliberate difference:
 * Kubernetes counts every {@code log} request as long-running; here only {@code follow=true}
 * does. A plain log read ends when the kubelet has returned the log, so its duration is bounded
 * work like a get, and counting it as query time keeps a script that reads thousands of logs
 * visible.
 */
public final class LongRunningRequests {

    private static final Set<String> VERBS = Set.of("watch", "proxy");
    private static final Set<String> SUBRESOURCES = Set.of("attach", "exec", "portforward", "proxy");

    private LongRunningRequests() {
    }

    public static boolean isLongRunning(AuditEvent event) {
        if (event.verb() != null && VERBS.contains(event.verb())) {
            return true;
        }
        String sub = event.objectSubresource();
        if (sub == null) {
            return false;
        }
        if (SUBRESOURCES.contains(sub)) {
            return true;
        }
        return sub.equals("log") && followsLog(event.requestUri());
    }

    /** True if the query string has follow=true (kubectl logs -f; "1" and "True" parse as true in Go too). */
    static boolean followsLog(String requestUri) {
        if (requestUri == null) {
            return false;
        }
        int query = requestUri.indexOf('?');
        if (query < 0) {
            return false;
        }
        for (String parameter : requestUri.substring(query + 1).split("&")) {
            if (parameter.startsWith("follow=")) {
                String value = parameter.substring("follow=".length());
                return value.equals("true") || value.equals("1") || value.equalsIgnoreCase("true") || value.equals("t");
            }
        }
        return false;
    }
}
