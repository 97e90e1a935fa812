package dev.caravel.apiserver.resource;

import dev.caravel.apiserver.schema.GroupVersionKind;

import java.util.List;
import java.util.Objects;

/**
 * A subresource such as {@code status}, {@code scale} or {@code token}: its name, the kind its
 * operations send and answer (a Deployment's {@code scale} speaks autoscaling/v1 Scale, a
 * service account's {@code token} authentication.k8s.io/v1 TokenRequest) and its verbs,
 * sorted as discovery lists them.
 */
public record SubresourceDefinition(String name, GroupVersionKind kind, List<String> verbs) {

    public SubresourceDefinition {
        if (name == null || name.isEmpty() || name.contains("/")) {
            throw new IllegalArgumentException("a subresource name is one path segment: " + name);
        }
        Objects.requireNonNull(kind, "kind");
        verbs = List.copyOf(verbs);
    }
}
