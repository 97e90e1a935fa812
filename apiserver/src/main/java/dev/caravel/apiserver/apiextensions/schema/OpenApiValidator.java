package dev.caravel.apiserver.apiextensions.schema;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Checks a value against a schema the way kube-openapi's validator does for custom resources,
 * and turns each failure into the field error apiextensions-apiserver makes of it.
 *
 * <p>The validator names a value by a dotted path with list indexes as plain steps
 * ({@code spec.ports.1.port}); that name appears both in the message ({@code spec.ports.1.port in
 * body should be greater than or equal to 1}) and, since Kubernetes makes it a single path step,
 * as the error's field. The root is the empty name, so a root property is just its name.
 *
 * <p>Values are classified the way Go sees decoded JSON: a number written without fraction or
 * exponent that fits an int64 is an integer, every other number a float64.
 */
final class OpenApiValidator {

    private static final String IN = "body";

    private final List<FieldError> errors = new ArrayList<>();
    /** Where the validated value sits, or null for an object validated from its root. */
    private final FieldPath base;

    private OpenApiValidator(FieldPath base) {
        this.base = base;
    }

    static List<FieldError> validate(SchemaNode schema, JsonNode value) {
        return validate(schema, value, null);
    }

    /** Validates a value found at {@code base} (a default inside a CRD schema, say): error fields start there. */
    static List<FieldError> validate(SchemaNode schema, JsonNode value, FieldPath base) {
        OpenApiValidator v = new OpenApiValidator(base);
        v.check(schema, "", value, null);
        return v.errors;
    }

    /**
     * Validates an update with Kubernetes' ratcheting (CRDValidationRatcheting, on by default
     * since 1.30): a value equal to the old value at the same place is not validated again, so
     * an object stored under a looser schema can still be updated elsewhere. Places correlate by
     * field name, by map key, by key fields in a list of type map and by value in a set; items of
     * other lists do not correlate.
     */
    static List<FieldError> validateUpdate(SchemaNode schema, JsonNode value, JsonNode old) {
        OpenApiValidator v = new OpenApiValidator(null);
        v.check(schema, "", value, old);
        return v.errors;
    }

    /** The Go kind of a decoded JSON value, with the type and format names the validator infers. */
    enum Kind {
        NULL(null, ""), BOOL("boolean", ""), STRING("string", ""), INT("integer", "int64"),
        FLOAT("number", "float64"), ARRAY("array", ""), OBJECT("object", "");

        final String schemaType;
        final String format;

        Kind(String schemaType, String format) {
            this.schemaType = schemaType;
            this.format = format;
        }

        static Kind of(JsonNode v) {
            if (v == null || v.isNull() || v.isMissingNode()) {
                return NULL;
            }
            if (v.isTextual()) {
                return STRING;
            }
            if (v.isBoolean()) {
                return BOOL;
            }
            if (v.isIntegralNumber()) {
                return v.canConvertToLong() ? INT : FLOAT;
            }
            if (v.isNumber()) {
                return FLOAT;
            }
            if (v.isArray()) {
                return ARRAY;
            }
            return OBJECT;
        }
    }

    private void check(SchemaNode s, String path, JsonNode value, JsonNode old) {
        if (old != null && JsonValues.equal(old, value)) {
            return;
        }
        Kind kind = Kind.of(value);
        if (kind == Kind.NULL) {
            checkType(s, path, value, kind);
            checkEnum(s, path, value);
            return;
        }
        checkType(s, path, value, kind);
        checkCombinators(s, path, value, old);
        if (kind == Kind.STRING) {
            checkString(s, path, value.textValue());
            checkFormat(s, path, value.textValue());
        }
        if (kind == Kind.INT || kind == Kind.FLOAT) {
            checkNumber(s, path, value, kind);
        }
        if (kind == Kind.ARRAY) {
            checkArray(s, path, value, old);
        }
        checkEnum(s, path, value);
        if (kind == Kind.OBJECT) {
            checkObject(s, path, value, old);
        }
    }

    private void checkType(SchemaNode s, String path, JsonNode value, Kind kind) {
        List<String> types = s.validatedTypes();
        if (types.isEmpty() && s.format.isEmpty()) {
            return;
        }
        if (kind == Kind.NULL) {
            if (!types.isEmpty() && !types.contains("null") && !s.nullable) {
                typeInvalid(path, "null", String.join(",", types));
            }
            return;
        }
        boolean isFloatInt = kind == Kind.FLOAT && isIntegral(value) && types.contains("integer");
        boolean isIntFloat = kind == Kind.INT && types.contains("number");
        boolean isLowerInt = s.format.equals("int64") && kind.format.equals("int32");
        boolean isLowerFloat = s.format.equals("float64") && kind.format.equals("float32");
        if (kind != Kind.STRING && kind != Kind.ARRAY && !s.format.isEmpty()
                && !(types.contains(kind.schemaType) || kind.format.equals(s.format) || isFloatInt || isIntFloat
                || isLowerInt || isLowerFloat)) {
            typeInvalid(path, kind.format, s.format);
            return;
        }
        if (!(types.contains("number") || types.contains("integer")) && !s.format.isEmpty()
                && (kind == Kind.STRING || kind == Kind.ARRAY)) {
            return;
        }
        if (!(types.contains(kind.schemaType) || isFloatInt || isIntFloat)) {
            typeInvalid(path, kind.schemaType, String.join(",", types));
        }
    }

    private void typeInvalid(String path, String actual, String expected) {
        String message = name(path) + " in " + IN + " must be of type " + expected + ": " + GoQuote.quote(actual);
        errors.add(FieldError.typeInvalid(field(path), actual, message));
    }

    /**
     * anyOf, oneOf, allOf and not, in kube-openapi's order. Their own failures are composite
     * errors, which Kubernetes reports at the validated object's root with an empty value and the
     * quoted name: {@code : Invalid value: "": "spec.port" must validate at least one schema (anyOf)}.
     */
    private void checkCombinators(SchemaNode s, String path, JsonNode value, JsonNode old) {
        if (!s.anyOf.isEmpty()) {
            List<FieldError> best = null;
            boolean succeeded = false;
            for (SchemaNode sub : s.anyOf) {
                List<FieldError> result = validateAt(sub, path, value, old);
                if (result.isEmpty()) {
                    succeeded = true;
                    best = null;
                    break;
                }
                // The reference keeps the failure that passed most checks; fewest errors stands in for that.
                if (best == null || result.size() < best.size()) {
                    best = result;
                }
            }
            if (!succeeded) {
                composite(GoQuote.quote(path) + " must validate at least one schema (anyOf)");
            }
            if (best != null) {
                errors.addAll(best);
            }
        }
        if (!s.oneOf.isEmpty()) {
            int validated = 0;
            List<FieldError> best = null;
            for (SchemaNode sub : s.oneOf) {
                List<FieldError> result = validateAt(sub, path, value, old);
                if (result.isEmpty()) {
                    validated++;
                    best = null;
                } else if (validated == 0 && (best == null || result.size() < best.size())) {
                    best = result;
                }
            }
            if (validated != 1) {
                composite(GoQuote.quote(path) + " must validate one and only one schema (oneOf). "
                        + (validated == 0 ? "Found none valid" : "Found " + validated + " valid alternatives"));
                if (best != null) {
                    errors.addAll(best);
                }
            }
        }
        if (!s.allOf.isEmpty()) {
            int validated = 0;
            for (SchemaNode sub : s.allOf) {
                List<FieldError> result = validateAt(sub, path, value, old);
                if (result.isEmpty()) {
                    validated++;
                }
                errors.addAll(result);
            }
            if (validated != s.allOf.size()) {
                composite(GoQuote.quote(path) + " must validate all the schemas (allOf)" + (validated == 0 ? ". None validated" : ""));
            }
        }
        if (s.not != null && validateAt(s.not, path, value, old).isEmpty()) {
            composite(GoQuote.quote(path) + " must not validate the schema (not)");
        }
    }

    private void composite(String message) {
        errors.add(FieldError.invalid(base == null ? FieldPath.of("") : base, "", message));
    }

    private List<FieldError> validateAt(SchemaNode s, String path, JsonNode value, JsonNode old) {
        OpenApiValidator v = new OpenApiValidator(base);
        v.check(s, path, value, old);
        return v.errors;
    }

    private void checkString(SchemaNode s, String path, String text) {
        long runes = text.codePointCount(0, text.length());
        if (s.maxLength != null && runes > s.maxLength) {
            // kube-openapi does not hand the limit over, so Kubernetes reports no number here.
            errors.add(FieldError.tooLong(field(path), -1));
            return;
        }
        if (s.minLength != null && runes < s.minLength) {
            invalid(path, text, name(path) + " in " + IN + " should be at least " + s.minLength + " chars long");
            return;
        }
        if (s.compiledPattern != null && !s.compiledPattern.matcher(text).find()) {
            invalid(path, text, name(path) + " in " + IN + " should match '" + s.pattern + "'");
        }
    }

    private void checkFormat(SchemaNode s, String path, String text) {
        if (s.format.isEmpty() || !StringFormats.isKnown(s.format)) {
            return;
        }
        if (!StringFormats.validates(s.format, text)) {
            typeInvalid(path, text, s.format);
        }
    }

    private void checkNumber(SchemaNode s, String path, JsonNode value, Kind kind) {
        BigDecimal data = value.decimalValue();
        List<FieldError> found = new ArrayList<>(3);
        if (s.multipleOf != null) {
            if (kind == Kind.INT) {
                long factor = s.multipleOf.longValue();
                if (factor != 0 && value.longValue() % factor != 0) {
                    found.add(numberError(path, value, "should be a multiple of " + factor));
                }
            } else {
                double factor = s.multipleOf.doubleValue();
                double d = value.doubleValue();
                double mult = factor < 1 ? (1 / factor) * d : d / factor;
                if (!isIntegral(mult)) {
                    found.add(numberError(path, value, "should be a multiple of " + FieldError.show(factor)));
                }
            }
        }
        FieldError min = null;
        if (s.minimum != null) {
            int c = data.compareTo(kind == Kind.INT ? truncated(s.minimum) : s.minimum);
            if (s.exclusiveMinimum ? c <= 0 : c < 0) {
                min = numberError(path, value, (s.exclusiveMinimum ? "should be greater than " : "should be greater than or equal to ")
                        + bound(s.minimum, kind));
            }
        }
        FieldError max = null;
        if (s.maximum != null) {
            int c = data.compareTo(kind == Kind.INT ? truncated(s.maximum) : s.maximum);
            if (s.exclusiveMaximum ? c >= 0 : c > 0) {
                max = numberError(path, value, (s.exclusiveMaximum ? "should be less than " : "should be less than or equal to ")
                        + bound(s.maximum, kind));
            }
        }
        // kube-openapi merges multipleOf, then minimum, then maximum.
        errors.addAll(found);
        if (min != null) {
            errors.add(min);
        }
        if (max != null) {
            errors.add(max);
        }
    }

    /** Go converts a float bound to int64 when checking an integer: the fraction is dropped. */
    private static BigDecimal truncated(BigDecimal bound) {
        return new BigDecimal(bound.toBigInteger());
    }

    /** A bound as Go's %v prints it: an int64 for integer data, a float64 otherwise. */
    private static String bound(BigDecimal bound, Kind kind) {
        if (kind == Kind.INT) {
            return bound.toBigInteger().toString();
        }
        return FieldError.show(bound.doubleValue());
    }

    private FieldError numberError(String path, JsonNode value, String what) {
        return FieldError.invalid(field(path), shown(value), name(path) + " in " + IN + " " + what);
    }

    private void checkArray(SchemaNode s, String path, JsonNode array, JsonNode old) {
        if (s.items != null) {
            for (int i = 0; i < array.size(); i++) {
                check(s.items, path + "." + i, array.get(i), correlatedItem(s, array.get(i), old));
            }
        }
        if (s.minItems != null && array.size() < s.minItems) {
            invalid(path, array, name(path) + " in " + IN + " should have at least " + s.minItems + " items");
        }
        if (s.maxItems != null && array.size() > s.maxItems) {
            // The validator hands over neither count nor limit in a form Kubernetes reads.
            errors.add(FieldError.tooMany(field(path), -1, -1));
        }
        if (s.uniqueItems && hasDuplicates(array)) {
            invalid(path, "", name(path) + " in " + IN + " shouldn't contain duplicates");
        }
    }

    private void checkEnum(SchemaNode s, String path, JsonNode value) {
        if (s.enumValues == null || s.enumValues.isEmpty()) {
            return;
        }
        // A null never matches, not even a null in the enum: the reference compares by Go type first.
        if (Kind.of(value) != Kind.NULL) {
            for (JsonNode allowed : s.enumValues) {
                if (!allowed.isNull() && JsonValues.equal(allowed, value)) {
                    return;
                }
            }
        }
        List<String> supported = new ArrayList<>(s.enumValues.size());
        for (JsonNode allowed : s.enumValues) {
            supported.add(allowed.isTextual() ? allowed.textValue() : allowed.toString());
        }
        errors.add(FieldError.notSupported(field(path), shown(value), supported));
    }

    private void checkObject(SchemaNode s, String path, JsonNode object, JsonNode old) {
        int keys = object.size();
        if (s.minProperties != null && keys < s.minProperties) {
            invalid(path, s.minProperties, name(path) + " in " + IN + " should have at least " + s.minProperties + " properties");
            return;
        }
        if (s.maxProperties != null && keys > s.maxProperties) {
            // Kubernetes reads the limit the validator hands over as the actual count.
            errors.add(FieldError.tooMany(field(path), s.maxProperties.intValue(), -1));
            return;
        }
        if (s.additionalPropertiesForbidden) {
            for (Iterator<String> it = object.fieldNames(); it.hasNext(); ) {
                String key = it.next();
                if (!s.properties.containsKey(key)) {
                    invalid(path, key, name(path) + "." + key + " in " + IN + " is a forbidden property");
                }
            }
        } else if (s.additionalProperties != null) {
            for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                if (!s.properties.containsKey(e.getKey())) {
                    check(s.additionalProperties, path + "." + e.getKey(), e.getValue(), field(old, e.getKey()));
                }
            }
        }
        for (Map.Entry<String, SchemaNode> p : s.properties.entrySet()) {
            JsonNode v = object.get(p.getKey());
            if (v != null) {
                check(p.getValue(), path.isEmpty() ? p.getKey() : path + "." + p.getKey(), v, field(old, p.getKey()));
            }
        }
        for (String required : s.required) {
            if (!object.has(required)) {
                errors.add(FieldError.required(field(path + "." + required), ""));
            }
        }
    }

    private static JsonNode field(JsonNode old, String name) {
        return old != null && old.isObject() ? old.get(name) : null;
    }

    /** The old item an item is compared with when ratcheting: same key fields (map lists) or same value (sets). */
    private static JsonNode correlatedItem(SchemaNode s, JsonNode item, JsonNode old) {
        if (old == null || !old.isArray() || s.listType == null) {
            return null;
        }
        if (s.listType.equals("set")) {
            for (JsonNode candidate : old) {
                if (JsonValues.equal(candidate, item)) {
                    return candidate;
                }
            }
            return null;
        }
        if (s.listType.equals("map") && item.isObject() && !s.listMapKeys.isEmpty()) {
            for (JsonNode candidate : old) {
                if (candidate.isObject() && sameKeys(s.listMapKeys, candidate, item)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static boolean sameKeys(List<String> keys, JsonNode a, JsonNode b) {
        for (String key : keys) {
            if (!JsonValues.equal(a.get(key), b.get(key))) {
                return false;
            }
        }
        return true;
    }

    private void invalid(String path, Object value, String message) {
        errors.add(FieldError.invalid(field(path), value instanceof JsonNode node ? shown(node) : value, message));
    }

    /** The value as Kubernetes shows a decoded JSON value: int64 and float64 bare, strings quoted. */
    static Object shown(JsonNode value) {
        return switch (Kind.of(value)) {
            case NULL -> null;
            case STRING -> value.textValue();
            case INT -> value.longValue();
            case FLOAT -> value.doubleValue();
            case BOOL -> value.booleanValue();
            default -> value;
        };
    }

    /** The validator's name of a value: the empty root is written as nothing. */
    private static String name(String path) {
        return path;
    }

    /** Kubernetes turns the validator's name into one path step, without the leading dot. */
    private FieldPath field(String path) {
        String trimmed = path.startsWith(".") ? path.substring(1) : path;
        if (base == null) {
            return FieldPath.of(trimmed);
        }
        return trimmed.isEmpty() ? base : base.child(trimmed);
    }

    private static boolean isIntegral(JsonNode number) {
        return isIntegral(number.doubleValue());
    }

    /** The largest magnitude a JSON number keeps as an exact integer (2^53). */
    private static final double MAX_JSON_INTEGER = 9007199254740992.0;
    private static final double EPSILON = 1e-9;

    /**
     * go-openapi's IsFloat64AJSONInteger: whole within a relative error of 1e-9, after truncating
     * toward zero as Go's conversion does (so 3.0000000000000004 is whole, 2.9999999999999996 not).
     */
    private static boolean isIntegral(double f) {
        if (Double.isNaN(f) || Double.isInfinite(f) || f < -MAX_JSON_INTEGER || f > MAX_JSON_INTEGER) {
            return false;
        }
        double g = f < 0 ? Math.ceil(f) : Math.floor(f);
        if (f == g) {
            return true;
        }
        double diff = Math.abs(f - g);
        if (g == 0 || diff < Double.MIN_VALUE) {
            return diff < EPSILON * Double.MIN_VALUE;
        }
        return diff / Math.min(Math.abs(f) + Math.abs(g), Double.MAX_VALUE) < EPSILON;
    }

    private static boolean hasDuplicates(JsonNode array) {
        for (int i = 0; i < array.size(); i++) {
            for (int j = i + 1; j < array.size(); j++) {
                if (JsonValues.equal(array.get(i), array.get(j))) {
                    return true;
                }
            }
        }
        return false;
    }
}
