package dev.caravel.apiserver.api;

import com.fasterxml.jackson.databind.JsonNode;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;

/**
 * One field-level validation error, Kubernetes' field.Error. Its {@link #errorBody()} becomes a
 * cause's message and {@code field: body} a part of the Invalid message, so both are built here
 * exactly as Kubernetes builds them: the value shown the way Go's fmt shows it ({@code "foo"}
 * quoted, {@code 3} bare, {@code []string{"a", "b"}} for string lists), hidden for Required,
 * Forbidden, TooLong and Internal.
 *
 * @param shownValue the bad value as already rendered for the message, or null when not shown
 */
public record FieldError(Type type, String field, String shownValue, String detail) {

    /** The field.ErrorType values: each is a {@link CauseType} and has its own words in messages. */
    public enum Type {
        NOT_FOUND(CauseType.FIELD_VALUE_NOT_FOUND, "Not found", true),
        REQUIRED(CauseType.FIELD_VALUE_REQUIRED, "Required value", false),
        DUPLICATE(CauseType.FIELD_VALUE_DUPLICATE, "Duplicate value", true),
        INVALID(CauseType.FIELD_VALUE_INVALID, "Invalid value", true),
        NOT_SUPPORTED(CauseType.FIELD_VALUE_NOT_SUPPORTED, "Unsupported value", true),
        FORBIDDEN(CauseType.FIELD_VALUE_FORBIDDEN, "Forbidden", false),
        TOO_LONG(CauseType.FIELD_VALUE_TOO_LONG, "Too long", false),
        TOO_MANY(CauseType.FIELD_VALUE_TOO_MANY, "Too many", true),
        INTERNAL(CauseType.INTERNAL, "Internal error", false),
        TYPE_INVALID(CauseType.FIELD_VALUE_TYPE_INVALID, "Invalid value", true);

        private final CauseType causeType;
        private final String words;
        private final boolean showsValue;

        Type(CauseType causeType, String words, boolean showsValue) {
            this.causeType = causeType;
            this.words = words;
            this.showsValue = showsValue;
        }

        public CauseType causeType() {
            return causeType;
        }

        /** The words that start the message: {@code Required value}, {@code Unsupported value}... */
        public String words() {
            return words;
        }
    }

    /**
     * A value already written the way Go would print it, for the few messages whose value Java
     * types cannot express (Go's {@code []string(nil)}, a typed struct...).
     */
    public record GoLiteral(String text) {
        public GoLiteral {
            Objects.requireNonNull(text, "text");
        }
    }

    /** Pass as the value to leave it out of the message (Kubernetes' omitValue). */
    public static final Object OMIT_VALUE = new Object() {
        @Override
        public String toString() {
            return "<omitted>";
        }
    };

    public FieldError {
        Objects.requireNonNull(type, "type");
        field = field == null ? "" : field;
        detail = detail == null ? "" : detail;
    }

    private static FieldError of(Type type, FieldPath path, Object value, String detail) {
        String shown = value == OMIT_VALUE ? null : show(value);
        return new FieldError(type, String.valueOf(path), shown, detail);
    }

    public static FieldError required(FieldPath path, String detail) {
        return of(Type.REQUIRED, path, OMIT_VALUE, detail);
    }

    public static FieldError invalid(FieldPath path, Object value, String detail) {
        return of(Type.INVALID, path, value, detail);
    }

    /** Kubernetes' ValidateImmutableField: the new value shown, {@code field is immutable}. */
    public static FieldError immutable(FieldPath path, Object newValue) {
        return of(Type.INVALID, path, newValue, "field is immutable");
    }

    public static FieldError typeInvalid(FieldPath path, Object value, String detail) {
        return of(Type.TYPE_INVALID, path, value, detail);
    }

    public static FieldError notFound(FieldPath path, Object value) {
        return of(Type.NOT_FOUND, path, value, "");
    }

    public static FieldError duplicate(FieldPath path, Object value) {
        return of(Type.DUPLICATE, path, value, "");
    }

    /** The supported values are listed Go-quoted, in the order given: {@code supported values: "a", "b"}. */
    public static FieldError notSupported(FieldPath path, Object value, List<String> supported) {
        String detail = "";
        if (supported != null && !supported.isEmpty()) {
            List<String> quoted = new ArrayList<>(supported.size());
            for (String s : supported) {
                quoted.add(GoQuote.quote(s));
            }
            detail = "supported values: " + String.join(", ", quoted);
        }
        return of(Type.NOT_SUPPORTED, path, value, detail);
    }

    public static FieldError forbidden(FieldPath path, String detail) {
        return of(Type.FORBIDDEN, path, OMIT_VALUE, detail);
    }

    /** The value itself is never shown (it may be huge); the limit is, in bytes as Kubernetes 1.32+ words it. */
    public static FieldError tooLong(FieldPath path, int maxLength) {
        String detail = maxLength >= 0
                ? "may not be more than " + maxLength + (maxLength == 1 ? " byte" : " bytes")
                : "value is too long";
        return of(Type.TOO_LONG, path, OMIT_VALUE, detail);
    }

    /** {@code actual} below zero leaves the count out; {@code max} below zero leaves the limit out. */
    public static FieldError tooMany(FieldPath path, int actual, int max) {
        String detail = max >= 0 ? "must have at most " + max + " items" : "has too many items";
        return of(Type.TOO_MANY, path, actual >= 0 ? (Object) actual : OMIT_VALUE, detail);
    }

    public static FieldError internal(FieldPath path, String message) {
        return of(Type.INTERNAL, path, OMIT_VALUE, message);
    }

    /** The message without the field: {@code Invalid value: "foo": must be lowercase}. */
    public String errorBody() {
        StringBuilder s = new StringBuilder(type.words());
        if (type.showsValue && shownValue != null) {
            s.append(": ").append(shownValue);
        }
        if (!detail.isEmpty()) {
            s.append(": ").append(detail);
        }
        return s.toString();
    }

    public StatusCause toCause() {
        return new StatusCause(type.causeType(), errorBody(), field);
    }

    /** {@code field: body}, the error's part in an aggregated message. */
    @Override
    public String toString() {
        return field + ": " + errorBody();
    }

    /**
     * The message Kubernetes makes of an error list (field.ErrorList.ToAggregate): duplicates
     * dropped, one error bare, several as {@code [a, b]}. Empty for an empty list.
     */
    public static String aggregate(List<FieldError> errors) {
        Set<String> messages = new LinkedHashSet<>();
        for (FieldError e : errors) {
            messages.add(e.toString());
        }
        return aggregateMessages(List.copyOf(messages));
    }

    /** utilerrors.Aggregate's Error(): distinct messages, bracketed when more than one. */
    public static String aggregateMessages(List<String> messages) {
        Set<String> distinct = new LinkedHashSet<>(messages);
        if (distinct.isEmpty()) {
            return "";
        }
        if (distinct.size() == 1) {
            return distinct.iterator().next();
        }
        return "[" + String.join(", ", distinct) + "]";
    }

    /** How Go's fmt prints a value in a field error (see {@link FieldError}). */
    public static String show(Object value) {
        if (value == null) {
            return GoQuote.quote("null");
        }
        if (value instanceof GoLiteral literal) {
            return literal.text();
        }
        if (value instanceof String s) {
            return GoQuote.quote(s);
        }
        if (value instanceof Double d) {
            return goFloat(d);
        }
        if (value instanceof Float f) {
            return goFloat(f.doubleValue());
        }
        if (value instanceof Number || value instanceof Boolean) {
            return value.toString();
        }
        if (value instanceof Enum<?> e) {
            return GoQuote.quote(e.toString());
        }
        if (value instanceof List<?> list && list.stream().allMatch(v -> v instanceof String)) {
            List<String> quoted = new ArrayList<>(list.size());
            for (Object v : list) {
                quoted.add(GoQuote.quote((String) v));
            }
            return "[]string{" + String.join(", ", quoted) + "}";
        }
        if (value instanceof JsonNode node) {
            if (node.isTextual()) {
                return GoQuote.quote(node.textValue());
            }
            if (node.isNull() || node.isMissingNode()) {
                return GoQuote.quote("null");
            }
            return goInterface(node);
        }
        if (value instanceof Map<?, ?> map && map.keySet().stream().allMatch(k -> k instanceof String)
                && map.values().stream().allMatch(v -> v instanceof String)) {
            // Go prints a map[string]string with its keys sorted.
            Map<String, String> sorted = new TreeMap<>();
            map.forEach((k, v) -> sorted.put((String) k, (String) v));
            List<String> parts = new ArrayList<>();
            sorted.forEach((k, v) -> parts.add(GoQuote.quote(k) + ":" + GoQuote.quote(v)));
            return "map[string]string{" + String.join(", ", parts) + "}";
        }
        return value.toString();
    }

    /**
     * Go's {@code %#v} of a decoded JSON value (unstructured content): {@code map[string]interface {}{...}},
     * {@code []interface {}{...}}, integers as int64 and other numbers as float64.
     */
    private static String goInterface(JsonNode node) {
        if (node.isTextual()) {
            return GoQuote.quote(node.textValue());
        }
        if (node.isIntegralNumber()) {
            return node.asText();
        }
        if (node.isNumber()) {
            return goFloat(node.doubleValue());
        }
        if (node.isBoolean()) {
            return node.asText();
        }
        if (node.isNull()) {
            return "interface {}(nil)";
        }
        if (node.isArray()) {
            List<String> parts = new ArrayList<>();
            for (JsonNode element : node) {
                parts.add(goInterface(element));
            }
            return "[]interface {}{" + String.join(", ", parts) + "}";
        }
        Map<String, JsonNode> sorted = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            sorted.put(entry.getKey(), entry.getValue());
        }
        List<String> parts = new ArrayList<>();
        sorted.forEach((k, v) -> parts.add(GoQuote.quote(k) + ":" + goInterface(v)));
        return "map[string]interface {}{" + String.join(", ", parts) + "}";
    }

    /** Go's {@code %v} of a float64: the shortest form, plain between 1e-4 and 1e21, else with an exponent. */
    static String goFloat(double d) {
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == 0) {
            return (1 / d < 0) ? "-0" : "0";
        }
        BigDecimal shortest = new BigDecimal(Double.toString(d)).stripTrailingZeros();
        double abs = Math.abs(d);
        if (abs >= 1e-4 && abs < 1e21) {
            return shortest.toPlainString();
        }
        String digits = shortest.unscaledValue().abs().toString();
        int exponent = digits.length() - 1 - shortest.scale();
        String mantissa = digits.length() == 1 ? digits : digits.charAt(0) + "." + digits.substring(1);
        String sign = d < 0 ? "-" : "";
        String expSign = exponent < 0 ? "-" : "+";
        int expAbs = Math.abs(exponent);
        return sign + mantissa + "e" + expSign + (expAbs < 10 ? "0" : "") + expAbs;
    }
}
