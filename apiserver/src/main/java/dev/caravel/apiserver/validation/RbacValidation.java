package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;

import java.util.ArrayList;
import java.util.List;

/**
 * rbac.authorization.k8s.io/v1 roles and bindings, after Kubernetes' rbac validation: every
 * rule names verbs, and either resources (with API groups) or, for cluster roles only,
 * non-resource URLs; a binding's roleRef names a Role or ClusterRole and never changes.
 */
final class RbacValidation {

    static final String RBAC_GROUP = "rbac.authorization.k8s.io";
    private static final List<String> SUBJECT_KINDS = List.of("ServiceAccount", "User", "Group");

    private RbacValidation() {
    }

    static final class Role implements TypeValidator {
        private final boolean namespaced;

        Role(boolean namespaced) {
            this.namespaced = namespaced;
        }

        @Override
        public List<FieldError> validate(JsonNode role) {
            List<FieldError> errors = new ArrayList<>();
            List<JsonNode> rules = JsonFields.list(role, "rules");
            for (int i = 0; i < rules.size(); i++) {
                errors.addAll(validateRule(rules.get(i), namespaced, FieldPath.of("rules").index(i)));
            }
            return errors;
        }
    }

    static List<FieldError> validateRule(JsonNode rule, boolean namespaced, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        if (JsonFields.list(rule, "verbs").isEmpty()) {
            errors.add(FieldError.required(path.child("verbs"), "verbs must contain at least one value"));
        }
        List<String> urls = JsonFields.strings(rule, "nonResourceURLs");
        if (!urls.isEmpty()) {
            if (namespaced) {
                errors.add(FieldError.invalid(path.child("nonResourceURLs"), urls,
                        "namespaced rules cannot apply to non-resource URLs"));
            }
            if (!JsonFields.list(rule, "apiGroups").isEmpty() || !JsonFields.list(rule, "resources").isEmpty()
                    || !JsonFields.list(rule, "resourceNames").isEmpty()) {
                errors.add(FieldError.invalid(path.child("nonResourceURLs"), urls,
                        "rules cannot apply to both regular resources and non-resource URLs"));
            }
            return errors;
        }
        if (JsonFields.list(rule, "apiGroups").isEmpty()) {
            errors.add(FieldError.required(path.child("apiGroups"), "resource rules must supply at least one api group"));
        }
        if (JsonFields.list(rule, "resources").isEmpty()) {
            errors.add(FieldError.required(path.child("resources"), "resource rules must supply at least one resource"));
        }
        return errors;
    }

    static final class Binding implements TypeValidator {
        private final boolean namespaced;

        Binding(boolean namespaced) {
            this.namespaced = namespaced;
        }

        @Override
        public List<FieldError> validate(JsonNode binding) {
            List<FieldError> errors = new ArrayList<>();
            FieldPath ref = FieldPath.of("roleRef");
            String group = JsonFields.text(binding, "roleRef", "apiGroup");
            if (!group.equals(RBAC_GROUP)) {
                errors.add(FieldError.notSupported(ref.child("apiGroup"), group, List.of(RBAC_GROUP)));
            }
            String kind = JsonFields.text(binding, "roleRef", "kind");
            List<String> kinds = namespaced ? List.of("Role", "ClusterRole") : List.of("ClusterRole");
            if (!kinds.contains(kind)) {
                errors.add(FieldError.notSupported(ref.child("kind"), kind, kinds));
            }
            String name = JsonFields.text(binding, "roleRef", "name");
            if (name.isEmpty()) {
                errors.add(FieldError.required(ref.child("name"), ""));
            } else {
                for (String msg : NameRule.PATH_SEGMENT.check(name, false)) {
                    errors.add(FieldError.invalid(ref.child("name"), name, msg));
                }
            }
            List<JsonNode> subjects = JsonFields.list(binding, "subjects");
            for (int i = 0; i < subjects.size(); i++) {
                JsonNode subject = subjects.get(i);
                FieldPath at = FieldPath.of("subjects").index(i);
                if (JsonFields.text(subject, "name").isEmpty()) {
                    errors.add(FieldError.required(at.child("name"), ""));
                }
                String subjectKind = JsonFields.text(subject, "kind");
                if (!SUBJECT_KINDS.contains(subjectKind)) {
                    errors.add(FieldError.notSupported(at.child("kind"), subjectKind, SUBJECT_KINDS));
                } else if (subjectKind.equals("ServiceAccount")) {
                    if (!JsonFields.text(subject, "apiGroup").isEmpty()) {
                        errors.add(FieldError.notSupported(at.child("apiGroup"), JsonFields.text(subject, "apiGroup"),
                                List.of("")));
                    }
                    if (!namespaced && JsonFields.text(subject, "namespace").isEmpty()) {
                        errors.add(FieldError.required(at.child("namespace"), ""));
                    }
                } else if (!JsonFields.text(subject, "apiGroup").equals(RBAC_GROUP)) {
                    errors.add(FieldError.notSupported(at.child("apiGroup"), JsonFields.text(subject, "apiGroup"),
                            List.of(RBAC_GROUP)));
                }
            }
            return errors;
        }

        @Override
        public List<FieldError> validateUpdate(JsonNode binding, JsonNode old) {
            if (!JsonFields.sameJson(binding.get("roleRef"), old.get("roleRef"))) {
                JsonNode ref = JsonFields.at(binding, "roleRef");
                return List.of(FieldError.invalid(FieldPath.of("roleRef"), new FieldError.GoLiteral(
                        "rbac.RoleRef{APIGroup:" + GoQuote.quote(JsonFields.text(ref, "apiGroup"))
                                + ", Kind:" + GoQuote.quote(JsonFields.text(ref, "kind"))
                                + ", Name:" + GoQuote.quote(JsonFields.text(ref, "name")) + "}"),
                        "cannot change roleRef"));
            }
            return List.of();
        }
    }
}
