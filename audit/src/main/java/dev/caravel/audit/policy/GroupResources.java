package dev.caravel.audit.policy;

import java.util.List;

/**
 * One entry of a rule's {@code resources}: an API group ({@code ""} is core) and resources in it.
 * A resource is a plain name ({@code pods}), a subresource ({@code pods/log}), {@code *} (every
 * resource and subresource of the group), {@code * /scale} (that subresource of any resource,
 * written without the space) or {@code pods/*} (pods and
 * every subresource of it: kube-apiserver's checker matches the bare resource too).
 * An empty {@code resources} list selects the whole group.
 */
public record GroupResources(String group, List<String> resources, List<String> resourceNames) {

    public GroupResources {
        group = group == null ? "" : group;
        resources = resources == null ? List.of() : List.copyOf(resources);
        resourceNames = resourceNames == null ? List.of() : List.copyOf(resourceNames);
    }

    boolean matches(String apiGroup, String resource, String subresource, String name) {
        if (!group.equals(apiGroup)) {
            return false;
        }
        if (resources.isEmpty()) {
            return true;
        }
        if (!resourceNames.isEmpty() && !resourceNames.contains(name)) {
            return false;
        }
        String combined = subresource.isEmpty() ? resource : resource + "/" + subresource;
        for (String spec : resources) {
            if (spec.equals("*") || spec.equals(combined)) {
                return true;
            }
            if (!subresource.isEmpty() && spec.startsWith("*/") && spec.substring(2).equals(subresource)) {
                return true;
            }
            if (spec.endsWith("/*") && spec.substring(0, spec.length() - 2).equals(resource)) {
                return true;
            }
        }
        return false;
    }
}
