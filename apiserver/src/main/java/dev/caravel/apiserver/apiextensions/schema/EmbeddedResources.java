package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;
import dev.caravel.apiserver.selection.Labels;
import dev.caravel.apiserver.validation.ObjectMetaValidator;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The type and object meta of x-kubernetes-embedded-resource objects, as apiextensions-apiserver's
 * objectmeta validation checks them: apiVersion and kind are required strings, the kind a
 * DNS-1035 label in any case, the metadata a valid ObjectMeta (name and generateName as path
 * segments, namespace, generation, labels, annotations, owner references, finalizers). The root's
 * own metadata is validated elsewhere.
 */
final class EmbeddedResources {

    private static final Pattern DNS1035_LABEL = Pattern.compile("^[a-z]([-a-z0-9]*[a-z0-9])?$");
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1035_LABEL_ERR = "a DNS-1035 label must consist of lower case alphanumeric characters or '-', "
            + "start with an alphabetic character, and end with an alphanumeric character";

    private EmbeddedResources() {
    }

    /** A custom resource's embedded resources; the root's own metadata goes through ObjectMeta validation. */
    static List<FieldError> validate(JsonNode object, SchemaNode root) {
        return validate(null, object, root, false);
    }

    /**
     * The embedded resources of a value found at {@code base} (null for an object's root), the
     * value itself counted as one when {@code resourceRoot}.
     */
    static List<FieldError> validate(FieldPath base, JsonNode value, SchemaNode s, boolean resourceRoot) {
        List<FieldError> errors = new ArrayList<>();
        if (value != null && value.isObject() && s != null) {
            if (resourceRoot || s.embeddedResource) {
                validateEmbedded(base, value, errors);
            }
            walkObject(base, value, s, errors);
        } else if (value != null && value.isArray() && s != null) {
            for (int i = 0; i < value.size(); i++) {
                walk(index(base, i), value.get(i), s.items, errors);
            }
        }
        return errors;
    }

    private static FieldPath child(FieldPath path, String name) {
        return path == null ? FieldPath.of(name) : path.child(name);
    }

    private static FieldPath index(FieldPath path, int i) {
        return path == null ? FieldPath.ofIndex(i) : path.index(i);
    }

    private static void walk(FieldPath path, JsonNode value, SchemaNode s, List<FieldError> errors) {
        if (s == null) {
            return;
        }
        if (value.isObject()) {
            if (s.embeddedResource) {
                validateEmbedded(path, value, errors);
            }
            walkObject(path, value, s, errors);
        } else if (value.isArray()) {
            for (int i = 0; i < value.size(); i++) {
                walk(index(path, i), value.get(i), s.items, errors);
            }
        }
    }

    private static void walkObject(FieldPath path, JsonNode object, SchemaNode s, List<FieldError> errors) {
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            SchemaNode property = s.properties.get(e.getKey());
            if (property != null) {
                walk(path == null ? FieldPath.of(e.getKey()) : path.child(e.getKey()), e.getValue(), property, errors);
            } else if (s.additionalProperties != null) {
                walk(path == null ? FieldPath.ofKey(e.getKey()) : path.key(e.getKey()), e.getValue(), s.additionalProperties, errors);
            }
        }
    }

    private static void validateEmbedded(FieldPath path, JsonNode x, List<FieldError> errors) {
        if (!x.has("apiVersion")) {
            errors.add(FieldError.required(child(path, "apiVersion"), ""));
        }
        if (!x.has("kind")) {
            errors.add(FieldError.required(child(path, "kind"), ""));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = x.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode v = e.getValue();
            switch (e.getKey()) {
                case "apiVersion" -> {
                    FieldPath at = child(path, "apiVersion");
                    if (!v.isTextual()) {
                        errors.add(FieldError.invalid(at, OpenApiValidator.shown(v), "must be a string"));
                    } else if (v.textValue().isEmpty()) {
                        errors.add(FieldError.required(at, ""));
                    } else if (v.textValue().chars().filter(c -> c == '/').count() > 1) {
                        errors.add(FieldError.invalid(at, v.textValue(), "unexpected GroupVersion string: " + v.textValue()));
                    }
                }
                case "kind" -> {
                    FieldPath at = child(path, "kind");
                    if (!v.isTextual()) {
                        errors.add(FieldError.invalid(at, OpenApiValidator.shown(v), "must be a string"));
                    } else if (v.textValue().isEmpty()) {
                        errors.add(FieldError.required(at, ""));
                    } else {
                        List<String> problems = dns1035Label(v.textValue().toLowerCase(Locale.ROOT));
                        if (!problems.isEmpty()) {
                            errors.add(FieldError.invalid(at, v.textValue(),
                                    "may have mixed case, but should otherwise match: " + String.join(",", problems)));
                        }
                    }
                }
                case "metadata" -> validateMetadata(child(path, "metadata"), v, errors);
                default -> {
                }
            }
        }
    }

    private static void validateMetadata(FieldPath at, JsonNode meta, List<FieldError> errors) {
        if (!meta.isObject()) {
            errors.add(FieldError.invalid(at, OpenApiValidator.shown(meta),
                    "expected a JSON object, got " + OpenApiValidator.Kind.of(meta).schemaType));
            return;
        }
        String generateName = meta.path("generateName").asText("");
        if (!generateName.isEmpty()) {
            for (String msg : pathSegmentName(generateName, true)) {
                errors.add(FieldError.invalid(at.child("generateName"), generateName, msg));
            }
        }
        String name = meta.path("name").asText("");
        if (!name.isEmpty()) {
            for (String msg : pathSegmentName(name, false)) {
                errors.add(FieldError.invalid(at.child("name"), name, msg));
            }
        }
        String namespace = meta.path("namespace").asText("");
        if (!namespace.isEmpty()) {
            for (String msg : NameValidation.dns1123Label(namespace)) {
                errors.add(FieldError.invalid(at.child("namespace"), namespace, msg));
            }
        }
        JsonNode generation = meta.get("generation");
        if (generation != null && generation.isIntegralNumber() && generation.longValue() < 0) {
            errors.add(FieldError.invalid(at.child("generation"), generation.longValue(), "must be greater than or equal to 0"));
        }
        errors.addAll(Labels.validate(stringMap(meta.get("labels")), at.child("labels")));
        errors.addAll(ObjectMetaValidator.validateAnnotations(stringMap(meta.get("annotations")), at.child("annotations")));
        List<JsonNode> owners = new ArrayList<>();
        meta.path("ownerReferences").forEach(owners::add);
        errors.addAll(ObjectMetaValidator.validateOwnerReferences(owners, at.child("ownerReferences")));
        List<String> finalizers = new ArrayList<>();
        meta.path("finalizers").forEach(f -> finalizers.add(f.asText()));
        errors.addAll(ObjectMetaValidator.validateFinalizers(finalizers, at.child("finalizers")));
    }

    /** Path-segment names (ValidatePathSegmentName): not "." or "..", no "/" or "%". A prefix may be "." or "..". */
    private static List<String> pathSegmentName(String name, boolean prefix) {
        List<String> errors = new ArrayList<>();
        if (!prefix && (name.equals(".") || name.equals(".."))) {
            errors.add("may not be '" + name + "'");
            return errors;
        }
        for (String illegal : List.of("/", "%")) {
            if (name.contains(illegal)) {
                errors.add("may not contain '" + illegal + "'");
            }
        }
        return errors;
    }

    private static List<String> dns1035Label(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > 63) {
            errors.add(NameValidation.maxLenError(63));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errors.add(NameValidation.regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errors;
    }

    private static Map<String, String> stringMap(JsonNode node) {
        Map<String, String> out = new LinkedHashMap<>();
        if (node != null && node.isObject()) {
            node.fields().forEachRemaining(e -> out.put(e.getKey(), e.getValue().asText()));
        }
        return out;
    }
}
