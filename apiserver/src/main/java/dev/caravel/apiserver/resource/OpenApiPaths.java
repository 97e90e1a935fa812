package dev.caravel.apiserver.resource;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.schema.GroupVersionKind;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the paths of an OpenAPI v2 document say about each resource: its kind, scope, verbs
 * and subresources. Kubernetes writes one path per URL its installer registers, each operation
 * tagged with {@code x-kubernetes-action} and {@code x-kubernetes-group-version-kind}, so the
 * document carries what discovery needs except short names and categories.
 *
 * <p>{@link ResourcePath} says how a path is read.
 */
final class OpenApiPaths {

    /** What the paths say about one resource of one group-version. */
    static final class Facts {
        final GroupVersion groupVersion;
        final String resource;
        boolean namespaced;
        GroupVersionKind kind;
        final TreeSet<String> verbs = new TreeSet<>();
        final Map<String, SubresourceFacts> subresources = new TreeMap<>();

        Facts(GroupVersion groupVersion, String resource) {
            this.groupVersion = groupVersion;
            this.resource = resource;
        }
    }

    static final class SubresourceFacts {
        GroupVersionKind kind;
        final TreeSet<String> verbs = new TreeSet<>();
    }

    record Key(GroupVersion groupVersion, String resource) {
    }

    private final Map<Key, Facts> facts = new HashMap<>();

    private OpenApiPaths() {
    }

    static OpenApiPaths read(JsonNode paths) {
        OpenApiPaths read = new OpenApiPaths();
        for (Iterator<Map.Entry<String, JsonNode>> it = paths.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            read.add(e.getKey(), e.getValue());
        }
        return read;
    }

    Optional<Facts> facts(GroupVersion groupVersion, String resource) {
        return Optional.ofNullable(facts.get(new Key(groupVersion, resource)));
    }

    private void add(String path, JsonNode item) {
        Optional<ResourcePath> place = ResourcePath.parse(path);
        if (place.isEmpty()) {
            return;
        }
        ResourcePath p = place.get();
        Facts f = facts.computeIfAbsent(new Key(p.groupVersion(), p.resource()),
                k -> new Facts(k.groupVersion(), k.resource()));
        f.namespaced |= p.namespaced();
        for (Iterator<Map.Entry<String, JsonNode>> ops = item.fields(); ops.hasNext(); ) {
            Map.Entry<String, JsonNode> op = ops.next();
            String method = op.getKey();
            if (method.equals("parameters")) {
                continue;
            }
            String verb = verb(method, op.getValue().path("x-kubernetes-action").asText(""));
            GroupVersionKind kind = kind(op.getValue().get("x-kubernetes-group-version-kind"));
            if (p.subresource() == null) {
                if (f.kind == null && kind != null) {
                    f.kind = kind;
                }
                if (verb != null) {
                    f.verbs.add(verb);
                }
            } else {
                SubresourceFacts s = f.subresources.computeIfAbsent(p.subresource(), n -> new SubresourceFacts());
                if (s.kind == null && kind != null) {
                    s.kind = kind;
                }
                if (verb != null) {
                    s.verbs.add(verb);
                }
            }
        }
    }

    /**
     * The discovery verb of an operation. Kubernetes' actions are mostly its verbs; POST is
     * {@code create}, PUT {@code update}, a watch of a collection {@code watch}, and a connect
     * (exec, attach, proxy, port-forward) takes the verb of its HTTP method.
     */
    static String verb(String method, String action) {
        return switch (action) {
            case "get", "list", "watch", "patch", "delete", "deletecollection" -> action;
            case "watchlist" -> "watch";
            case "post" -> "create";
            case "put" -> "update";
            case "connect" -> switch (method) {
                case "get" -> "get";
                case "post" -> "create";
                case "put" -> "update";
                case "patch" -> "patch";
                case "delete" -> "delete";
                default -> null; // HEAD and OPTIONS are served with GET's and no verb of their own
            };
            default -> null;
        };
    }

    private static GroupVersionKind kind(JsonNode gvk) {
        if (gvk == null || !gvk.isObject() || !gvk.hasNonNull("kind") || !gvk.hasNonNull("version")) {
            return null;
        }
        return new GroupVersionKind(gvk.path("group").asText(""), gvk.get("version").asText(), gvk.get("kind").asText());
    }
}
