package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;
import dev.caravel.apiserver.apiextensions.schema.StructuralSchema;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The validation of a CustomResourceDefinition's spec and status, as apiextensions-apiserver's
 * {@code ValidateCustomResourceDefinition} and {@code ValidateCustomResourceDefinitionUpdate}
 * word it; ObjectMeta is checked by the shared {@code ObjectMetaValidator} before this. Each
 * version's schema is checked by {@link StructuralSchema#check}.
 *
 * <p>Caravel converts between versions only with the None strategy: a Webhook conversion is
 * refused here (see docs/decisions/0022-custom-resources.md).
 */
final class CrdValidation {

    private static final Pattern DNS1035_LABEL = Pattern.compile("[a-z]([-a-z0-9]*[a-z0-9])?");
    private static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
    private static final String DNS1035_LABEL_ERR = "a DNS-1035 label must consist of lower case alphanumeric "
            + "characters or '-', start with an alphabetic character, and end with an alphanumeric character";
    /** The reference's limit on a version's selectableFields. */
    private static final int MAX_SELECTABLE_FIELDS = 8;
    private static final List<String> COLUMN_TYPES = List.of("integer", "number", "string", "boolean", "date");
    private static final List<String> COLUMN_FORMATS = List.of("int32", "int64", "float", "double", "byte", "date",
            "date-time", "password");

    private CrdValidation() {}

    /** Every error of a CRD about to be created. */
    static List<FieldError> validateCreate(JsonNode crd) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode spec = crd.path("spec");
        String name = crd.path("metadata").path("name").asText("");
        String plural = spec.path("names").path("plural").asText("");
        String group = spec.path("group").asText("");
        if (!name.equals(plural + "." + group)) {
            errors.add(FieldError.invalid(FieldPath.of("metadata", "name"), name,
                    "must be spec.names.plural+\".\"+spec.group"));
        }
        errors.addAll(spec(spec, FieldPath.of("spec")));
        errors.addAll(status(crd, FieldPath.of("status")));
        return errors;
    }

    /** Every error of an update from {@code old} to {@code crd}: the create rules plus what may not change. */
    static List<FieldError> validateUpdate(JsonNode crd, JsonNode old) {
        List<FieldError> errors = validateCreate(crd);
        JsonNode spec = crd.path("spec");
        JsonNode oldSpec = old.path("spec");
        if (!spec.path("group").asText("").equals(oldSpec.path("group").asText(""))) {
            errors.add(FieldError.immutable(FieldPath.of("spec", "group"), spec.path("group").asText("")));
        }
        if (!spec.path("names").path("plural").asText("").equals(oldSpec.path("names").path("plural").asText(""))) {
            errors.add(FieldError.immutable(FieldPath.of("spec", "names", "plural"),
                    spec.path("names").path("plural").asText("")));
        }
        boolean established = CustomResources.isTrue(old, "Established");
        if (established && !spec.path("scope").asText("").equals(oldSpec.path("scope").asText(""))) {
            errors.add(FieldError.immutable(FieldPath.of("spec", "scope"), spec.path("scope").asText("")));
        }
        return errors;
    }

    private static List<FieldError> spec(JsonNode spec, FieldPath at) {
        List<FieldError> errors = new ArrayList<>();
        String group = spec.path("group").asText("");
        if (group.isEmpty()) {
            errors.add(FieldError.required(at.child("group"), ""));
        } else {
            List<String> groupErrors = NameValidation.dns1123Subdomain(group);
            if (!groupErrors.isEmpty()) {
                errors.add(FieldError.invalid(at.child("group"), group, String.join(",", groupErrors)));
            }
            if (group.split("\\.").length < 2) {
                errors.add(FieldError.invalid(at.child("group"), group, "should be a domain with at least one dot"));
            }
        }
        String scope = spec.path("scope").asText("");
        if (scope.isEmpty()) {
            errors.add(FieldError.required(at.child("scope"), ""));
        } else if (!scope.equals("Cluster") && !scope.equals("Namespaced")) {
            errors.add(FieldError.notSupported(at.child("scope"), scope, List.of("Cluster", "Namespaced")));
        }

        JsonNode versions = spec.path("versions");
        int storageCount = 0;
        boolean anyServed = false;
        Set<String> seen = new HashSet<>();
        boolean unique = true;
        for (int i = 0; i < versions.size(); i++) {
            JsonNode v = versions.get(i);
            FieldPath vp = at.child("versions").index(i);
            String versionName = v.path("name").asText("");
            storageCount += v.path("storage").asBoolean(false) ? 1 : 0;
            anyServed |= v.path("served").asBoolean(false);
            unique &= seen.add(versionName);
            List<String> nameErrors = dns1035Label(versionName);
            if (!nameErrors.isEmpty()) {
                errors.add(FieldError.invalid(vp.child("name"), versionName, String.join(",", nameErrors)));
            }
            errors.addAll(version(v, vp));
        }
        if (versions.isEmpty()) {
            errors.add(FieldError.required(at.child("versions"), "must have at least one version"));
        }
        if (!unique) {
            errors.add(FieldError.invalid(at.child("versions"), versionsLiteral(versions), "must contain unique version names"));
        }
        if (storageCount != 1) {
            errors.add(FieldError.invalid(at.child("versions"), versionsLiteral(versions),
                    "must have exactly one version marked as storage version"));
        }
        if (!versions.isEmpty() && !anyServed) {
            errors.add(FieldError.invalid(at.child("versions"), versionsLiteral(versions),
                    "must have at least one version marked as served"));
        }
        errors.addAll(names(spec.path("names"), at.child("names"), true));

        String strategy = spec.path("conversion").path("strategy").asText("None");
        FieldPath conversion = at.child("conversion", "strategy");
        if (strategy.equals("Webhook")) {
            errors.add(FieldError.invalid(conversion, strategy,
                    "webhook conversion is not supported by Caravel; use the None strategy"));
        } else if (!strategy.equals("None")) {
            errors.add(FieldError.notSupported(conversion, strategy, List.of("None", "Webhook")));
        } else if (spec.path("conversion").hasNonNull("webhook")) {
            errors.add(FieldError.forbidden(at.child("conversion", "webhook"),
                    "should not be set when strategy is not set to Webhook"));
        }
        if (spec.path("preserveUnknownFields").asBoolean(false)) {
            errors.add(FieldError.invalid(at.child("preserveUnknownFields"), true,
                    "cannot set to true, set x-kubernetes-preserve-unknown-fields to true in spec.versions[*].schema instead"));
        }
        return errors;
    }

    private static FieldError.GoLiteral versionsLiteral(JsonNode versions) {
        // Go prints the whole []CustomResourceDefinitionVersion struct; a summary of the names reads better.
        List<String> names = new ArrayList<>();
        versions.forEach(v -> names.add(v.path("name").asText("")));
        return new FieldError.GoLiteral("[]apiextensions.CustomResourceDefinitionVersion{" + String.join(", ", names) + "}");
    }

    private static List<FieldError> version(JsonNode v, FieldPath vp) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode schema = v.path("schema").path("openAPIV3Schema");
        FieldPath schemaPath = vp.child("schema", "openAPIV3Schema");
        if (!schema.isObject()) {
            if (v.path("served").asBoolean(false) || v.path("storage").asBoolean(false)) {
                errors.add(FieldError.required(schemaPath, "schemas are required"));
            }
        } else {
            List<FieldError> schemaErrors = StructuralSchema.check(schema, schemaPath);
            errors.addAll(schemaErrors);
            // With the status subresource, the root may say only what its properties are (the
            // reference's rule: status and spec are served by different endpoints).
            if (schemaErrors.isEmpty() && v.path("subresources").path("status").isObject()) {
                errors.addAll(StructuralSchema.checkRootWithStatusSubresource(schema, schemaPath));
            }
        }
        JsonNode scale = v.path("subresources").path("scale");
        if (scale.isObject()) {
            FieldPath sp = vp.child("subresources", "scale");
            errors.addAll(scalePath(scale.path("specReplicasPath").asText(""), sp.child("specReplicasPath"), true, ".spec."));
            errors.addAll(scalePath(scale.path("statusReplicasPath").asText(""), sp.child("statusReplicasPath"), true, ".status."));
            String selector = scale.path("labelSelectorPath").asText("");
            if (!selector.isEmpty() && !selector.startsWith(".spec.") && !selector.startsWith(".status.")) {
                errors.add(FieldError.invalid(sp.child("labelSelectorPath"), selector,
                        "should be a json path under either .spec or .status"));
            } else if (!selector.isEmpty()) {
                errors.addAll(scalePath(selector, sp.child("labelSelectorPath"), false, ""));
            }
        }
        JsonNode selectable = v.path("selectableFields");
        Set<String> selectedPaths = new HashSet<>();
        if (selectable.size() > MAX_SELECTABLE_FIELDS) {
            errors.add(FieldError.tooMany(vp.child("selectableFields"), selectable.size(), MAX_SELECTABLE_FIELDS));
        }
        for (int i = 0; i < selectable.size(); i++) {
            FieldPath sp = vp.child("selectableFields").index(i).child("jsonPath");
            String path = selectable.get(i).path("jsonPath").asText("");
            if (path.isEmpty()) {
                errors.add(FieldError.required(sp, ""));
                continue;
            }
            List<FieldError> simple = scalePath(path, sp, true, "");
            if (!simple.isEmpty()) {
                errors.addAll(simple);
            } else if (path.startsWith(".metadata")) {
                errors.add(FieldError.invalid(sp, path, "must not select metadata: metadata.name and metadata.namespace are always selectable"));
            } else if (!selectedPaths.add(path)) {
                errors.add(FieldError.duplicate(sp, path));
            }
        }
        JsonNode columns = v.path("additionalPrinterColumns");
        for (int i = 0; i < columns.size(); i++) {
            errors.addAll(printerColumn(columns.get(i), vp.child("additionalPrinterColumns").index(i)));
        }
        return errors;
    }

    private static List<FieldError> scalePath(String path, FieldPath at, boolean required, String under) {
        if (path.isEmpty()) {
            return required ? List.of(FieldError.required(at, "")) : List.of();
        }
        try {
            JsonPath parsed = JsonPath.parse(path);
            if (parsed.fieldNames().isEmpty()) {
                return List.of(FieldError.invalid(at, path, "must be a simple json path"));
            }
        } catch (IllegalArgumentException e) {
            return List.of(FieldError.invalid(at, path, "must be a simple json path"));
        }
        if (!under.isEmpty() && !path.startsWith(under)) {
            return List.of(FieldError.invalid(at, path, "should be a json path under " + under.substring(0, under.length() - 1)));
        }
        return List.of();
    }

    private static List<FieldError> printerColumn(JsonNode column, FieldPath at) {
        List<FieldError> errors = new ArrayList<>();
        if (column.path("name").asText("").isEmpty()) {
            errors.add(FieldError.required(at.child("name"), ""));
        }
        String type = column.path("type").asText("");
        if (type.isEmpty()) {
            errors.add(FieldError.required(at.child("type"), ""));
        } else if (!COLUMN_TYPES.contains(type)) {
            errors.add(FieldError.notSupported(at.child("type"), type, COLUMN_TYPES));
        }
        String format = column.path("format").asText("");
        if (!format.isEmpty() && !COLUMN_FORMATS.contains(format)) {
            errors.add(FieldError.notSupported(at.child("format"), format, COLUMN_FORMATS));
        }
        if (column.path("priority").asInt(0) < 0) {
            errors.add(FieldError.invalid(at.child("priority"), column.path("priority").asInt(), "must be positive"));
        }
        String jsonPath = column.path("jsonPath").asText("");
        if (jsonPath.isEmpty()) {
            errors.add(FieldError.required(at.child("jsonPath"), ""));
        } else {
            try {
                JsonPath.parse(jsonPath);
            } catch (IllegalArgumentException e) {
                errors.add(FieldError.invalid(at.child("jsonPath"), jsonPath, "must be a simple json path: " + e.getMessage()));
            }
        }
        return errors;
    }

    /** {@code ValidateCustomResourceDefinitionNames}; {@code required} for spec.names, not for acceptedNames. */
    static List<FieldError> names(JsonNode names, FieldPath at, boolean required) {
        List<FieldError> errors = new ArrayList<>();
        String plural = names.path("plural").asText("");
        String singular = names.path("singular").asText("");
        String kind = names.path("kind").asText("");
        String listKind = names.path("listKind").asText("");
        label(errors, plural, at.child("plural"), false);
        label(errors, singular, at.child("singular"), false);
        label(errors, kind.toLowerCase(Locale.ROOT), at.child("kind"), true, kind);
        label(errors, listKind.toLowerCase(Locale.ROOT), at.child("listKind"), true, listKind);
        JsonNode shortNames = names.path("shortNames");
        for (int i = 0; i < shortNames.size(); i++) {
            String s = shortNames.get(i).asText("");
            List<String> e = dns1035Label(s);
            if (!e.isEmpty()) {
                errors.add(FieldError.invalid(at.child("shortNames").index(i), s, String.join(",", e)));
            }
        }
        JsonNode categories = names.path("categories");
        for (int i = 0; i < categories.size(); i++) {
            String c = categories.get(i).asText("");
            List<String> e = dns1035Label(c);
            if (!e.isEmpty()) {
                errors.add(FieldError.invalid(at.child("categories").index(i), c, String.join(",", e)));
            }
        }
        if (!kind.isEmpty() && kind.equals(listKind)) {
            errors.add(FieldError.invalid(at.child("listKind"), listKind, "kind and listKind may not be the same"));
        }
        if (required) {
            for (String field : List.of("plural", "singular", "kind", "listKind")) {
                if (names.path(field).asText("").isEmpty()) {
                    errors.add(FieldError.required(at.child(field), ""));
                }
            }
        }
        return errors;
    }

    private static void label(List<FieldError> errors, String value, FieldPath at, boolean mixedCase) {
        label(errors, value, at, mixedCase, value);
    }

    private static void label(List<FieldError> errors, String lowered, FieldPath at, boolean mixedCase, String shown) {
        if (lowered.isEmpty()) {
            return;
        }
        List<String> e = dns1035Label(lowered);
        if (!e.isEmpty()) {
            String detail = String.join(",", e);
            errors.add(FieldError.invalid(at, shown, mixedCase ? "may have mixed case, but should otherwise match: " + detail
                    : detail));
        }
    }

    /** {@code status.storedVersions} must name versions of the spec, and the storage version. */
    private static List<FieldError> status(JsonNode crd, FieldPath at) {
        List<FieldError> errors = new ArrayList<>();
        JsonNode stored = crd.path("status").path("storedVersions");
        Set<String> versions = new HashSet<>();
        String storage = "";
        for (JsonNode v : crd.path("spec").path("versions")) {
            versions.add(v.path("name").asText(""));
            if (v.path("storage").asBoolean(false)) {
                storage = v.path("name").asText("");
            }
        }
        boolean hasStorage = false;
        for (int i = 0; i < stored.size(); i++) {
            String v = stored.get(i).asText("");
            hasStorage |= v.equals(storage);
            if (!versions.contains(v)) {
                errors.add(FieldError.invalid(at.child("storedVersions").index(i), v, "must appear in spec.versions"));
            }
        }
        if (!stored.isEmpty() && !storage.isEmpty() && !hasStorage) {
            errors.add(FieldError.invalid(at.child("storedVersions"), CustomResources.strings(stored),
                    "must have the storage version " + storage));
        }
        if (crd.path("status").has("storedVersions") && stored.isEmpty()) {
            errors.add(FieldError.invalid(at.child("storedVersions"), CustomResources.strings(stored),
                    "must have at least one stored version"));
        }
        return errors;
    }

    static List<String> dns1035Label(String value) {
        List<String> errors = new ArrayList<>();
        if (value.length() > NameValidation.DNS1123_LABEL_MAX_LENGTH) {
            errors.add(NameValidation.maxLenError(NameValidation.DNS1123_LABEL_MAX_LENGTH));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
            errors.add(NameValidation.regexError(DNS1035_LABEL_ERR, DNS1035_LABEL_FMT, "my-name", "abc-123"));
        }
        return errors;
    }
}
