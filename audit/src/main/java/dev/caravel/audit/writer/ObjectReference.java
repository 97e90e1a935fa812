package dev.caravel.audit.writer;

/**
 * The object a request is about (audit.k8s.io/v1 {@code ObjectReference}); absent for
 * non-resource requests. Empty fields are left out of the JSON, as Go's omitempty does; the core
 * group is an empty apiGroup, so it is never written.
 */
public record ObjectReference(String resource, String namespace, String name, String uid, String apiGroup,
                              String apiVersion, String resourceVersion, String subresource) {

    public ObjectReference {
        resource = orEmpty(resource);
        namespace = orEmpty(namespace);
        name = orEmpty(name);
        uid = orEmpty(uid);
        apiGroup = orEmpty(apiGroup);
        apiVersion = orEmpty(apiVersion);
        resourceVersion = orEmpty(resourceVersion);
        subresource = orEmpty(subresource);
    }

    /** The reference the API server knows before reading the object: no uid or resourceVersion yet. */
    public static ObjectReference of(String apiGroup, String apiVersion, String resource, String subresource,
                                     String namespace, String name) {
        return new ObjectReference(resource, namespace, name, "", apiGroup, apiVersion, "", subresource);
    }

    public ObjectReference withUidAndResourceVersion(String uid, String resourceVersion) {
        return new ObjectReference(resource, namespace, name, uid, apiGroup, apiVersion, resourceVersion,
                subresource);
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
