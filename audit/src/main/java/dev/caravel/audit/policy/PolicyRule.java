package dev.caravel.audit.policy;

import dev.caravel.audit.event.AuditStage;

import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * One rule of an audit policy. Every non-empty list must match; an empty list matches anything.
 * A rule with {@code resources} or {@code namespaces} only matches resource requests, one with
 * {@code nonResourceURLs} only non-resource requests, one with neither matches both.
 *
 * @param omitStages        the rule's own stages; {@link AuditPolicy} adds the policy's to them
 * @param omitManagedFields null to use the policy's default
 */
public record PolicyRule(
        AuditLevel level,
        List<String> users,
        List<String> userGroups,
        List<String> verbs,
        List<GroupResources> resources,
        List<String> namespaces,
        List<String> nonResourceURLs,
        Set<AuditStage> omitStages,
        Boolean omitManagedFields) {

    public PolicyRule {
        Objects.requireNonNull(level, "level");
        users = copy(users);
        userGroups = copy(userGroups);
        verbs = copy(verbs);
        resources = resources == null ? List.of() : List.copyOf(resources);
        namespaces = copy(namespaces);
        nonResourceURLs = copy(nonResourceURLs);
        omitStages = omitStages == null ? Set.of() : Set.copyOf(omitStages);
        if (!nonResourceURLs.isEmpty() && (!resources.isEmpty() || !namespaces.isEmpty())) {
            throw new IllegalArgumentException(
                    "rules cannot apply to both regular resources and non-resource URLs");
        }
        for (String url : nonResourceURLs) {
            if (url.equals("*")) {
                continue;
            }
            if (!url.startsWith("/")) {
                throw new IllegalArgumentException("non-resource URL rules must begin with a '/' character: " + url);
            }
            int star = url.indexOf('*');
            if (star >= 0 && star != url.length() - 1) {
                throw new IllegalArgumentException("non-resource URL wildcards '*' must be the final character: " + url);
            }
        }
        for (GroupResources group : resources) {
            if (!group.resourceNames().isEmpty() && group.resources().isEmpty()) {
                throw new IllegalArgumentException("using resourceNames requires at least one resource");
            }
        }
    }

    /** A rule with only a level: matches every request. */
    public static PolicyRule ofLevel(AuditLevel level) {
        return new PolicyRule(level, null, null, null, null, null, null, null, null);
    }

    boolean matches(RequestAttributes request) {
        if (!users.isEmpty() && (request.username() == null || !users.contains(request.username()))) {
            return false;
        }
        if (!userGroups.isEmpty() && request.groups().stream().noneMatch(userGroups::contains)) {
            return false;
        }
        if (!verbs.isEmpty() && !verbs.contains(request.verb())) {
            return false;
        }
        if (!namespaces.isEmpty() || !resources.isEmpty()) {
            return matchesResource(request);
        }
        if (!nonResourceURLs.isEmpty()) {
            return matchesNonResource(request);
        }
        return true;
    }

    private boolean matchesResource(RequestAttributes request) {
        if (!request.resourceRequest()) {
            return false;
        }
        // Cluster-scoped resources have namespace "", so `namespaces: [""]` selects them.
        if (!namespaces.isEmpty() && !namespaces.contains(request.namespace())) {
            return false;
        }
        if (resources.isEmpty()) {
            return true;
        }
        for (GroupResources group : resources) {
            if (group.matches(request.apiGroup(), request.resource(), request.subresource(), request.name())) {
                return true;
            }
        }
        return false;
    }

    private boolean matchesNonResource(RequestAttributes request) {
        if (request.resourceRequest()) {
            return false;
        }
        String path = request.path();
        for (String spec : nonResourceURLs) {
            if (spec.equals("*") || spec.equals(path)) {
                return true;
            }
            if (spec.endsWith("*") && path.startsWith(spec.substring(0, spec.length() - 1))) {
                return true;
            }
        }
        return false;
    }

    private static List<String> copy(List<String> list) {
        return list == null ? List.of() : List.copyOf(list);
    }
}
