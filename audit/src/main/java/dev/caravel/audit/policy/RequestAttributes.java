package dev.caravel.audit.policy;

import java.util.List;
import java.util.Objects;

/**
 * What the policy looks at in a request: the authenticated user and the request info the API
 * server parsed from the URL (kube-apiserver's {@code authorizer.Attributes}).
 *
 * <p>For a resource request {@code path} is unused by the policy; for a non-resource request
 * (/healthz, /version, /metrics...) only {@code path} and the user and verb are used.
 * Cluster-scoped resources have namespace {@code ""}, never null, so that a rule's
 * {@code namespaces: [""]} selects them as in Kubernetes.
 *
 * @param user            null for a request not yet authenticated
 * @param apiGroup        {@code ""} for the core group
 * @param subresource     {@code ""} when none (e.g. {@code log} for pods/log)
 */
public record RequestAttributes(
        String username,
        List<String> groups,
        String verb,
        boolean resourceRequest,
        String namespace,
        String apiGroup,
        String resource,
        String subresource,
        String name,
        String path) {

    public RequestAttributes {
        groups = groups == null ? List.of() : List.copyOf(groups);
        verb = Objects.requireNonNullElse(verb, "");
        namespace = Objects.requireNonNullElse(namespace, "");
        apiGroup = Objects.requireNonNullElse(apiGroup, "");
        resource = Objects.requireNonNullElse(resource, "");
        subresource = Objects.requireNonNullElse(subresource, "");
        name = Objects.requireNonNullElse(name, "");
        path = Objects.requireNonNullElse(path, "");
    }

    /** A request for a resource, e.g. {@code resource(user, groups, "get", "ns", "", "pods", "log", "web-0")}. */
    public static RequestAttributes resource(String username, List<String> groups, String verb, String namespace,
                                             String apiGroup, String resource, String subresource, String name) {
        return new RequestAttributes(username, groups, verb, true, namespace, apiGroup, resource, subresource,
                name, "");
    }

    /** A request for a non-resource URL such as {@code /healthz}; verb is the lower-case HTTP method. */
    public static RequestAttributes nonResource(String username, List<String> groups, String verb, String path) {
        return new RequestAttributes(username, groups, verb, false, "", "", "", "", "", path);
    }
}
