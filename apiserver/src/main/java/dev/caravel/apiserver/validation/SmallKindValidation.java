package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Kinds with a handful of rules each: Namespace, Lease, PersistentVolumeClaim, Event,
 * PriorityClass.
 */
final class SmallKindValidation {

    /** The finalizers Kubernetes knows by bare name (IsStandardFinalizerName). */
    private static final Set<String> STANDARD_FINALIZERS = Set.of("kubernetes", "orphan", "foregroundDeletion");
    private static final List<String> ACCESS_MODES = List.of("ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod");

    private SmallKindValidation() {
    }

    /** A namespace's spec.finalizers: qualified names, bare ones only if standard. */
    static final class Namespace implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode namespace) {
            List<FieldError> errors = new ArrayList<>();
            FieldPath path = FieldPath.of("spec", "finalizers");
            for (String finalizer : JsonFields.strings(namespace, "spec", "finalizers")) {
                for (String msg : NameValidation.qualifiedName(finalizer)) {
                    errors.add(FieldError.invalid(path, finalizer, msg));
                }
                if (!finalizer.contains("/") && !STANDARD_FINALIZERS.contains(finalizer)) {
                    errors.add(FieldError.invalid(path, finalizer,
                            "name is neither a standard finalizer name nor is it fully qualified"));
                }
            }
            return errors;
        }
    }

    static final class Lease implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode lease) {
            List<FieldError> errors = new ArrayList<>();
            FieldPath spec = FieldPath.of("spec");
            Long duration = JsonFields.integer(lease, "spec", "leaseDurationSeconds");
            if (duration != null && duration <= 0) {
                errors.add(FieldError.invalid(spec.child("leaseDurationSeconds"), duration, "must be greater than 0"));
            }
            Long transitions = JsonFields.integer(lease, "spec", "leaseTransitions");
            if (transitions != null && transitions < 0) {
                errors.add(FieldError.invalid(spec.child("leaseTransitions"), transitions, "must be greater than or equal to 0"));
            }
            return errors;
        }
    }

    static final class PersistentVolumeClaim implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode claim) {
            List<FieldError> errors = new ArrayList<>();
            FieldPath spec = FieldPath.of("spec");
            List<String> modes = JsonFields.strings(claim, "spec", "accessModes");
            if (modes.isEmpty()) {
                errors.add(FieldError.required(spec.child("accessModes"), "at least 1 access mode is required"));
            }
            for (String mode : modes) {
                if (!ACCESS_MODES.contains(mode)) {
                    errors.add(FieldError.notSupported(spec.child("accessModes"), mode, ACCESS_MODES));
                }
            }
            if (!JsonFields.present(JsonFields.at(claim, "spec", "resources", "requests", "storage"))
                    && !JsonFields.present(JsonFields.at(claim, "spec", "dataSourceRef"))) {
                errors.add(FieldError.required(spec.child("resources").key("storage"), ""));
            }
            return errors;
        }

        /** Once created, a claim's spec changes only in its storage request and volume attributes class. */
        @Override
        public List<FieldError> validateUpdate(JsonNode claim, JsonNode old) {
            var spec = JsonFields.at(claim, "spec").deepCopy();
            var oldSpec = JsonFields.at(old, "spec").deepCopy();
            if (spec.isObject() && oldSpec.isObject()) {
                for (String mutable : List.of("resources", "volumeAttributesClassName")) {
                    ((ObjectNode) spec).remove(mutable);
                    ((ObjectNode) oldSpec).remove(mutable);
                }
                // The binder fills volumeName once; an update carrying it is not a change by the user.
                if (JsonFields.text(spec, "volumeName").isEmpty()) {
                    ((ObjectNode) oldSpec).remove("volumeName");
                }
            }
            if (!JsonFields.sameJson(spec, oldSpec)) {
                return List.of(FieldError.forbidden(FieldPath.of("spec"),
                        "spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims"));
            }
            return List.of();
        }
    }

    /** core/v1 Event: the involved object lives in the event's namespace. */
    static final class Event implements TypeValidator {
        @Override
        public List<FieldError> validate(JsonNode event) {
            List<FieldError> errors = new ArrayList<>();
            String namespace = JsonFields.text(event, "metadata", "namespace");
            String involved = JsonFields.text(event, "involvedObject", "namespace");
            if (!involved.isEmpty() && !involved.equals(namespace)) {
                errors.add(FieldError.invalid(FieldPath.of("involvedObject", "namespace"), involved,
                        "does not match event.namespace"));
            }
            return errors;
        }
    }

    /**
     * scheduling.k8s.io/v1 PriorityClass: users may go up to one billion (above is for the
     * system's own classes), the {@code system-} prefix is reserved, and the value never changes.
     */
    static final class PriorityClass implements TypeValidator {
        static final long HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000L;
        private static final Map<String, Long> SYSTEM_CLASSES = Map.of(
                "system-node-critical", 2_000_001_000L, "system-cluster-critical", 2_000_000_000L);

        @Override
        public List<FieldError> validate(JsonNode priorityClass) {
            List<FieldError> errors = new ArrayList<>();
            String name = JsonFields.text(priorityClass, "metadata", "name");
            long value = JsonFields.integer(priorityClass, "value") == null ? 0 : JsonFields.integer(priorityClass, "value");
            if (name.startsWith("system-")) {
                Long systemValue = SYSTEM_CLASSES.get(name);
                String why = systemValue == null
                        ? name + " is not a known system priority class"
                        : systemValue != value ? "value of " + name + " PriorityClass must be " + systemValue : null;
                if (why != null) {
                    errors.add(FieldError.forbidden(FieldPath.of("metadata", "name"),
                            "priority class names with 'system-' prefix are reserved for system use only. error: " + why));
                }
            } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
                errors.add(FieldError.forbidden(FieldPath.of("value"),
                        "maximum allowed value of a user defined priority is " + HIGHEST_USER_DEFINABLE_PRIORITY));
            }
            return errors;
        }

        @Override
        public List<FieldError> validateUpdate(JsonNode priorityClass, JsonNode old) {
            if (!JsonFields.sameJson(priorityClass.get("value"), old.get("value"))) {
                return List.of(FieldError.forbidden(FieldPath.of("value"), "may not be changed in an update."));
            }
            return List.of();
        }
    }
}
