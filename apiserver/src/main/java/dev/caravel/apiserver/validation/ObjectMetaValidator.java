package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.api.GroupKind;
import dev.caravel.apiserver.api.NameValidation;
import dev.caravel.apiserver.selection.Labels;

import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.random.RandomGenerator;

/**
 * Kubernetes' ObjectMeta rules (apimachinery's ValidateObjectMeta and ValidateObjectMetaUpdate):
 * name or generateName, the name's form for the kind, namespace present exactly for namespaced
 * kinds, labels, annotations (keys, and 256 KiB in total), finalizers, owner references, and on
 * update the fields that never change.
 *
 * <p>Kubernetes generates the name from generateName before it validates, so the caller does
 * too ({@link #generateName}), then validates the object with both set.
 */
public final class ObjectMetaValidator {

    /** TotalAnnotationSizeLimitB: keys and values together, in bytes. */
    public static final int TOTAL_ANNOTATION_SIZE_LIMIT_BYTES = 256 * 1024;

    /** The random suffix of a generated name; the alphabet has no vowels (no words) and no 0/1/3 look-alikes. */
    private static final String GENERATED_NAME_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";
    private static final int GENERATED_SUFFIX_LENGTH = 5;
    /** A generated name stays within a DNS label: 63 minus the suffix. */
    public static final int MAX_GENERATE_NAME_PREFIX = 63 - GENERATED_SUFFIX_LENGTH;

    private static final String ORPHAN_FINALIZER = "orphan";
    private static final String FOREGROUND_FINALIZER = "foregroundDeletion";

    private static final FieldPath METADATA = FieldPath.of("metadata");

    private ObjectMetaValidator() {
    }

    /**
     * The name for a generateName prefix: the prefix cut to {@value #MAX_GENERATE_NAME_PREFIX}
     * characters, then five random characters.
     */
    public static String generateName(String prefix, RandomGenerator random) {
        String base = prefix.length() > MAX_GENERATE_NAME_PREFIX ? prefix.substring(0, MAX_GENERATE_NAME_PREFIX) : prefix;
        StringBuilder name = new StringBuilder(base);
        for (int i = 0; i < GENERATED_SUFFIX_LENGTH; i++) {
            name.append(GENERATED_NAME_ALPHABET.charAt(random.nextInt(GENERATED_NAME_ALPHABET.length())));
        }
        return name.toString();
    }

    /** ValidateObjectMeta of {@code object.metadata}, for a create or as part of an update. */
    public static List<FieldError> validate(JsonNode object, GroupKind kind, boolean namespaced) {
        JsonNode meta = JsonFields.at(object, "metadata");
        NameRule rule = NameRule.forKind(kind);
        List<FieldError> errors = new ArrayList<>();
        String generateName = JsonFields.text(meta, "generateName");
        if (!generateName.isEmpty()) {
            for (String msg : rule.check(generateName, true)) {
                errors.add(FieldError.invalid(METADATA.child("generateName"), generateName, msg));
            }
        }
        String name = JsonFields.text(meta, "name");
        if (name.isEmpty()) {
            errors.add(FieldError.required(METADATA.child("name"), "name or generateName is required"));
        } else {
            for (String msg : rule.check(name, false)) {
                errors.add(FieldError.invalid(METADATA.child("name"), name, msg));
            }
        }
        String namespace = JsonFields.text(meta, "namespace");
        if (namespaced) {
            if (namespace.isEmpty()) {
                errors.add(FieldError.required(METADATA.child("namespace"), ""));
            } else {
                for (String msg : NameValidation.dns1123Label(namespace)) {
                    errors.add(FieldError.invalid(METADATA.child("namespace"), namespace, msg));
                }
            }
        } else if (!namespace.isEmpty()) {
            errors.add(FieldError.forbidden(METADATA.child("namespace"), "not allowed on this type"));
        }
        Long generation = JsonFields.integer(meta, "generation");
        if (generation != null && generation < 0) {
            errors.add(FieldError.invalid(METADATA.child("generation"), generation, "must be greater than or equal to 0"));
        }
        errors.addAll(Labels.validate(JsonFields.stringMap(meta, "labels"), METADATA.child("labels")));
        errors.addAll(validateAnnotations(JsonFields.stringMap(meta, "annotations"), METADATA.child("annotations")));
        errors.addAll(validateOwnerReferences(JsonFields.list(meta, "ownerReferences"), METADATA.child("ownerReferences")));
        errors.addAll(validateFinalizers(JsonFields.strings(meta, "finalizers"), METADATA.child("finalizers")));
        return errors;
    }

    /** ValidateAnnotations: keys are qualified names (case aside), and all of it at most 256 KiB. */
    public static List<FieldError> validateAnnotations(Map<String, String> annotations, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        if (annotations == null) {
            return errors;
        }
        long size = 0;
        for (Map.Entry<String, String> e : annotations.entrySet()) {
            for (String msg : NameValidation.qualifiedName(e.getKey().toLowerCase(java.util.Locale.ROOT))) {
                errors.add(FieldError.invalid(path, e.getKey(), msg));
            }
            size += e.getKey().getBytes(StandardCharsets.UTF_8).length + e.getValue().getBytes(StandardCharsets.UTF_8).length;
        }
        if (size > TOTAL_ANNOTATION_SIZE_LIMIT_BYTES) {
            errors.add(FieldError.tooLong(path, TOTAL_ANNOTATION_SIZE_LIMIT_BYTES));
        }
        return errors;
    }

    /** ValidateFinalizers: qualified names; orphan and foregroundDeletion exclude each other. */
    public static List<FieldError> validateFinalizers(List<String> finalizers, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        for (String finalizer : finalizers) {
            for (String msg : NameValidation.qualifiedName(finalizer)) {
                errors.add(FieldError.invalid(path, finalizer, msg));
            }
        }
        if (finalizers.contains(ORPHAN_FINALIZER) && finalizers.contains(FOREGROUND_FINALIZER)) {
            errors.add(FieldError.invalid(path, finalizers,
                    "finalizer " + ORPHAN_FINALIZER + " and " + FOREGROUND_FINALIZER + " cannot be both set"));
        }
        return errors;
    }

    /**
     * ValidateOwnerReferences: apiVersion with a version, kind, name and uid present, at most one
     * controller. Kubernetes reports them at the list's path, without an index.
     */
    public static List<FieldError> validateOwnerReferences(List<JsonNode> references, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        List<String> controllers = new ArrayList<>();
        for (JsonNode ref : references) {
            String apiVersion = JsonFields.text(ref, "apiVersion");
            String version = apiVersion.contains("/") ? apiVersion.substring(apiVersion.indexOf('/') + 1) : apiVersion;
            if (version.isEmpty()) {
                errors.add(FieldError.invalid(path.child("apiVersion"), apiVersion, "version must not be empty"));
            }
            String kind = JsonFields.text(ref, "kind");
            if (kind.isEmpty()) {
                errors.add(FieldError.invalid(path.child("kind"), kind, "kind must not be empty"));
            }
            String name = JsonFields.text(ref, "name");
            if (name.isEmpty()) {
                errors.add(FieldError.invalid(path.child("name"), name, "name must not be empty"));
            }
            String uid = JsonFields.text(ref, "uid");
            if (uid.isEmpty()) {
                errors.add(FieldError.invalid(path.child("uid"), uid, "uid must not be empty"));
            }
            if (JsonFields.bool(ref, "controller")) {
                controllers.add(kind + "/" + name);
            }
        }
        if (controllers.size() > 1) {
            errors.add(FieldError.invalid(path, FieldError.OMIT_VALUE,
                    "Only one reference can have Controller set to true. Found \"true\" in references for "
                            + String.join(" and ", controllers)));
        }
        return errors;
    }

    /**
     * ValidateObjectMetaUpdate's own rules (run {@link #validate} on the new object as well):
     * resourceVersion given, generation not decremented, name, namespace, uid, creationTimestamp,
     * deletionTimestamp and deletionGracePeriodSeconds unchanged, and no new finalizers once
     * deletion started. Kubernetes' update path first copies uid (when absent) and
     * creationTimestamp from the stored object; the caller does that before calling this.
     */
    public static List<FieldError> validateUpdate(JsonNode newObject, JsonNode oldObject) {
        JsonNode meta = JsonFields.at(newObject, "metadata");
        JsonNode old = JsonFields.at(oldObject, "metadata");
        List<FieldError> errors = new ArrayList<>();
        if (JsonFields.present(old.get("deletionTimestamp"))) {
            Set<String> added = new LinkedHashSet<>(JsonFields.strings(meta, "finalizers"));
            JsonFields.strings(old, "finalizers").forEach(added::remove);
            if (!added.isEmpty()) {
                errors.add(FieldError.forbidden(METADATA.child("finalizers"),
                        "no new finalizers can be added if the object is being deleted, found new finalizers "
                                + FieldError.show(List.copyOf(added))));
            }
        }
        String resourceVersion = JsonFields.text(meta, "resourceVersion");
        if (resourceVersion.isEmpty()) {
            errors.add(FieldError.invalid(METADATA.child("resourceVersion"), resourceVersion, "must be specified for an update"));
        }
        Long generation = JsonFields.integer(meta, "generation");
        Long oldGeneration = JsonFields.integer(old, "generation");
        if ((generation == null ? 0 : generation) < (oldGeneration == null ? 0 : oldGeneration)) {
            errors.add(FieldError.invalid(METADATA.child("generation"), generation == null ? 0L : generation,
                    "must not be decremented"));
        }
        for (String field : List.of("name", "namespace", "uid")) {
            String now = JsonFields.text(meta, field);
            if (!now.equals(JsonFields.text(old, field))) {
                errors.add(FieldError.immutable(METADATA.child(field), now));
            }
        }
        for (String field : List.of("creationTimestamp", "deletionTimestamp")) {
            JsonNode now = meta.get(field);
            if (!JsonFields.sameJson(now, old.get(field))) {
                errors.add(FieldError.immutable(METADATA.child(field), goTime(now)));
            }
        }
        JsonNode grace = meta.get("deletionGracePeriodSeconds");
        if (!JsonFields.sameJson(grace, old.get("deletionGracePeriodSeconds"))) {
            errors.add(FieldError.immutable(METADATA.child("deletionGracePeriodSeconds"),
                    JsonFields.present(grace) ? (Object) grace.longValue() : null));
        }
        return errors;
    }

    /** metav1.Time as Go prints it in a field error: {@code 2024-05-01 10:00:00 +0000 UTC}; "null" when unset. */
    private static Object goTime(JsonNode value) {
        if (!JsonFields.present(value)) {
            return null;
        }
        try {
            OffsetDateTime t = OffsetDateTime.parse(value.asText()).withOffsetSameInstant(ZoneOffset.UTC);
            return new FieldError.GoLiteral(t.format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")) + " +0000 UTC");
        } catch (DateTimeParseException e) {
            return new FieldError.GoLiteral(GoQuote.quote(value.asText()));
        }
    }
}
