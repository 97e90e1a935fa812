package dev.caravel.apiserver.api;

import java.util.List;

/**
 * metav1.StatusDetails: what the failure is about. {@code kind} holds the resource (plural) for
 * most errors and the Kind for Invalid, exactly as Kubernetes fills it. Empty strings, an empty
 * cause list and a zero retry delay are omitted on the wire; a details object with nothing in it
 * is still written as {@code {}}, as Kubernetes does for a non-nil pointer.
 */
public record StatusDetails(String name, String group, String kind, String uid,
                            List<StatusCause> causes, int retryAfterSeconds) {

    public StatusDetails {
        name = name == null ? "" : name;
        group = group == null ? "" : group;
        kind = kind == null ? "" : kind;
        uid = uid == null ? "" : uid;
        causes = causes == null ? List.of() : List.copyOf(causes);
        if (retryAfterSeconds < 0) {
            throw new IllegalArgumentException("retryAfterSeconds must not be negative: " + retryAfterSeconds);
        }
    }

    public static StatusDetails of(GroupResource resource, String name) {
        return new StatusDetails(name, resource.group(), resource.resource(), "", List.of(), 0);
    }

    public static StatusDetails retryAfter(int seconds) {
        return new StatusDetails("", "", "", "", List.of(), seconds);
    }

    public StatusDetails withCauses(List<StatusCause> newCauses) {
        return new StatusDetails(name, group, kind, uid, newCauses, retryAfterSeconds);
    }

    public StatusDetails withUid(String newUid) {
        return new StatusDetails(name, group, kind, newUid, causes, retryAfterSeconds);
    }
}
