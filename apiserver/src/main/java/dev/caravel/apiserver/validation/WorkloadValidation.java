package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.selection.LabelSelector;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The controllers' kinds of apps/v1 (Deployment, ReplicaSet, StatefulSet, DaemonSet): a selector
 * that is required, not empty, matches the template's labels and never changes; a template whose
 * pods restart Always; non-negative replicas.
 */
final class WorkloadValidation implements TypeValidator {

    /** The StatefulSet spec fields an update may touch, as its refusal lists them. */
    private static final List<String> STATEFUL_SET_MUTABLE = List.of(
            "replicas", "ordinals", "template", "updateStrategy", "persistentVolumeClaimRetentionPolicy", "minReadySeconds");
    private static final String STATEFUL_SET_FORBIDDEN = "updates to statefulset spec for fields other than "
            + "'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' "
            + "and 'minReadySeconds' are forbidden";

    enum Kind {
        DEPLOYMENT("deployment", true),
        // Kubernetes' ReplicaSet check says "deployment" too.
        REPLICA_SET("deployment", true),
        STATEFUL_SET("statefulset", true),
        DAEMON_SET("daemonset", false);

        final String emptySelectorWord;
        final boolean hasReplicas;

        Kind(String emptySelectorWord, boolean hasReplicas) {
            this.emptySelectorWord = emptySelectorWord;
            this.hasReplicas = hasReplicas;
        }
    }

    private final Kind kind;

    WorkloadValidation(Kind kind) {
        this.kind = kind;
    }

    @Override
    public List<FieldError> validate(JsonNode object) {
        List<FieldError> errors = new ArrayList<>();
        FieldPath spec = FieldPath.of("spec");
        JsonNode specNode = JsonFields.at(object, "spec");
        if (kind.hasReplicas) {
            Long replicas = JsonFields.integer(specNode, "replicas");
            if (replicas != null && replicas < 0) {
                errors.add(FieldError.invalid(spec.child("replicas"), replicas, "must be greater than or equal to 0"));
            }
        }
        for (String field : List.of("minReadySeconds", "revisionHistoryLimit")) {
            Long value = JsonFields.integer(specNode, field);
            if (value != null && value < 0) {
                errors.add(FieldError.invalid(spec.child(field), value, "must be greater than or equal to 0"));
            }
        }
        if (kind == Kind.STATEFUL_SET) {
            String policy = JsonFields.text(specNode, "podManagementPolicy");
            if (!policy.isEmpty() && !List.of("OrderedReady", "Parallel").contains(policy)) {
                errors.add(FieldError.invalid(spec.child("podManagementPolicy"), policy,
                        "must be 'OrderedReady' or 'Parallel'"));
            }
        }
        if (kind == Kind.DEPLOYMENT) {
            String strategy = JsonFields.text(specNode, "strategy", "type");
            if (!strategy.isEmpty() && !List.of("Recreate", "RollingUpdate").contains(strategy)) {
                errors.add(FieldError.notSupported(spec.child("strategy", "type"), strategy,
                        List.of("Recreate", "RollingUpdate")));
            }
        }
        errors.addAll(selectorAndTemplate(specNode, spec, kind.emptySelectorWord, true));
        return errors;
    }

    /**
     * The selector and template rules the workload kinds share (ValidatePodTemplateSpecForReplicaSet
     * and friends). {@code restartAlways}: the template's pods must restart Always.
     */
    static List<FieldError> selectorAndTemplate(JsonNode spec, FieldPath path, String emptySelectorWord,
                                                boolean restartAlways) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode selector = spec.get("selector");
        LabelSelector parsed = null;
        if (!JsonFields.present(selector)) {
            errors.add(FieldError.required(path.child("selector"), ""));
        } else {
            List<FieldError> selectorErrors = LabelSelector.validate(selector, path.child("selector"));
            errors.addAll(selectorErrors);
            if (JsonFields.at(selector, "matchLabels").size() + JsonFields.at(selector, "matchExpressions").size() == 0) {
                errors.add(FieldError.invalid(path.child("selector"), goLabelSelector(selector),
                        "empty selector is invalid for " + emptySelectorWord));
            }
            if (selectorErrors.isEmpty()) {
                try {
                    parsed = LabelSelector.fromJson(selector);
                } catch (RuntimeException e) {
                    errors.add(FieldError.invalid(path.child("selector"), goLabelSelector(selector), "invalid label selector"));
                }
            }
        }
        JsonNode template = spec.get("template");
        FieldPath templatePath = path.child("template");
        if (!JsonFields.present(template)) {
            errors.add(FieldError.required(templatePath, ""));
            return errors;
        }
        Map<String, String> labels = JsonFields.stringMap(template, "metadata", "labels");
        if (parsed != null && !parsed.isEverything() && !parsed.matches(labels == null ? Map.of() : labels)) {
            errors.add(FieldError.invalid(templatePath.child("metadata", "labels"), goStringMap(labels),
                    "`selector` does not match template `labels`"));
        }
        errors.addAll(PodValidation.validateTemplate(template, templatePath));
        String restartPolicy = JsonFields.text(template, "spec", "restartPolicy");
        if (restartAlways && !restartPolicy.isEmpty() && !restartPolicy.equals("Always")) {
            errors.add(FieldError.notSupported(templatePath.child("spec", "restartPolicy"), restartPolicy,
                    List.of("Always")));
        }
        if (restartAlways && JsonFields.present(JsonFields.at(template, "spec", "activeDeadlineSeconds"))) {
            errors.add(FieldError.forbidden(templatePath.child("spec", "activeDeadlineSeconds"),
                    "activeDeadlineSeconds in ReplicaSet is not Supported"));
        }
        return errors;
    }

    @Override
    public List<FieldError> validateUpdate(JsonNode object, JsonNode old) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode selector = JsonFields.at(object, "spec", "selector");
        JsonNode oldSelector = JsonFields.at(old, "spec", "selector");
        if (!JsonFields.sameJson(selector, oldSelector)) {
            errors.add(FieldError.immutable(FieldPath.of("spec", "selector"), goLabelSelector(selector)));
        }
        if (kind == Kind.STATEFUL_SET) {
            JsonNode spec = JsonFields.at(object, "spec");
            JsonNode oldSpec = JsonFields.at(old, "spec");
            Set<String> fields = new TreeSet<>();
            spec.fieldNames().forEachRemaining(fields::add);
            oldSpec.fieldNames().forEachRemaining(fields::add);
            for (String f : fields) {
                if (!STATEFUL_SET_MUTABLE.contains(f) && !f.equals("selector")
                        && !JsonFields.sameJson(spec.get(f), oldSpec.get(f))) {
                    errors.add(FieldError.forbidden(FieldPath.of("spec"), STATEFUL_SET_FORBIDDEN));
                    break;
                }
            }
        }
        return errors;
    }

    /**
     * Go's {@code %#v} of a metav1.LabelSelector, as Kubernetes shows it in an Invalid error:
     * {@code v1.LabelSelector{MatchLabels:map[string]string{"app":"web"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}}.
     */
    static FieldError.GoLiteral goLabelSelector(JsonNode selector) {
        if (!JsonFields.present(selector)) {
            return new FieldError.GoLiteral("\"null\"");
        }
        StringBuilder s = new StringBuilder("v1.LabelSelector{MatchLabels:");
        s.append(goStringMap(JsonFields.stringMap(selector, "matchLabels")).text());
        s.append(", MatchExpressions:");
        List<JsonNode> expressions = JsonFields.list(selector, "matchExpressions");
        if (!JsonFields.at(selector, "matchExpressions").isArray()) {
            s.append("[]v1.LabelSelectorRequirement(nil)");
        } else {
            List<String> parts = new ArrayList<>();
            for (JsonNode e : expressions) {
                List<String> values = JsonFields.strings(e, "values");
                String goValues = JsonFields.at(e, "values").isArray()
                        ? FieldError.show(values) : "[]string(nil)";
                parts.add("v1.LabelSelectorRequirement{Key:" + GoQuote.quote(JsonFields.text(e, "key"))
                        + ", Operator:" + GoQuote.quote(JsonFields.text(e, "operator")) + ", Values:" + goValues + "}");
            }
            s.append("[]v1.LabelSelectorRequirement{").append(String.join(", ", parts)).append('}');
        }
        return new FieldError.GoLiteral(s.append('}').toString());
    }

    /** Go's {@code %#v} of a map[string]string: keys sorted, nil as {@code map[string]string(nil)}. */
    static FieldError.GoLiteral goStringMap(Map<String, String> map) {
        if (map == null) {
            return new FieldError.GoLiteral("map[string]string(nil)");
        }
        List<String> parts = new ArrayList<>();
        new TreeMap<>(map).forEach((k, v) -> parts.add(GoQuote.quote(k) + ":" + GoQuote.quote(v)));
        return new FieldError.GoLiteral("map[string]string{" + String.join(", ", parts) + "}");
    }
}
