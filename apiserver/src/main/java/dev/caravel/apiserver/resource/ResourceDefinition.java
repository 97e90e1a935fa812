package dev.caravel.apiserver.resource;

import dev.caravel.apiserver.schema.GroupVersionKind;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * One resource an API server serves in one group-version, with what discovery says about it.
 *
 * @param groupVersion   where it is served
 * @param resource       the plural, lower-case name in URLs ({@code deployments})
 * @param singular       the singular name ({@code deployment}); Kubernetes uses the lower-cased kind
 * @param kind           the kind of its objects ({@code Deployment})
 * @param namespaced     whether its objects live in namespaces
 * @param verbs          what may be done to it, sorted as discovery lists them
 * @param shortNames     the short names kubectl accepts ({@code deploy})
 * @param categories     the categories it belongs to ({@code all})
 * @param subresources   its subresources, sorted by name
 * @param storageVersion the group-version its objects are stored in, or null when it has no
 *                       storage (access and token reviews are answered, never stored)
 */
public record ResourceDefinition(
        GroupVersion groupVersion,
        String resource,
        String singular,
        String kind,
        boolean namespaced,
        List<String> verbs,
        List<String> shortNames,
        List<String> categories,
        List<SubresourceDefinition> subresources,
        GroupVersion storageVersion) {

    public ResourceDefinition {
        Objects.requireNonNull(groupVersion, "groupVersion");
        if (resource == null || resource.isEmpty() || resource.contains("/")) {
            throw new IllegalArgumentException("a resource name is one path segment: " + resource);
        }
        if (kind == null || kind.isEmpty()) {
            throw new IllegalArgumentException("resource " + resource + " has no kind");
        }
        singular = singular == null || singular.isEmpty() ? kind.toLowerCase(Locale.ROOT) : singular;
        verbs = List.copyOf(verbs);
        shortNames = List.copyOf(shortNames);
        categories = List.copyOf(categories);
        subresources = List.copyOf(subresources);
    }

    public String group() {
        return groupVersion.group();
    }

    public String version() {
        return groupVersion.version();
    }

    /** The kind of its objects in the version it is served in. */
    public GroupVersionKind groupVersionKind() {
        return new GroupVersionKind(groupVersion.group(), groupVersion.version(), kind);
    }

    public Optional<SubresourceDefinition> subresource(String name) {
        return subresources.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    public boolean supports(String verb) {
        return verbs.contains(verb);
    }

    /**
     * Kubernetes' {@code storageVersionHash}: the first 8 bytes of the SHA-256 of
     * {@code group/version/kind} of the storage version, in standard base64. Clients (the
     * storage version migrator, some operators) compare it to notice a storage version
     * change; they never decode it. Empty for resources without storage.
     */
    public Optional<String> storageVersionHash() {
        if (storageVersion == null) {
            return Optional.empty();
        }
        String gvk = storageVersion.group() + "/" + storageVersion.version() + "/" + kind;
        try {
            byte[] sum = MessageDigest.getInstance("SHA-256").digest(gvk.getBytes(StandardCharsets.UTF_8));
            return Optional.of(Base64.getEncoder().encodeToString(Arrays.copyOf(sum, 8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
