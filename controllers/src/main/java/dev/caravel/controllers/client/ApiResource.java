package dev.caravel.controllers.client;

import java.util.Set;

/** One resource of discovery (an APIResourceList entry), subresources excluded. */
public record ApiResource(GroupVersion groupVersion, String name, String kind, boolean namespaced, Set<String> verbs) {

    public boolean supports(String verb) {
        return verbs.contains(verb);
    }

    /** The collection path, in a namespace when namespaced (namespace may be null for all). */
    public String collectionPath(String namespace) {
        if (namespaced && namespace != null) {
            return groupVersion.path() + "/namespaces/" + ApiClient.segment(namespace) + "/" + name;
        }
        return groupVersion.path() + "/" + name;
    }

    /** group/resource as logs and messages name it: {@code configmaps}, {@code deployments.apps}. */
    public String groupResource() {
        return groupVersion.group().isEmpty() ? name : name + "." + groupVersion.group();
    }
}
