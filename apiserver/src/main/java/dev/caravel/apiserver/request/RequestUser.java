package dev.caravel.apiserver.request;

import java.util.List;
import java.util.Objects;

/**
 * Who a request is made by, as authentication would establish it (authentication.k8s.io/v1
 * {@code UserInfo}: name, uid, groups).
 *
 * <p>Caravel has no authentication yet: every request is served as {@link #UNSECURED}, the
 * identity kube-apiserver gave requests on its old insecure port, which it served without
 * authentication or authorization. The audit log, access reviews and {@code kubectl auth whoami}
 * all report this one identity, so they agree with each other and with what the server enforces
 * (nothing). Authentication replaces it when it is built.
 */
public record RequestUser(String name, String uid, List<String> groups) {

    /** The identity of every request while Caravel authenticates nobody. */
    public static final RequestUser UNSECURED =
            new RequestUser("system:unsecured", "", List.of("system:masters", "system:authenticated"));

    public RequestUser {
        Objects.requireNonNull(name, "name");
        uid = uid == null ? "" : uid;
        groups = List.copyOf(groups);
    }
}
