package dev.caravel.audit.policy;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.caravel.audit.event.AuditStage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Reads an audit.k8s.io/v1 Policy from YAML or JSON (JSON is YAML, so one parser reads both).
 *
 * <p>Strict, unlike a lenient object mapper: a misspelt field ({@code verb} for {@code verbs})
 * would otherwise silently widen a rule to every verb, so any field the v1 schema does not have
 * is an error naming its path ({@code rules[2].verb}) and the file. A policy with no rules is
 * refused, as kube-apiserver refuses it.
 */
public final class AuditPolicyFile {

    static final String API_VERSION = "audit.k8s.io/v1";

    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final Set<String> POLICY_FIELDS =
            Set.of("apiVersion", "kind", "metadata", "rules", "omitStages", "omitManagedFields");
    private static final Set<String> RULE_FIELDS = Set.of("level", "users", "userGroups", "verbs", "resources",
            "namespaces", "nonResourceURLs", "omitStages", "omitManagedFields");
    private static final Set<String> GROUP_RESOURCE_FIELDS = Set.of("group", "resources", "resourceNames");

    private AuditPolicyFile() {
    }

    public static AuditPolicy load(Path file) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            throw new InvalidAuditPolicyException("cannot read audit policy file " + file + ": " + e.getMessage(), e);
        }
        return parse(bytes, file.toString());
    }

    /** Parses a policy; {@code source} names it in error messages (a file path). */
    public static AuditPolicy parse(byte[] content, String source) {
        JsonNode root;
        try {
            root = YAML.readTree(content);
        } catch (JsonProcessingException e) {
            throw new InvalidAuditPolicyException(
                    "audit policy file " + source + " is neither YAML nor JSON: " + e.getOriginalMessage(), e);
        } catch (IOException e) {
            throw new InvalidAuditPolicyException("cannot read audit policy file " + source, e);
        }
        return new Reader(source).policy(root);
    }

    private record Reader(String source) {

        AuditPolicy policy(JsonNode root) {
            if (root == null || !root.isObject()) {
                throw error("", "the policy must be an object");
            }
            checkFields(root, POLICY_FIELDS, "");
            String apiVersion = root.path("apiVersion").asText("");
            String kind = root.path("kind").asText("");
            if (!API_VERSION.equals(apiVersion)) {
                throw error("apiVersion", "unsupported apiVersion \"" + apiVersion + "\", expected " + API_VERSION);
            }
            if (!"Policy".equals(kind)) {
                throw error("kind", "unsupported kind \"" + kind + "\", expected Policy");
            }
            List<PolicyRule> rules = new ArrayList<>();
            JsonNode rulesNode = root.get("rules");
            if (rulesNode != null && !rulesNode.isNull()) {
                if (!rulesNode.isArray()) {
                    throw error("rules", "must be a list");
                }
                for (int i = 0; i < rulesNode.size(); i++) {
                    rules.add(rule(rulesNode.get(i), "rules[" + i + "]"));
                }
            }
            if (rules.isEmpty()) {
                throw new InvalidAuditPolicyException("audit policy file " + source + " has no rules");
            }
            return new AuditPolicy(rules, stages(root.get("omitStages"), "omitStages"),
                    bool(root.get("omitManagedFields"), "omitManagedFields", false));
        }

        private PolicyRule rule(JsonNode node, String path) {
            if (!node.isObject()) {
                throw error(path, "a rule must be an object");
            }
            checkFields(node, RULE_FIELDS, path + ".");
            JsonNode levelNode = node.get("level");
            AuditLevel level = levelNode == null ? null : AuditLevel.fromWireName(levelNode.asText());
            if (level == null) {
                throw error(path + ".level", "must be one of None, Metadata, Request, RequestResponse, got "
                        + (levelNode == null ? "nothing" : levelNode.toString()));
            }
            List<GroupResources> resources = new ArrayList<>();
            JsonNode resourcesNode = node.get("resources");
            if (resourcesNode != null && !resourcesNode.isNull()) {
                if (!resourcesNode.isArray()) {
                    throw error(path + ".resources", "must be a list");
                }
                for (int i = 0; i < resourcesNode.size(); i++) {
                    String at = path + ".resources[" + i + "]";
                    JsonNode group = resourcesNode.get(i);
                    if (!group.isObject()) {
                        throw error(at, "must be an object");
                    }
                    checkFields(group, GROUP_RESOURCE_FIELDS, at + ".");
                    String groupName = group.has("group") ? text(group.get("group"), at + ".group") : "";
                    if (groupName.contains("/")) {
                        throw error(at + ".group", "group name must not contain '/': " + groupName);
                    }
                    resources.add(new GroupResources(groupName, strings(group.get("resources"), at + ".resources"),
                            strings(group.get("resourceNames"), at + ".resourceNames")));
                }
            }
            JsonNode omitManaged = node.get("omitManagedFields");
            try {
                return new PolicyRule(level,
                        strings(node.get("users"), path + ".users"),
                        strings(node.get("userGroups"), path + ".userGroups"),
                        strings(node.get("verbs"), path + ".verbs"),
                        resources,
                        strings(node.get("namespaces"), path + ".namespaces"),
                        strings(node.get("nonResourceURLs"), path + ".nonResourceURLs"),
                        stages(node.get("omitStages"), path + ".omitStages"),
                        omitManaged == null || omitManaged.isNull() ? null
                                : bool(omitManaged, path + ".omitManagedFields", false));
            } catch (IllegalArgumentException e) {
                throw error(path, e.getMessage());
            }
        }

        private Set<AuditStage> stages(JsonNode node, String path) {
            EnumSet<AuditStage> stages = EnumSet.noneOf(AuditStage.class);
            List<String> names = strings(node, path);
            for (int i = 0; i < names.size(); i++) {
                AuditStage stage = AuditStage.fromWireName(names.get(i));
                if (stage == null) {
                    throw error(path + "[" + i + "]", "unknown stage \"" + names.get(i)
                            + "\", expected RequestReceived, ResponseStarted, ResponseComplete or Panic");
                }
                stages.add(stage);
            }
            return stages;
        }

        private List<String> strings(JsonNode node, String path) {
            if (node == null || node.isNull()) {
                return List.of();
            }
            if (!node.isArray()) {
                throw error(path, "must be a list of strings");
            }
            List<String> values = new ArrayList<>(node.size());
            for (int i = 0; i < node.size(); i++) {
                values.add(text(node.get(i), path + "[" + i + "]"));
            }
            return values;
        }

        private String text(JsonNode node, String path) {
            if (node == null || !node.isTextual()) {
                throw error(path, "must be a string");
            }
            return node.asText();
        }

        private boolean bool(JsonNode node, String path, boolean absent) {
            if (node == null || node.isNull()) {
                return absent;
            }
            if (!node.isBoolean()) {
                throw error(path, "must be true or false");
            }
            return node.booleanValue();
        }

        private void checkFields(JsonNode object, Set<String> known, String prefix) {
            Iterator<Map.Entry<String, JsonNode>> fields = ((ObjectNode) object).fields();
            while (fields.hasNext()) {
                String name = fields.next().getKey();
                if (!known.contains(name)) {
                    throw new InvalidAuditPolicyException("audit policy file " + source + ": unknown field \""
                            + prefix + name + "\"");
                }
            }
        }

        private InvalidAuditPolicyException error(String path, String message) {
            return new InvalidAuditPolicyException("audit policy file " + source
                    + (path.isEmpty() ? "" : ", field " + path) + ": " + message);
        }
    }
}
