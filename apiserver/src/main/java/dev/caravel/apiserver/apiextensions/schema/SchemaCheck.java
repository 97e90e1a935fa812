package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The checks kube-apiserver makes of a CRD version's openAPIV3Schema before serving it, in its
 * order: nullable at the root; then the structural invariants (sorted by message, as the
 * reference sorts them) or, when the schema is structural, the defaults (valid, and already
 * pruned); then the per-node OpenAPI rules (no $ref, no uniqueItems, list and map types...).
 *
 * <p>Works on the schema as JSON, since several errors are about keys the engine itself never
 * reads (title, $ref, definitions...).
 */
final class SchemaCheck {

    private static final List<String> OPENAPI_V3_TYPES = List.of("array", "boolean", "integer", "number", "object", "string");
    private static final List<String> VALIDATION_REASONS = List.of(
            "FieldValueDuplicate", "FieldValueForbidden", "FieldValueInvalid", "FieldValueRequired");
    private static final Set<String> META_FIELDS = Set.of("metadata", "kind", "apiVersion");
    private static final Pattern NEWLINES = Pattern.compile("[\\n\\r]+");

    private enum Level { ROOT, ITEM, FIELD }

    private SchemaCheck() {
    }

    static List<FieldError> check(JsonNode schema, FieldPath at) {
        List<FieldError> errors = new ArrayList<>();
        if (schema == null || schema.isNull() || schema.isMissingNode()) {
            return errors;
        }
        if (!schema.isObject()) {
            errors.add(FieldError.invalid(at, OpenApiValidator.shown(schema), "must be an object"));
            return errors;
        }
        if (schema.path("nullable").asBoolean(false)) {
            errors.add(FieldError.forbidden(at.child("nullable"), "nullable cannot be true at the root"));
        }
        List<FieldError> structural = new ArrayList<>();
        invariants(schema, Level.ROOT, at, structural);
        completeness(schema, schema, at, at, structural);
        structural.sort(Comparator.comparing(FieldError::toString));
        if (!structural.isEmpty()) {
            errors.addAll(structural);
        } else {
            defaults(at, schema, true, false, errors);
        }
        openApiRules(schema, at, new Rules(true, null, false), true, errors);
        return errors;
    }

    /** JSONSchemaProps' fields in Go's declaration order, by JSON name, with the Go name the reference's message uses. */
    private static final List<Map.Entry<String, String>> ROOT_FIELDS = List.of(
            Map.entry("id", "ID"), Map.entry("$schema", "Schema"), Map.entry("$ref", "Ref"),
            Map.entry("description", "Description"), Map.entry("type", "Type"), Map.entry("nullable", "Nullable"),
            Map.entry("format", "Format"), Map.entry("title", "Title"), Map.entry("default", "Default"),
            Map.entry("maximum", "Maximum"), Map.entry("exclusiveMaximum", "ExclusiveMaximum"),
            Map.entry("minimum", "Minimum"), Map.entry("exclusiveMinimum", "ExclusiveMinimum"),
            Map.entry("maxLength", "MaxLength"), Map.entry("minLength", "MinLength"), Map.entry("pattern", "Pattern"),
            Map.entry("maxItems", "MaxItems"), Map.entry("minItems", "MinItems"), Map.entry("uniqueItems", "UniqueItems"),
            Map.entry("multipleOf", "MultipleOf"), Map.entry("enum", "Enum"), Map.entry("maxProperties", "MaxProperties"),
            Map.entry("minProperties", "MinProperties"), Map.entry("required", "Required"), Map.entry("items", "Items"),
            Map.entry("allOf", "AllOf"), Map.entry("oneOf", "OneOf"), Map.entry("anyOf", "AnyOf"), Map.entry("not", "Not"),
            Map.entry("properties", "Properties"), Map.entry("additionalProperties", "AdditionalProperties"),
            Map.entry("patternProperties", "PatternProperties"), Map.entry("dependencies", "Dependencies"),
            Map.entry("additionalItems", "AdditionalItems"), Map.entry("definitions", "Definitions"),
            Map.entry("externalDocs", "ExternalDocs"), Map.entry("example", "Example"),
            Map.entry("x-kubernetes-preserve-unknown-fields", "XPreserveUnknownFields"),
            Map.entry("x-kubernetes-embedded-resource", "XEmbeddedResource"),
            Map.entry("x-kubernetes-int-or-string", "XIntOrString"), Map.entry("x-kubernetes-list-map-keys", "XListMapKeys"),
            Map.entry("x-kubernetes-list-type", "XListType"), Map.entry("x-kubernetes-map-type", "XMapType"),
            Map.entry("x-kubernetes-validations", "XValidations"));
    private static final List<String> ALLOWED_AT_ROOT_WITH_STATUS = List.of("Description", "Type", "Format", "Title",
            "Maximum", "ExclusiveMaximum", "Minimum", "ExclusiveMinimum", "MaxLength", "MinLength", "Pattern", "MaxItems",
            "MinItems", "UniqueItems", "MultipleOf", "Required", "Items", "Properties", "ExternalDocs", "Example",
            "XPreserveUnknownFields", "XValidations");

    /**
     * With the status subresource, status is validated by {@code properties.status} alone, so the
     * root may only hold what keeps that true. The first offending field, in Go's field order, is
     * reported, as the reference stops there.
     */
    static List<FieldError> checkRootWithStatusSubresource(JsonNode schema, FieldPath at) {
        List<FieldError> errors = new ArrayList<>();
        if (schema == null || !schema.isObject()) {
            return errors;
        }
        for (Map.Entry<String, String> field : ROOT_FIELDS) {
            JsonNode value = schema.get(field.getKey());
            if (value == null || isZero(value)) {
                continue;
            }
            if (field.getValue().equals("Type")) {
                if (!value.asText().equals("object")) {
                    errors.add(FieldError.invalid(at.child("type"), value.asText(),
                            "only \"object\" is allowed as the type at the root of the schema if the status subresource is enabled"));
                    break;
                }
                continue;
            }
            if (!ALLOWED_AT_ROOT_WITH_STATUS.contains(field.getValue())) {
                errors.add(FieldError.invalid(at, schema, "only [" + String.join(" ", ALLOWED_AT_ROOT_WITH_STATUS)
                        + "] fields are allowed at the root of the schema if the status subresource is enabled"));
                break;
            }
        }
        return errors;
    }

    // ---- structural invariants (apiserver/schema/validation.go) ----

    private static void invariants(JsonNode s, Level level, FieldPath p, List<FieldError> errors) {
        String type = s.path("type").asText("");
        boolean intOrString = s.path("x-kubernetes-int-or-string").asBoolean(false);
        boolean preserve = s.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
        boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
        JsonNode items = s.get("items");
        JsonNode properties = s.path("properties");
        JsonNode additional = s.get("additionalProperties");

        if (type.equals("array") && (items == null || !items.isObject())) {
            errors.add(FieldError.required(p.child("items"), "must be specified"));
        }
        if (items != null && items.isObject()) {
            invariants(items, Level.ITEM, p.child("items"), errors);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            invariants(e.getValue(), Level.FIELD, p.child("properties").key(e.getKey()), errors);
        }
        if (additional != null && !additional.isNull()) {
            if (level == Level.ROOT) {
                errors.add(FieldError.forbidden(p.child("additionalProperties"), "must not be used at the root"));
            }
            if (additional.isObject()) {
                invariants(additional, Level.FIELD, p.child("additionalProperties"), errors);
            }
        }
        if (intOrString && preserve) {
            errors.add(FieldError.invalid(p.child("x-kubernetes-preserve-unknown-fields"), true,
                    "must be false if x-kubernetes-int-or-string is true"));
        }
        if (intOrString && embedded) {
            errors.add(FieldError.invalid(p.child("x-kubernetes-embedded-resource"), true,
                    "must be false if x-kubernetes-int-or-string is true"));
        }
        valueValidation(s, isIntOrStringAnyOf(s.get("anyOf")), isIntOrStringAllOf(s), p, errors);

        boolean checkMetadata = level == Level.ROOT || embedded;
        if (embedded && !type.equals("object")) {
            if (type.isEmpty()) {
                errors.add(FieldError.required(p.child("type"), "must be object if x-kubernetes-embedded-resource is true"));
            } else {
                errors.add(FieldError.invalid(p.child("type"), type, "must be object if x-kubernetes-embedded-resource is true"));
            }
        } else if (type.isEmpty() && !intOrString && !preserve) {
            errors.add(FieldError.required(p.child("type"), switch (level) {
                case ROOT -> "must not be empty at the root";
                case ITEM -> "must not be empty for specified array items";
                case FIELD -> "must not be empty for specified object fields";
            }));
        }
        if (embedded && additional != null && !additional.isNull()) {
            errors.add(FieldError.forbidden(p.child("additionalProperties"), "must not be used if x-kubernetes-embedded-resource is set"));
        }
        if (level == Level.ROOT && !type.isEmpty() && !type.equals("object")) {
            errors.add(FieldError.invalid(p.child("type"), type, "must be object at the root"));
        }
        for (String meta : List.of("kind", "apiVersion")) {
            JsonNode property = properties.get(meta);
            if (property != null && checkMetadata && !property.path("type").asText("").equals("string")) {
                errors.add(FieldError.invalid(p.child("properties").key(meta).child("type"), property.path("type").asText(""), "must be string"));
            }
        }
        JsonNode metadata = properties.get("metadata");
        if (metadata != null) {
            metadataInvariants(metadata, checkMetadata, level, p.child("properties").key("metadata"), errors);
        }
        if (embedded && !preserve && properties.size() == 0) {
            errors.add(FieldError.required(p.child("properties"),
                    "must not be empty if x-kubernetes-embedded-resource is true without x-kubernetes-preserve-unknown-fields"));
        }
    }

    private static void metadataInvariants(JsonNode s, boolean checkMetadata, Level level, FieldPath p, List<FieldError> errors) {
        String type = s.path("type").asText("");
        if (checkMetadata && !type.equals("object")) {
            errors.add(FieldError.invalid(p.child("type"), type, "must be object"));
        }
        if (level != Level.ROOT) {
            return;
        }
        // Only the type, a default (checked elsewhere) and a schema for name and generateName are allowed.
        boolean restricted = false;
        for (Iterator<Map.Entry<String, JsonNode>> it = s.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            switch (e.getKey()) {
                case "type", "default" -> {
                }
                case "properties" -> {
                    for (Iterator<String> names = e.getValue().fieldNames(); names.hasNext(); ) {
                        String name = names.next();
                        if (!name.equals("name") && !name.equals("generateName")) {
                            restricted = true;
                        }
                    }
                }
                default -> restricted |= !isZero(e.getValue());
            }
        }
        if (restricted) {
            errors.add(FieldError.forbidden(p, "must not specify anything other than name and generateName, but metadata is implicitly specified"));
        }
    }

    /** A Go zero value: what leaves a struct field as if it had not been written. */
    private static boolean isZero(JsonNode v) {
        return v.isNull() || (v.isBoolean() && !v.booleanValue()) || (v.isTextual() && v.textValue().isEmpty())
                || (v.isContainerNode() && v.isEmpty());
    }

    private static boolean isIntOrStringAnyOf(JsonNode anyOf) {
        if (anyOf == null || !anyOf.isArray() || anyOf.size() != 2) {
            return false;
        }
        return isOnlyType(anyOf.get(0), "integer") && isOnlyType(anyOf.get(1), "string");
    }

    private static boolean isIntOrStringAllOf(JsonNode s) {
        JsonNode allOf = s.get("allOf");
        return allOf != null && allOf.isArray() && allOf.size() >= 1 && isIntOrStringAnyOf(allOf.get(0).get("anyOf"));
    }

    private static boolean isOnlyType(JsonNode s, String type) {
        return s.isObject() && s.size() == 1 && type.equals(s.path("type").asText(null));
    }

    private static void valueValidation(JsonNode v, boolean skipAnyOf, boolean skipFirstAllOfAnyOf, FieldPath p, List<FieldError> errors) {
        if (!skipAnyOf) {
            forEachIndexed(v.get("anyOf"), (i, n) -> nestedValueValidation(n, false, p.child("anyOf").index(i), errors));
        }
        forEachIndexed(v.get("allOf"), (i, n) -> nestedValueValidation(n, skipFirstAllOfAnyOf && i == 0, p.child("allOf").index(i), errors));
        forEachIndexed(v.get("oneOf"), (i, n) -> nestedValueValidation(n, false, p.child("oneOf").index(i), errors));
        JsonNode not = v.get("not");
        if (not != null && not.isObject()) {
            nestedValueValidation(not, false, p.child("not"), errors);
        }
        String pattern = v.path("pattern").asText("");
        if (!pattern.isEmpty()) {
            try {
                Pattern.compile(pattern);
            } catch (PatternSyntaxException e) {
                errors.add(FieldError.invalid(p.child("pattern"), pattern,
                        "must be a valid regular expression, but isn't: error parsing regexp: " + e.getDescription() + ": `" + pattern + "`"));
            }
        }
    }

    private static void nestedValueValidation(JsonNode v, boolean skipAnyOf, FieldPath p, List<FieldError> errors) {
        if (!v.isObject()) {
            return;
        }
        valueValidation(v, skipAnyOf, false, p, errors);
        JsonNode items = v.get("items");
        if (items != null && items.isObject()) {
            nestedValueValidation(items, false, p.child("items"), errors);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            nestedValueValidation(e.getValue(), false, p.child("properties").key(e.getKey()), errors);
        }
        if (!v.path("type").asText("").isEmpty()) {
            errors.add(FieldError.forbidden(p.child("type"), "must be empty to be structural"));
        }
        if (v.has("additionalProperties")) {
            errors.add(FieldError.forbidden(p.child("additionalProperties"), "must be undefined to be structural"));
        }
        if (v.has("default") && !v.get("default").isNull()) {
            errors.add(FieldError.forbidden(p.child("default"), "must be undefined to be structural"));
        }
        if (!v.path("title").asText("").isEmpty()) {
            errors.add(FieldError.forbidden(p.child("title"), "must be empty to be structural"));
        }
        if (!v.path("description").asText("").isEmpty()) {
            errors.add(FieldError.forbidden(p.child("description"), "must be empty to be structural"));
        }
        if (v.path("nullable").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("nullable"), "must be false to be structural"));
        }
        if (v.has("externalDocs")) {
            errors.add(FieldError.forbidden(p.child("externalDocs"), "must be undefined to be structural"));
        }
        if (v.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-preserve-unknown-fields"), "must be false to be structural"));
        }
        if (v.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-embedded-resource"), "must be false to be structural"));
        }
        if (v.path("x-kubernetes-int-or-string").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-int-or-string"), "must be false to be structural"));
        }
        if (v.path("x-kubernetes-list-map-keys").size() > 0) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-list-map-keys"), "must be empty to be structural"));
        }
        if (v.has("x-kubernetes-list-type") && !v.get("x-kubernetes-list-type").isNull()) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-list-type"), "must be undefined to be structural"));
        }
        if (v.has("x-kubernetes-map-type") && !v.get("x-kubernetes-map-type").isNull()) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-map-type"), "must be undefined to be structural"));
        }
        if (v.path("x-kubernetes-validations").size() > 0) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-validations"), "must be empty to be structural"));
        }
        if (v.path("properties").has("metadata")) {
            errors.add(FieldError.forbidden(p.child("properties").key("metadata"), "must not be specified in a nested context"));
        }
    }

    // ---- completeness (apiserver/schema/complete.go): only the root's own value validations are followed ----

    private static void completeness(JsonNode v, JsonNode s, FieldPath sp, FieldPath vp, List<FieldError> errors) {
        JsonNode not = v.get("not");
        if (not != null && not.isObject()) {
            nestedCompleteness(not, s, sp, vp.child("not"), errors);
        }
        forEachIndexed(v.get("allOf"), (i, n) -> nestedCompleteness(n, s, sp, vp.child("allOf").index(i), errors));
        forEachIndexed(v.get("anyOf"), (i, n) -> nestedCompleteness(n, s, sp, vp.child("anyOf").index(i), errors));
        forEachIndexed(v.get("oneOf"), (i, n) -> nestedCompleteness(n, s, sp, vp.child("oneOf").index(i), errors));
    }

    private static void nestedCompleteness(JsonNode v, JsonNode s, FieldPath sp, FieldPath vp, List<FieldError> errors) {
        if (v == null || !v.isObject()) {
            return;
        }
        if (s == null || !s.isObject()) {
            errors.add(FieldError.required(sp, "because it is defined in " + vp));
            return;
        }
        completeness(v, s, sp, vp, errors);
        JsonNode items = v.get("items");
        if (items != null && items.isObject()) {
            nestedCompleteness(items, s.get("items"), sp.child("items"), vp.child("items"), errors);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = v.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode declared = s.path("properties").get(e.getKey());
            if (declared == null) {
                errors.add(FieldError.required(sp.child("properties").key(e.getKey()),
                        "because it is defined in " + vp.child("properties").key(e.getKey())));
            } else {
                nestedCompleteness(e.getValue(), declared, sp.child("properties").key(e.getKey()),
                        vp.child("properties").key(e.getKey()), errors);
            }
        }
    }

    // ---- defaults (apiserver/schema/defaulting/validation.go) ----

    private static void defaults(FieldPath p, JsonNode s, boolean resourceRoot, boolean insideMeta,
                                 List<FieldError> errors) {
        boolean embedded = resourceRoot || s.path("x-kubernetes-embedded-resource").asBoolean(false);
        if (embedded) {
            insideMeta = false;
        }
        JsonNode def = s.get("default");
        if (def != null && !def.isNull()) {
            SchemaNode node = SchemaNode.of(s);
            FieldPath at = p.child("default");
            if (insideMeta) {
                errors.addAll(OpenApiValidator.validate(node, def, at));
            } else {
                JsonNode pruned = def.deepCopy();
                Pruning.pruneValue(pruned, node, embedded);
                if (!JsonValues.equal(pruned, def)) {
                    errors.add(FieldError.invalid(at, def, "must not have unknown fields"));
                }
                List<FieldError> meta = EmbeddedResources.validate(at, def, node, embedded);
                if (!meta.isEmpty()) {
                    errors.addAll(meta);
                } else {
                    errors.addAll(OpenApiValidator.validate(node, def, at));
                }
            }
        }
        JsonNode items = s.get("items");
        if (items != null && items.isObject()) {
            defaults(p.child("items"), items, false, insideMeta, errors);
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("properties").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            boolean subInsideMeta = insideMeta || (embedded && META_FIELDS.contains(e.getKey()));
            defaults(p.child("properties").key(e.getKey()), e.getValue(), false, subInsideMeta, errors);
        }
    }

    // ---- per-node OpenAPI rules (apis/apiextensions/validation) ----

    /** What a node's ancestors impose: defaults may be forbidden (with the reason), inside resource meta or not. */
    private record Rules(boolean allowDefaults, String noDefaultsReason, boolean insideResourceMeta) {
        Rules withForbiddenDefaults(String reason) {
            return new Rules(false, reason, insideResourceMeta);
        }

        Rules withInsideResourceMeta() {
            return new Rules(allowDefaults, noDefaultsReason, true);
        }
    }

    private static void openApiRules(JsonNode s, FieldPath p, Rules rules, boolean isRoot, List<FieldError> errors) {
        if (s == null || !s.isObject()) {
            return;
        }
        standardRules(s, p, rules, errors);
        if (s.path("uniqueItems").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("uniqueItems"), "uniqueItems cannot be set to true since the runtime complexity becomes quadratic"));
        }
        JsonNode properties = s.path("properties");
        JsonNode additional = s.get("additionalProperties");
        if (additional != null && !additional.isNull()) {
            if (properties.size() != 0 && (additional.isObject() || (additional.isBoolean() && !additional.booleanValue()))) {
                errors.add(FieldError.forbidden(p.child("additionalProperties"), "additionalProperties and properties are mutual exclusive"));
            }
            Rules sub = rules.insideResourceMeta() ? rules.withForbiddenDefaults("inside additionalProperties applying to object metadata") : rules;
            if (additional.isObject()) {
                openApiRules(additional, p.child("additionalProperties"), sub, false, errors);
            }
        }
        boolean embedded = s.path("x-kubernetes-embedded-resource").asBoolean(false);
        for (Iterator<Map.Entry<String, JsonNode>> it = properties.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            Rules sub = rules;
            if ((isRoot || embedded) && META_FIELDS.contains(e.getKey())) {
                sub = sub.withInsideResourceMeta();
                if (isRoot) {
                    sub = sub.withForbiddenDefaults("in top-level " + e.getKey());
                }
            }
            openApiRules(e.getValue(), p.child("properties").key(e.getKey()), sub, false, errors);
        }
        openApiRules(s.get("not"), p.child("not"), rules, false, errors);
        forEachIndexed(s.get("allOf"), (i, n) -> openApiRules(n, p.child("allOf").index(i), rules, false, errors));
        forEachIndexed(s.get("oneOf"), (i, n) -> openApiRules(n, p.child("oneOf").index(i), rules, false, errors));
        forEachIndexed(s.get("anyOf"), (i, n) -> openApiRules(n, p.child("anyOf").index(i), rules, false, errors));
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("definitions").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            openApiRules(e.getValue(), p.child("definitions").key(e.getKey()), rules, false, errors);
        }
        JsonNode items = s.get("items");
        if (items != null && items.isObject()) {
            openApiRules(items, p.child("items"), rules, false, errors);
        } else if (items != null && items.isArray()) {
            forEachIndexed(items, (i, n) -> openApiRules(n, p.child("items").index(i), rules, false, errors));
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = s.path("dependencies").fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getValue().isObject()) {
                openApiRules(e.getValue(), p.child("dependencies").key(e.getKey()), rules, false, errors);
            }
        }
        extensionRules(s, p, errors);
    }

    private static void standardRules(JsonNode s, FieldPath p, Rules rules, List<FieldError> errors) {
        String type = s.path("type").asText("");
        if (!type.isEmpty() && !OPENAPI_V3_TYPES.contains(type)) {
            errors.add(FieldError.notSupported(p.child("type"), type, OPENAPI_V3_TYPES));
        }
        if (s.has("default") && !s.get("default").isNull() && !rules.allowDefaults()) {
            String detail = "must not be set";
            if (rules.noDefaultsReason() != null && !rules.noDefaultsReason().isEmpty()) {
                detail += " " + rules.noDefaultsReason();
            }
            errors.add(FieldError.forbidden(p.child("default"), detail));
        }
        if (!s.path("id").asText("").isEmpty()) {
            errors.add(FieldError.forbidden(p.child("id"), "id is not supported"));
        }
        if (s.has("additionalItems") && !s.get("additionalItems").isNull()) {
            errors.add(FieldError.forbidden(p.child("additionalItems"), "additionalItems is not supported"));
        }
        if (s.path("patternProperties").size() != 0) {
            errors.add(FieldError.forbidden(p.child("patternProperties"), "patternProperties is not supported"));
        }
        if (s.path("definitions").size() != 0) {
            errors.add(FieldError.forbidden(p.child("definitions"), "definitions is not supported"));
        }
        if (s.has("dependencies") && !s.get("dependencies").isNull()) {
            errors.add(FieldError.forbidden(p.child("dependencies"), "dependencies is not supported"));
        }
        if (s.has("$ref") && !s.get("$ref").isNull()) {
            errors.add(FieldError.forbidden(p.child("$ref"), "$ref is not supported"));
        }
        if (type.equals("null")) {
            errors.add(FieldError.forbidden(p.child("type"), "type cannot be set to null, use nullable as an alternative"));
        }
        if (s.path("items").isArray() && s.path("items").size() != 0) {
            errors.add(FieldError.forbidden(p.child("items"), "items must be a schema object and not an array"));
        }
        if (rules.insideResourceMeta() && s.path("x-kubernetes-embedded-resource").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("x-kubernetes-embedded-resource"), "must not be used inside of resource meta"));
        }
    }

    private static void extensionRules(JsonNode s, FieldPath p, List<FieldError> errors) {
        String type = s.path("type").asText("");
        JsonNode preserve = s.get("x-kubernetes-preserve-unknown-fields");
        if (preserve != null && preserve.isBoolean() && !preserve.booleanValue()) {
            errors.add(FieldError.invalid(p.child("x-kubernetes-preserve-unknown-fields"), false, "must be true or undefined"));
        }
        String mapType = textOrNull(s.get("x-kubernetes-map-type"));
        if (mapType != null && !type.equals("object")) {
            if (type.isEmpty()) {
                errors.add(FieldError.required(p.child("type"), "must be object if x-kubernetes-map-type is specified"));
            } else {
                errors.add(FieldError.invalid(p.child("type"), type, "must be object if x-kubernetes-map-type is specified"));
            }
        }
        if (mapType != null && !mapType.equals("atomic") && !mapType.equals("granular")) {
            errors.add(FieldError.notSupported(p.child("x-kubernetes-map-type"), mapType, List.of("atomic", "granular")));
        }
        String listType = textOrNull(s.get("x-kubernetes-list-type"));
        JsonNode items = s.get("items");
        if (listType != null && !type.equals("array")) {
            if (type.isEmpty()) {
                errors.add(FieldError.required(p.child("type"), "must be array if x-kubernetes-list-type is specified"));
            } else {
                errors.add(FieldError.invalid(p.child("type"), type, "must be array if x-kubernetes-list-type is specified"));
            }
        } else if ("set".equals(listType) && items != null && items.isObject()) {
            String itemType = items.path("type").asText("");
            if (itemType.equals("array")) {
                String itemListType = textOrNull(items.get("x-kubernetes-list-type"));
                if (itemListType != null && !itemListType.equals("atomic")) {
                    errors.add(FieldError.invalid(p.child("items").child("x-kubernetes-list-type"), itemListType,
                            "must be atomic as item of a list with x-kubernetes-list-type=set"));
                }
            } else if (itemType.equals("object")) {
                String itemMapType = textOrNull(items.get("x-kubernetes-map-type"));
                if (!"atomic".equals(itemMapType)) {
                    // The reference shows the item's list type here, a nil pointer for an object.
                    errors.add(FieldError.invalid(p.child("items").child("x-kubernetes-map-type"),
                            new FieldError.GoLiteral("(*string)(nil)"), "must be atomic as item of a list with x-kubernetes-list-type=set"));
                }
            }
        }
        if (listType != null && !listType.equals("atomic") && !listType.equals("set") && !listType.equals("map")) {
            errors.add(FieldError.notSupported(p.child("x-kubernetes-list-type"), listType, List.of("atomic", "set", "map")));
        }
        List<String> mapKeys = strings(s.get("x-kubernetes-list-map-keys"));
        if (!mapKeys.isEmpty()) {
            if (listType == null) {
                errors.add(FieldError.required(p.child("x-kubernetes-list-type"), "must be map if x-kubernetes-list-map-keys is non-empty"));
            } else if (!listType.equals("map")) {
                errors.add(FieldError.invalid(p.child("x-kubernetes-list-type"), listType, "must be map if x-kubernetes-list-map-keys is non-empty"));
            }
        }
        if ("map".equals(listType)) {
            if (mapKeys.isEmpty()) {
                errors.add(FieldError.required(p.child("x-kubernetes-list-map-keys"), "must not be empty if x-kubernetes-list-type is map"));
            }
            if (items == null || items.isNull()) {
                errors.add(FieldError.required(p.child("items"), "must have a schema if x-kubernetes-list-type is map"));
            } else if (!items.isObject()) {
                errors.add(FieldError.invalid(p.child("items"), OpenApiValidator.shown(items), "must only have a single schema if x-kubernetes-list-type is map"));
            } else if (!items.path("type").asText("").equals("object")) {
                errors.add(FieldError.invalid(p.child("items").child("type"), items.path("type").asText(""),
                        "must be object if parent array's x-kubernetes-list-type is map"));
            } else {
                Set<String> seen = new HashSet<>();
                for (String key : mapKeys) {
                    JsonNode keySchema = items.path("properties").get(key);
                    if (keySchema != null) {
                        String keyType = keySchema.path("type").asText("");
                        if (keyType.equals("array") || keyType.equals("object")) {
                            errors.add(FieldError.invalid(p.child("items").child("properties").key(key).child("type"), "object",
                                    "must be a scalar type if parent array's x-kubernetes-list-type is map"));
                        }
                    } else {
                        errors.add(FieldError.invalid(p.child("x-kubernetes-list-map-keys"), mapKeys, "entries must all be names of item properties"));
                    }
                    if (!seen.add(key)) {
                        errors.add(FieldError.invalid(p.child("x-kubernetes-list-map-keys"), mapKeys, "must not contain duplicate entries"));
                    }
                }
            }
        }
        mapListKeysMapSet(s, p, listType, mapKeys, errors);
        celRules(s, p, errors);
    }

    private static void mapListKeysMapSet(JsonNode s, FieldPath p, String listType, List<String> mapKeys, List<FieldError> errors) {
        JsonNode items = s.get("items");
        if (items == null || !items.isObject() || listType == null || !(listType.equals("set") || listType.equals("map"))) {
            return;
        }
        if (items.path("nullable").asBoolean(false)) {
            errors.add(FieldError.forbidden(p.child("items").child("nullable"), "cannot be nullable when x-kubernetes-list-type is " + listType));
        }
        if (!listType.equals("map")) {
            return;
        }
        List<String> required = strings(items.get("required"));
        for (String key : mapKeys) {
            JsonNode keySchema = items.path("properties").get(key);
            if (keySchema == null) {
                continue;
            }
            if (!required.contains(key) && (!keySchema.has("default") || keySchema.get("default").isNull())) {
                errors.add(FieldError.required(p.child("items").child("properties").key(key).child("default"),
                        "this property is in x-kubernetes-list-map-keys, so it must have a default or be a required property"));
            }
            if (keySchema.path("nullable").asBoolean(false)) {
                errors.add(FieldError.forbidden(p.child("items").child("properties").key(key).child("nullable"),
                        "this property is in x-kubernetes-list-map-keys, so it cannot be nullable"));
            }
        }
    }

    /** The static checks of x-kubernetes-validations; the rules themselves are not compiled (see decision 0021). */
    private static void celRules(JsonNode s, FieldPath p, List<FieldError> errors) {
        JsonNode rules = s.get("x-kubernetes-validations");
        if (rules == null || !rules.isArray()) {
            return;
        }
        for (int i = 0; i < rules.size(); i++) {
            JsonNode rule = rules.get(i);
            FieldPath at = p.child("x-kubernetes-validations").index(i);
            String text = rule.path("rule").asText("");
            String message = rule.path("message").asText("");
            String messageExpression = rule.path("messageExpression").asText("");
            if (text.strip().isEmpty()) {
                errors.add(FieldError.required(at.child("rule"), "rule is not specified"));
            } else if (!message.isEmpty() && message.strip().isEmpty()) {
                errors.add(FieldError.invalid(at.child("message"), message, "message must be non-empty if specified"));
            } else if (NEWLINES.matcher(message.strip()).find()) {
                errors.add(FieldError.invalid(at.child("message"), message, "message must not contain line breaks"));
            } else if (NEWLINES.matcher(text.strip()).find() && message.strip().isEmpty()) {
                errors.add(FieldError.required(at.child("message"), "message must be specified if rule contains line breaks"));
            }
            if (!messageExpression.isEmpty() && messageExpression.strip().isEmpty()) {
                errors.add(FieldError.required(at.child("messageExpression"), "messageExpression must be non-empty if specified"));
            }
            String reason = textOrNull(rule.get("reason"));
            if (reason != null && !VALIDATION_REASONS.contains(reason)) {
                errors.add(FieldError.notSupported(at.child("reason"), reason, VALIDATION_REASONS));
            }
            String fieldPath = rule.path("fieldPath").asText("");
            if (!fieldPath.isEmpty() && fieldPath.strip().isEmpty()) {
                errors.add(FieldError.invalid(at.child("fieldPath"), fieldPath, "fieldPath must be non-empty if specified"));
            }
            if (NEWLINES.matcher(fieldPath).find()) {
                errors.add(FieldError.invalid(at.child("fieldPath"), fieldPath, "fieldPath must not contain line breaks"));
            }
        }
    }

    private interface IndexedVisitor {
        void visit(int index, JsonNode node);
    }

    private static void forEachIndexed(JsonNode array, IndexedVisitor visitor) {
        if (array == null || !array.isArray()) {
            return;
        }
        for (int i = 0; i < array.size(); i++) {
            visitor.visit(i, array.get(i));
        }
    }

    private static String textOrNull(JsonNode v) {
        return v != null && v.isTextual() ? v.textValue() : null;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        if (array != null && array.isArray()) {
            array.forEach(v -> out.add(v.asText()));
        }
        return out;
    }
}
