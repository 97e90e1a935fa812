package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.selection.FieldSelector;
import dev.caravel.apiserver.selection.InvalidSelectorException;
import dev.caravel.apiserver.selection.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * What a request is about, read from its method, path and query exactly as Kubernetes'
 * RequestInfoFactory reads it; authorization, audit, priority and fairness and the handlers all
 * decide from this record.
 *
 * <pre>
 * GET    /api/v1/namespaces/default/pods            list pods in default
 * GET    /api/v1/namespaces/default/pods?watch=true watch
 * GET    /apis/apps/v1/watch/deployments            watch (the legacy watch prefix)
 * GET    /api/v1/namespaces/foo                     get namespaces "foo" (the namespace itself)
 * PUT    /api/v1/namespaces/foo/status              update namespaces "foo", subresource status
 * DELETE /api/v1/namespaces/default/pods            deletecollection
 * GET    /healthz                                   a non-resource request, verb "get"
 * </pre>
 *
 * @param resourceRequest false for non-resource paths (/healthz, /version, /openapi/v3, /apis)
 * @param verb            for resource requests: get, list, watch, create, update, patch, delete,
 *                        deletecollection or proxy; for others the lower-cased HTTP method
 * @param apiPrefix       "api" or "apis"; empty for non-resource requests
 * @param apiGroup        empty for the core group
 * @param parts           the path from the resource on ({@code pods, foo, status}), unparsed
 * @param labelSelector   for list, watch and deletecollection, the raw labelSelector parameter, so
 *                        that authorization can decide on it (Kubernetes' AuthorizeWithSelectors,
 *                        on since 1.32); "" otherwise. {@link #parsedLabelSelector()} parses it.
 * @param fieldSelector   likewise for fieldSelector
 */
public record RequestInfo(boolean resourceRequest, String path, String verb, String apiPrefix, String apiGroup,
                          String apiVersion, String namespace, String resource, String subresource, String name,
                          List<String> parts, String labelSelector, String fieldSelector) {

    private static final Set<String> API_PREFIXES = Set.of("api", "apis");
    private static final Set<String> GROUPLESS_API_PREFIXES = Set.of("api");
    /** Verbs that come as a path segment before the resource: {@code /api/v1/watch/pods}. */
    private static final Set<String> SPECIAL_VERBS = Set.of("proxy", "watch");
    /** After a proxy verb every remaining segment belongs to the proxied path, never a subresource. */
    private static final Set<String> SPECIAL_VERBS_NO_SUBRESOURCES = Set.of("proxy");
    /** Segments after /namespaces/{name} that are subresources of the namespace, not resources in it. */
    private static final Set<String> NAMESPACE_SUBRESOURCES = Set.of("status", "finalize");

    public RequestInfo {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(verb, "verb");
        apiPrefix = apiPrefix == null ? "" : apiPrefix;
        apiGroup = apiGroup == null ? "" : apiGroup;
        apiVersion = apiVersion == null ? "" : apiVersion;
        namespace = namespace == null ? "" : namespace;
        resource = resource == null ? "" : resource;
        subresource = subresource == null ? "" : subresource;
        name = name == null ? "" : name;
        parts = parts == null ? List.of() : List.copyOf(parts);
        labelSelector = labelSelector == null ? "" : labelSelector;
        fieldSelector = fieldSelector == null ? "" : fieldSelector;
    }

    /**
     * Reads a request.
     *
     * @param path  the decoded URL path
     * @param query the query parameters (watch and fieldSelector decide between get, list and watch)
     * @throws StatusException only for a special verb with nothing after it ({@code /api/v1/watch}),
     *                         which Kubernetes fails with a 500 before any handler runs
     */
    public static RequestInfo parse(String method, String path, QueryParameters query) {
        String verb = method.toLowerCase(Locale.ROOT);
        RequestInfo nonResource = new RequestInfo(false, path, verb, "", "", "", "", "", "", "", List.of(), "", "");
        List<String> current = splitPath(path);
        if (current.size() < 3 || !API_PREFIXES.contains(current.get(0))) {
            return nonResource;
        }
        String apiPrefix = current.get(0);
        current = current.subList(1, current.size());
        String apiGroup = "";
        if (!GROUPLESS_API_PREFIXES.contains(apiPrefix)) {
            // The prefix is consumed, so this asks whether the path had four segments.
            if (current.size() < 3) {
                return nonResource;
            }
            apiGroup = current.get(0);
            current = current.subList(1, current.size());
        }
        String apiVersion = current.get(0);
        current = current.subList(1, current.size());

        if (SPECIAL_VERBS.contains(current.get(0))) {
            if (current.size() < 2) {
                throw StatusException.internalError(
                        "failed to create RequestInfo: unable to determine kind and namespace from url, " + path);
            }
            verb = current.get(0);
            current = current.subList(1, current.size());
        } else {
            // HTTP methods are case-sensitive; Kubernetes compares them exactly.
            verb = switch (method) {
                case "POST" -> "create";
                case "GET", "HEAD" -> "get";
                case "PUT" -> "update";
                case "PATCH" -> "patch";
                case "DELETE" -> "delete";
                default -> "";
            };
        }

        String namespace = "";
        if (current.get(0).equals("namespaces")) {
            if (current.size() > 1) {
                namespace = current.get(1);
                // /namespaces/{ns}/{resource}...: the resource is inside the namespace, unless the
                // next segment is a subresource of the namespace object itself.
                if (current.size() > 2 && !NAMESPACE_SUBRESOURCES.contains(current.get(2))) {
                    current = current.subList(2, current.size());
                }
            }
        }

        List<String> parts = List.copyOf(current);
        String resource = parts.get(0);
        String name = parts.size() >= 2 ? parts.get(1) : "";
        String subresource = parts.size() >= 3 && !SPECIAL_VERBS_NO_SUBRESOURCES.contains(verb) ? parts.get(2) : "";

        if (name.isEmpty() && verb.equals("get")) {
            verb = watchRequested(query) ? "watch" : "list";
            if (listOptionsDecode(query)) {
                name = nameFromFieldSelector(query);
            }
        }
        if (name.isEmpty() && verb.equals("delete")) {
            verb = "deletecollection";
        }
        String labels = "";
        String fields = "";
        if (verb.equals("list") || verb.equals("watch") || verb.equals("deletecollection")) {
            labels = query.first("labelSelector");
            fields = query.first("fieldSelector");
        }
        return new RequestInfo(true, path, verb, apiPrefix, apiGroup, apiVersion, namespace, resource, subresource,
                name, parts, labels, fields);
    }

    /**
     * The label selector for authorization, parsed; everything when there is none.
     *
     * @throws InvalidSelectorException with Kubernetes' message, which an authorizer receives as
     *                                  the parsing error (a selector it cannot read narrows nothing)
     */
    public LabelSelector parsedLabelSelector() {
        return LabelSelector.parse(labelSelector);
    }

    /** As {@link #parsedLabelSelector()}, for the field selector. */
    public FieldSelector parsedFieldSelector() {
        return FieldSelector.parse(fieldSelector);
    }

    /**
     * Whether the query decodes as list options. Kubernetes decodes them all at once and, when
     * anything fails (a bad label selector, a limit that is no number), ignores the field
     * selector too: such a request is not narrowed to a name.
     */
    private static boolean listOptionsDecode(QueryParameters query) {
        try {
            LabelSelector.parse(query.first("labelSelector"));
            FieldSelector.parse(query.first("fieldSelector"));
            QueryValues.int64(query, "limit");
            QueryValues.optionalInt64(query, "timeoutSeconds");
            return true;
        } catch (InvalidSelectorException | StatusException e) {
            return false;
        }
    }

    /** Kubernetes' boolean query reading: only absent, "0" and "false" are false. */
    private static boolean watchRequested(QueryParameters query) {
        return QueryValues.bool(query, "watch");
    }

    /**
     * A list or watch narrowed to one object by {@code fieldSelector=metadata.name=foo} names it,
     * so that authorization can allow a watch on one object; a selector that does not parse, or a
     * name that could not be a path segment, names nothing.
     */
    private static String nameFromFieldSelector(QueryParameters query) {
        String raw = query.first("fieldSelector");
        if (raw == null || raw.isEmpty()) {
            return "";
        }
        try {
            return FieldSelector.parse(raw).requiresExactMatch("metadata.name")
                    .filter(RequestInfo::isValidPathSegmentName)
                    .orElse("");
        } catch (InvalidSelectorException e) {
            return "";
        }
    }

    /** Kubernetes' path.IsValidPathSegmentName: not "." or "..", no "/" and no "%". */
    static boolean isValidPathSegmentName(String name) {
        return !name.equals(".") && !name.equals("..") && name.indexOf('/') < 0 && name.indexOf('%') < 0;
    }

    /**
     * True for a request on a connect subresource of a built-in type (pods exec, attach,
     * portforward and proxy; services and nodes proxy). Kubernetes keeps the method's verb
     * (get or create) in RequestInfo for these, but admits them as CONNECT operations and
     * streams them rather than decoding a body.
     */
    public boolean isConnect() {
        if (!resourceRequest || subresource.isEmpty() || !apiGroup.isEmpty()) {
            return false;
        }
        return switch (resource) {
            case "pods" -> CONNECT_POD_SUBRESOURCES.contains(subresource);
            case "services", "nodes" -> subresource.equals("proxy");
            default -> false;
        };
    }

    private static final Set<String> CONNECT_POD_SUBRESOURCES = Set.of("exec", "attach", "portforward", "proxy");

    /** Trims slashes at both ends, then splits on "/"; the root is no segment at all. */
    private static List<String> splitPath(String path) {
        int start = 0;
        int end = path.length();
        while (start < end && path.charAt(start) == '/') {
            start++;
        }
        while (end > start && path.charAt(end - 1) == '/') {
            end--;
        }
        if (start == end) {
            return List.of();
        }
        return new ArrayList<>(List.of(path.substring(start, end).split("/", -1)));
    }

    /** True for requests on a namespace-scoped path ({@code /namespaces/{ns}/...}) or a namespace object. */
    public boolean hasNamespace() {
        return !namespace.isEmpty();
    }

    /** True for a verb that reads (get, list, watch). */
    public boolean isReadOnly() {
        return verb.equals("get") || verb.equals("list") || verb.equals("watch");
    }
}
