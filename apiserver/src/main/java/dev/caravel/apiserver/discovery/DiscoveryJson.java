package dev.caravel.apiserver.discovery;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.resource.ApiGroup;
import dev.caravel.apiserver.resource.GroupVersion;
import dev.caravel.apiserver.resource.ResourceDefinition;
import dev.caravel.apiserver.resource.SubresourceDefinition;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The discovery documents as Kubernetes writes them: members in the order of the Go structs'
 * fields, empty optional members left out, one line ending in a newline.
 *
 * <p>Two quirks clients have seen forever: {@code /api} (APIVersions) and {@code /api/v1}
 * (APIResourceList) carry a kind but no apiVersion, while the documents under {@code /apis}
 * say {@code "apiVersion":"v1"}; and an aggregated resource's responseKind has an empty group
 * and version (they are the enclosing group-version's), while a subresource speaking another
 * group's kind (a Deployment's scale) names it.
 */
final class DiscoveryJson {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    private DiscoveryJson() {
    }

    /** {@code /api}: APIVersions. */
    static ObjectNode apiVersions(List<String> coreVersions, String serverAddress) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIVersions");
        ArrayNode versions = doc.putArray("versions");
        coreVersions.forEach(versions::add);
        ObjectNode cidr = doc.putArray("serverAddressByClientCIDRs").addObject();
        cidr.put("clientCIDR", "0.0.0.0/0");
        cidr.put("serverAddress", serverAddress);
        return doc;
    }

    /** {@code /apis}: APIGroupList of every group but core. */
    static ObjectNode apiGroupList(List<DiscoveredGroup> groups) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroupList");
        doc.put("apiVersion", "v1");
        ArrayNode items = doc.putArray("groups");
        for (DiscoveredGroup g : groups) {
            if (!g.name().isEmpty()) {
                items.add(groupBody(NODES.objectNode(), g));
            }
        }
        return doc;
    }

    /** {@code /apis/{group}}: APIGroup. */
    static ObjectNode apiGroup(DiscoveredGroup group) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroup");
        doc.put("apiVersion", "v1");
        return groupBody(doc, group);
    }

    private static ObjectNode groupBody(ObjectNode node, DiscoveredGroup group) {
        node.put("name", group.name());
        ArrayNode versions = node.putArray("versions");
        for (DiscoveredGroup.Version v : group.versions()) {
            versions.add(groupVersionForDiscovery(v.groupVersion()));
        }
        node.set("preferredVersion", groupVersionForDiscovery(group.versions().get(0).groupVersion()));
        return node;
    }

    private static ObjectNode groupVersionForDiscovery(GroupVersion gv) {
        ObjectNode node = NODES.objectNode();
        node.put("groupVersion", gv.apiVersion());
        node.put("version", gv.version());
        return node;
    }

    /**
     * {@code /api/v1}, {@code /apis/{group}/{version}}: APIResourceList, each subresource an
     * entry of its own named {@code resource/subresource}, all sorted by name.
     */
    static ObjectNode apiResourceList(ApiGroup.Version version) {
        GroupVersion gv = version.groupVersion();
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIResourceList");
        if (!gv.group().isEmpty()) {
            doc.put("apiVersion", "v1");
        }
        doc.put("groupVersion", gv.apiVersion());
        List<ObjectNode> entries = new ArrayList<>();
        for (ResourceDefinition r : version.resources()) {
            ObjectNode entry = NODES.objectNode();
            entry.put("name", r.resource());
            entry.put("singularName", r.singular());
            entry.put("namespaced", r.namespaced());
            entry.put("kind", r.kind());
            strings(entry, "verbs", r.verbs(), true);
            strings(entry, "shortNames", r.shortNames(), false);
            strings(entry, "categories", r.categories(), false);
            r.storageVersionHash().ifPresent(h -> entry.put("storageVersionHash", h));
            entries.add(entry);
            for (SubresourceDefinition s : r.subresources()) {
                ObjectNode sub = NODES.objectNode();
                sub.put("name", r.resource() + "/" + s.name());
                sub.put("singularName", "");
                sub.put("namespaced", r.namespaced());
                GroupVersionKind kind = s.kind();
                if (!kind.group().equals(gv.group()) || !kind.version().equals(gv.version())) {
                    sub.put("group", kind.group());
                    sub.put("version", kind.version());
                }
                sub.put("kind", kind.kind());
                strings(sub, "verbs", s.verbs(), true);
                entries.add(sub);
            }
        }
        entries.sort(Comparator.comparing(e -> e.get("name").asText()));
        doc.putArray("resources").addAll(entries);
        return doc;
    }

    /** {@code /api} or {@code /apis} aggregated: APIGroupDiscoveryList. */
    static ObjectNode apiGroupDiscoveryList(String apiVersion, List<DiscoveredGroup> groups) {
        ObjectNode doc = NODES.objectNode();
        doc.put("kind", "APIGroupDiscoveryList");
        doc.put("apiVersion", apiVersion);
        doc.putObject("metadata");
        ArrayNode items = doc.putArray("items");
        for (DiscoveredGroup g : groups) {
            ObjectNode item = items.addObject();
            ObjectNode metadata = item.putObject("metadata");
            if (!g.name().isEmpty()) {
                metadata.put("name", g.name());
            }
            metadata.putNull("creationTimestamp");
            ArrayNode versions = item.putArray("versions");
            for (DiscoveredGroup.Version v : g.versions()) {
                ObjectNode version = versions.addObject();
                version.put("version", v.groupVersion().version());
                if (v.local() != null) {
                    ArrayNode resources = version.putArray("resources");
                    for (ResourceDefinition r : v.local().resources()) {
                        resources.add(resourceDiscovery(r));
                    }
                    version.put("freshness", "Current");
                } else {
                    remoteVersion(version, v.remote());
                }
            }
        }
        return doc;
    }

    /**
     * A backend's version: its APIResourceList turned into aggregated form as Kubernetes converts
     * a legacy document (a {@code pods/log} entry becomes a subresource of {@code pods}), marked
     * Stale when the backend did not answer its last fetch. A stale version keeps the resources
     * of its last answer, or has none, as kube-aggregator shows it.
     */
    private static void remoteVersion(ObjectNode version, AggregatedGroupVersions.Remote remote) {
        List<ObjectNode> parents = new ArrayList<>();
        java.util.Map<String, ObjectNode> byName = new java.util.HashMap<>();
        remote.resourceList().ifPresent(list -> {
            for (com.fasterxml.jackson.databind.JsonNode r : list.path("resources")) {
                String name = r.path("name").asText();
                int slash = name.indexOf('/');
                if (slash < 0) {
                    ObjectNode node = NODES.objectNode();
                    node.put("resource", name);
                    node.set("responseKind", kind(r.path("group").asText(""), r.path("version").asText(""),
                            r.path("kind").asText("")));
                    node.put("scope", r.path("namespaced").asBoolean() ? "Namespaced" : "Cluster");
                    node.put("singularResource", r.path("singularName").asText(""));
                    copyStrings(node, "verbs", r.path("verbs"), true);
                    copyStrings(node, "shortNames", r.path("shortNames"), false);
                    copyStrings(node, "categories", r.path("categories"), false);
                    parents.add(node);
                    byName.put(name, node);
                }
            }
            for (com.fasterxml.jackson.databind.JsonNode r : list.path("resources")) {
                String name = r.path("name").asText();
                int slash = name.indexOf('/');
                ObjectNode parent = slash < 0 ? null : byName.get(name.substring(0, slash));
                if (parent != null) {
                    ObjectNode sub = parent.withArray("subresources").addObject();
                    sub.put("subresource", name.substring(slash + 1));
                    sub.set("responseKind", kind(r.path("group").asText(""), r.path("version").asText(""),
                            r.path("kind").asText("")));
                    copyStrings(sub, "verbs", r.path("verbs"), true);
                }
            }
        });
        if (!parents.isEmpty()) {
            version.putArray("resources").addAll(parents);
        }
        version.put("freshness", remote.stale() ? "Stale" : "Current");
    }

    private static void copyStrings(ObjectNode node, String name, com.fasterxml.jackson.databind.JsonNode values,
            boolean always) {
        if (!values.isArray() || values.isEmpty()) {
            if (always) {
                node.putArray(name);
            }
            return;
        }
        ArrayNode array = node.putArray(name);
        values.forEach(v -> array.add(v.asText()));
    }

    private static ObjectNode resourceDiscovery(ResourceDefinition r) {
        ObjectNode node = NODES.objectNode();
        node.put("resource", r.resource());
        node.set("responseKind", kind("", "", r.kind()));
        node.put("scope", r.namespaced() ? "Namespaced" : "Cluster");
        node.put("singularResource", r.singular());
        strings(node, "verbs", r.verbs(), true);
        strings(node, "shortNames", r.shortNames(), false);
        strings(node, "categories", r.categories(), false);
        if (!r.subresources().isEmpty()) {
            ArrayNode subs = node.putArray("subresources");
            for (SubresourceDefinition s : r.subresources()) {
                ObjectNode sub = subs.addObject();
                sub.put("subresource", s.name());
                GroupVersionKind k = s.kind();
                boolean sameGroupVersion = k.group().equals(r.group()) && k.version().equals(r.version());
                sub.set("responseKind", sameGroupVersion ? kind("", "", k.kind()) : kind(k.group(), k.version(), k.kind()));
                strings(sub, "verbs", s.verbs(), true);
            }
        }
        return node;
    }

    private static ObjectNode kind(String group, String version, String kind) {
        ObjectNode node = NODES.objectNode();
        node.put("group", group);
        node.put("version", version);
        node.put("kind", kind);
        return node;
    }

    private static void strings(ObjectNode node, String name, List<String> values, boolean always) {
        if (values.isEmpty() && !always) {
            return;
        }
        ArrayNode array = node.putArray(name);
        values.forEach(array::add);
    }
}
