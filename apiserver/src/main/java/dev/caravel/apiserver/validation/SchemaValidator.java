package dev.caravel.apiserver.validation;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.StatusException;
import dev.caravel.apiserver.request.FieldValidation;
import dev.caravel.apiserver.schema.GroupVersionKind;
import dev.caravel.apiserver.schema.Schema;
import dev.caravel.apiserver.schema.SchemaCatalogue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Checks an object against its built-in type's OpenAPI schema the way Kubernetes' decoder does
 * when it turns JSON into a Go struct: the first wrong-typed value fails the request (400,
 * {@code json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type
 * int32}), and fields the struct does not have are dropped, reported (fieldValidation Warn) or
 * refused (Strict) as {@code unknown field "spec.foo"}.
 *
 * <p>The Go names in type errors are derived from the schema: a definition
 * {@code io.k8s.api.apps.v1.DeploymentSpec} is Go's {@code v1.DeploymentSpec}; like Go, the
 * field path of a type error names struct fields only (no list indexes).
 */
public final class SchemaValidator {

    /** sigs.k8s.io/json stops collecting strict errors at this many. */
    private static final int MAX_STRICT_ERRORS = 100;

    private static final String QUANTITY = "io.k8s.apimachinery.pkg.api.resource.Quantity";

    private final SchemaCatalogue catalogue;

    public SchemaValidator(SchemaCatalogue catalogue) {
        this.catalogue = catalogue;
    }

    public static SchemaValidator kubernetes() {
        return new SchemaValidator(SchemaCatalogue.kubernetes());
    }

    /**
     * What decoding found.
     *
     * @param typeError    Go's first decoding error ({@code json: cannot unmarshal ...}), if any
     * @param strictErrors unknown and duplicate fields in document order:
     *                     {@code unknown field "spec.foo"}, {@code duplicate field "spec.replicas"}
     */
    public record Decoding(Optional<String> typeError, List<String> strictErrors) {
        public Decoding {
            strictErrors = List.copyOf(strictErrors);
        }
    }

    /**
     * Decodes a request body's object as Kubernetes does for the directive: throws 400 for a type
     * error, or (Strict) for unknown or duplicate fields; otherwise drops the unknown fields from
     * {@code object} and returns the texts for Warning headers (none for Ignore).
     *
     * @param duplicateFields the duplicates {@link StrictJson} found in the body, or empty for a
     *                        tree that was not parsed from bytes (a patch result)
     * @throws StatusException 400 BadRequest: {@code Deployment in version "v1" cannot be handled
     *                         as a Deployment: strict decoding error: unknown field "spec.foo"}
     */
    public List<String> decode(GroupVersionKind kind, ObjectNode object, List<String> duplicateFields,
                               FieldValidation directive) {
        Decoding decoding = inspect(kind, object, duplicateFields, true);
        if (decoding.typeError().isPresent()) {
            throw StatusException.cannotBeHandledAs(kind.kind(), kind.version(), kind.kind(),
                    decoding.typeError().get());
        }
        if (decoding.strictErrors().isEmpty()) {
            return List.of();
        }
        return switch (directive) {
            case STRICT -> throw StatusException.cannotBeHandledAs(kind.kind(), kind.version(), kind.kind(),
                    strictDecodingError(decoding.strictErrors()));
            case WARN -> decoding.strictErrors();
            case IGNORE -> List.of();
        };
    }

    /** runtime.strictDecodingError's text: {@code strict decoding error: <e1>, <e2>}. */
    public static String strictDecodingError(List<String> strictErrors) {
        return "strict decoding error: " + String.join(", ", strictErrors);
    }

    /**
     * Walks the object against its kind's schema. With {@code prune}, unknown fields are removed
     * from the tree, as decoding into a Go struct loses them. A kind without a schema is left
     * alone (nothing to report).
     */
    public Decoding inspect(GroupVersionKind kind, ObjectNode object, List<String> duplicateFields, boolean prune) {
        Optional<Schema> schema = catalogue.forKind(kind);
        Walk walk = new Walk(duplicateFields, prune);
        if (schema.isPresent()) {
            walk.object(schema.get().resolved(), object, Context.root(kind.kind()));
        } else {
            // Decoded without a type (unstructured), every duplicate counts.
            for (String d : duplicateFields) {
                walk.strict("duplicate field " + quote(d));
            }
        }
        // Duplicates the walk did not meet lie inside unknown fields or free-form values (a
        // RawExtension keeps its bytes): Go's typed decoder does not look there, so neither do we.
        return new Decoding(Optional.ofNullable(walk.typeError), List.copyOf(walk.strictErrors));
    }

    /**
     * The fields the schema's {@code required} lists name that are absent or null, as
     * {@code Required value} errors. OpenAPI marks fewer fields than Go validation enforces and
     * words none of them, so per-kind validators come first; this covers the rest.
     */
    public List<FieldError> requiredFields(GroupVersionKind kind, JsonNode object) {
        List<FieldError> errors = new ArrayList<>();
        catalogue.forKind(kind).ifPresent(schema -> required(schema, object, null, errors, 0));
        return errors;
    }

    /**
     * Only a field left out counts as missing: Go clients write a nil slice or map of a field
     * without omitempty as null (an EndpointSlice's endpoints), and Kubernetes accepts that.
     * Status is never checked: controllers own it and Go validation does not require its fields
     * (a Node's nodeInfo lists ten "required" strings that kubelets leave empty).
     */
    private static boolean missing(JsonNode object, String name) {
        return !object.has(name);
    }

    private void required(Schema node, JsonNode value, FieldPath path, List<FieldError> errors, int depth) {
        if (value == null || value.isNull() || depth > 64) {
            return;
        }
        Schema type = node.resolved();
        if (value.isObject() && !type.properties().isEmpty()) {
            for (String name : type.required()) {
                if (missing(value, name)) {
                    errors.add(FieldError.required(child(path, name), ""));
                }
            }
            for (Map.Entry<String, Schema> p : type.properties().entrySet()) {
                JsonNode v = value.get(p.getKey());
                if (v != null && !(path == null && p.getKey().equals("status"))) {
                    required(p.getValue(), v, child(path, p.getKey()), errors, depth + 1);
                }
            }
        } else if (value.isArray() && type.items().isPresent()) {
            for (int i = 0; i < value.size(); i++) {
                required(type.items().get(), value.get(i), path == null ? FieldPath.ofIndex(i) : path.index(i),
                        errors, depth + 1);
            }
        } else if (value.isObject() && type.additionalProperties().isPresent()) {
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                required(type.additionalProperties().get(), e.getValue(),
                        path == null ? FieldPath.ofKey(e.getKey()) : path.key(e.getKey()), errors, depth + 1);
            }
        }
    }

    private static FieldPath child(FieldPath path, String name) {
        return path == null ? FieldPath.of(name) : path.child(name);
    }

    /**
     * Where the walk is: the strict path ({@code spec.containers[0].foo}), Go's field stack for
     * type errors ({@code spec.containers}, names only) and the Go struct holding the field.
     */
    private record Context(String strictPath, String goFields, String goStruct) {
        static Context root(String kind) {
            return new Context("", "", kind);
        }

        Context field(String name, String holderStruct) {
            return new Context(strictPath.isEmpty() ? name : strictPath + "." + name,
                    goFields.isEmpty() ? name : goFields + "." + name, holderStruct);
        }

        Context index(int i) {
            return new Context(strictPath + "[" + i + "]", goFields, goStruct);
        }

        Context key(String key) {
            return new Context(strictPath.isEmpty() ? key : strictPath + "." + key, goFields, goStruct);
        }

        String strictChild(String name) {
            return strictPath.isEmpty() ? name : strictPath + "." + name;
        }
    }

    private final class Walk {
        private final Set<String> pendingDuplicates;
        private final boolean prune;
        private final Set<String> strictErrors = new LinkedHashSet<>();
        private String typeError;

        Walk(List<String> duplicates, boolean prune) {
            this.pendingDuplicates = new LinkedHashSet<>(duplicates);
            this.prune = prune;
        }

        void strict(String message) {
            if (strictErrors.size() < MAX_STRICT_ERRORS) {
                strictErrors.add(message);
            }
        }

        void typeError(JsonNode value, Schema node, Context at) {
            typeError(goValueWord(value), node, at);
        }

        void typeError(String valueWord, Schema node, Context at) {
            if (typeError != null) {
                return; // Go keeps only the first
            }
            String goType = goType(node, 0);
            typeError = at.goFields().isEmpty()
                    ? "json: cannot unmarshal " + valueWord + " into Go value of type " + goType
                    : "json: cannot unmarshal " + valueWord + " into Go struct field " + at.goStruct() + "."
                    + at.goFields() + " of type " + goType;
        }

        /** A value where the schema node {@code node} (as written) applies. */
        void value(Schema node, JsonNode value, Context at) {
            if (value == null || value.isNull()) {
                return; // Go leaves the zero value for null
            }
            Schema type = node.resolved();
            if (type.preservesUnknownFields() || type.embeddedResource()) {
                return;
            }
            if (type.intOrString()) {
                // IntOrString's own UnmarshalJSON reads a non-string into an int32, without context.
                boolean int32 = value.isIntegralNumber() && fitsInteger(value, "int32");
                if (!value.isTextual() && !int32 && typeError == null) {
                    typeError = "json: cannot unmarshal " + (value.isNumber() ? "number " + numberText(value)
                            : goValueWord(value)) + " into Go value of type int32";
                }
                return;
            }
            if (QUANTITY.equals(type.definitionName().orElse(null))) {
                String problem = value.isNumber() ? null
                        : value.isTextual() ? quantityProblem(value.textValue()) : QUANTITY_FORMAT_ERROR;
                if (problem != null && typeError == null) {
                    typeError = problem;
                }
                return;
            }
            String t = type.type().orElse(type.properties().isEmpty() ? "" : "object");
            switch (t) {
                case "object" -> {
                    if (!value.isObject()) {
                        typeError(value, node, at);
                    } else {
                        object(type, (ObjectNode) value, at);
                    }
                }
                case "array" -> {
                    if (!value.isArray()) {
                        typeError(value, node, at);
                        return;
                    }
                    Optional<Schema> items = type.items();
                    if (items.isPresent()) {
                        for (int i = 0; i < value.size(); i++) {
                            value(items.get(), value.get(i), at.index(i));
                        }
                    }
                }
                case "string" -> string(type, node, value, at);
                case "integer" -> {
                    if (!value.isNumber()) {
                        typeError(value, node, at);
                    } else if (!fitsInteger(value, type.format().orElse("int64"))) {
                        typeError("number " + numberText(value), node, at);
                    }
                }
                case "number" -> {
                    if (!value.isNumber()) {
                        typeError(value, node, at);
                    }
                }
                case "boolean" -> {
                    if (!value.isBoolean()) {
                        typeError(value, node, at);
                    }
                }
                default -> {
                    // untyped ({} or free-form): anything goes
                }
            }
        }

        private void string(Schema type, Schema node, JsonNode value, Context at) {
            if (!value.isTextual()) {
                if ("date-time".equals(type.format().orElse(null))) {
                    // metav1.Time reads a JSON string first
                    if (typeError == null) {
                        typeError = "json: cannot unmarshal " + goValueWord(value) + " into Go value of type string";
                    }
                } else {
                    typeError(value, node, at);
                }
                return;
            }
            String format = type.format().orElse("");
            if (format.equals("byte")) {
                int bad = firstBadBase64Byte(value.textValue());
                if (bad >= 0 && typeError == null) {
                    typeError = "illegal base64 data at input byte " + bad;
                }
            } else if (format.equals("date-time") && !value.textValue().isEmpty()) {
                try {
                    OffsetDateTime.parse(value.textValue());
                } catch (DateTimeParseException e) {
                    if (typeError == null) {
                        typeError = "parsing time " + quote(value.textValue())
                                + " as \"2006-01-02T15:04:05Z07:00\": cannot parse " + quote(value.textValue())
                                + " as \"2006\"";
                    }
                }
            }
        }

        void object(Schema type, ObjectNode value, Context at) {
            Map<String, Schema> properties = type.properties();
            Optional<Schema> additional = type.additionalProperties();
            if (properties.isEmpty()) {
                if (additional.isPresent()) {
                    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                        Map.Entry<String, JsonNode> e = it.next();
                        Context entry = at.key(e.getKey());
                        if (pendingDuplicates.remove(entry.strictPath())) {
                            strict("duplicate field " + quote(entry.strictPath()));
                        }
                        value(additional.get(), e.getValue(), entry);
                    }
                }
                return; // a free-form object (RawExtension, FieldsV1...)
            }
            String holder = goStructName(type);
            List<String> unknown = new ArrayList<>();
            for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> e = it.next();
                String name = e.getKey();
                String path = at.strictChild(name);
                Schema property = properties.get(name);
                boolean known = property != null || additional.isPresent() || type.allowsAdditionalProperties();
                // A field both unknown and repeated is reported as unknown only, as Go's typed decoder does.
                if (pendingDuplicates.remove(path) && known) {
                    strict("duplicate field " + quote(path));
                }
                if (property != null) {
                    value(property, e.getValue(), at.field(name, holder));
                } else if (additional.isPresent()) {
                    value(additional.get(), e.getValue(), at.key(name));
                } else if (!type.allowsAdditionalProperties()) {
                    strict("unknown field " + quote(path));
                    unknown.add(name);
                }
            }
            if (prune) {
                value.remove(unknown);
            }
        }
    }

    private static final String QUANTITY_FORMAT_ERROR = "quantities must match the regular expression "
            + "'^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    private static final Pattern QUANTITY_PATTERN =
            Pattern.compile("^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$");
    private static final Pattern QUANTITY_EXPONENT = Pattern.compile("^[eE][-+]?[0-9]+$");
    private static final Set<String> QUANTITY_SUFFIXES = Set.of("", "n", "u", "m", "k", "M", "G", "T", "P", "E",
            "Ki", "Mi", "Gi", "Ti", "Pi", "Ei");

    /** resource.ParseQuantity's complaint about a quantity string, or null when it parses. */
    static String quantityProblem(String text) {
        Matcher m = QUANTITY_PATTERN.matcher(text.strip());
        if (text.isEmpty() || !m.matches()) {
            return QUANTITY_FORMAT_ERROR;
        }
        String number = m.group(1);
        if (number.chars().filter(c -> c == '.').count() > 1 || number.replaceAll("[+-]", "").equals(".")) {
            return QUANTITY_FORMAT_ERROR;
        }
        String suffix = m.group(2);
        if (!QUANTITY_SUFFIXES.contains(suffix) && !QUANTITY_EXPONENT.matcher(suffix).matches()) {
            return "unable to parse quantity's suffix";
        }
        return null;
    }

    /** A valid quantity's value (see {@link #quantityProblem}), for comparisons; null when it does not parse. */
    static BigDecimal quantityValue(String text) {
        if (quantityProblem(text) != null) {
            return null;
        }
        Matcher m = QUANTITY_PATTERN.matcher(text.strip());
        if (!m.matches()) {
            return null;
        }
        BigDecimal number = new BigDecimal(m.group(1).startsWith("+") ? m.group(1).substring(1) : m.group(1));
        String suffix = m.group(2);
        if (QUANTITY_EXPONENT.matcher(suffix).matches()) {
            return number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1).replace("+", "")));
        }
        int binary = List.of("Ki", "Mi", "Gi", "Ti", "Pi", "Ei").indexOf(suffix);
        if (binary >= 0) {
            return number.multiply(BigDecimal.valueOf(2).pow(10 * (binary + 1)));
        }
        int decimal = List.of("n", "u", "m", "", "k", "M", "G", "T", "P", "E").indexOf(suffix);
        return number.scaleByPowerOfTen(3 * (decimal - 3));
    }

    // ---- Go's names -----------------------------------------------------------------------------

    /** The words Go's decoder uses for a JSON value of the wrong kind. */
    private static String goValueWord(JsonNode value) {
        if (value.isTextual()) {
            return "string";
        }
        if (value.isNumber()) {
            return "number";
        }
        if (value.isBoolean()) {
            return "bool";
        }
        if (value.isArray()) {
            return "array";
        }
        return "object";
    }

    private static String numberText(JsonNode value) {
        if (value.isIntegralNumber()) {
            return value.bigIntegerValue().toString();
        }
        return value.asText();
    }

    private static boolean fitsInteger(JsonNode value, String format) {
        if (!value.isIntegralNumber()) {
            // Go's ParseInt refuses "1.0" and "1e3" for an int field.
            return false;
        }
        BigInteger n = value.bigIntegerValue();
        long min = format.equals("int32") ? Integer.MIN_VALUE : Long.MIN_VALUE;
        long max = format.equals("int32") ? Integer.MAX_VALUE : Long.MAX_VALUE;
        return n.compareTo(BigInteger.valueOf(min)) >= 0 && n.compareTo(BigInteger.valueOf(max)) <= 0;
    }

    /** Go's struct name for a definition: {@code DeploymentSpec} for {@code io.k8s.api.apps.v1.DeploymentSpec}. */
    private static String goStructName(Schema type) {
        String name = type.definitionName().orElse("");
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(dot + 1);
    }

    /** reflect.Type's String(): {@code v1.DeploymentSpec}, {@code []v1.Container}, {@code map[string]string}. */
    private static String goType(Schema node, int depth) {
        Schema type = node.resolved();
        Optional<String> definition = type.definitionName();
        if (definition.isPresent()) {
            String[] parts = definition.get().split("\\.");
            if (parts.length >= 2) {
                return parts[parts.length - 2] + "." + parts[parts.length - 1];
            }
            return definition.get();
        }
        if (depth > 8) {
            return "interface {}";
        }
        String t = type.type().orElse("");
        String format = type.format().orElse("");
        return switch (t) {
            case "array" -> "[]" + type.items().map(i -> goType(i, depth + 1)).orElse("interface {}");
            case "object" -> "map[string]"
                    + type.additionalProperties().map(a -> goType(a, depth + 1)).orElse("interface {}");
            case "integer" -> format.equals("int32") ? "int32" : format.equals("int64") ? "int64" : "int";
            case "number" -> "float64";
            case "boolean" -> "bool";
            case "string" -> format.equals("byte") ? "[]uint8" : "string";
            default -> "interface {}";
        };
    }

    /** Where Go's base64 decoder gives up, or -1 when the text is standard padded base64. */
    static int firstBadBase64Byte(String text) {
        try {
            Base64.getDecoder().decode(text);
            if (text.length() % 4 != 0) {
                return text.length() - text.length() % 4;
            }
            return -1;
        } catch (IllegalArgumentException e) {
            for (int i = 0; i < text.length(); i++) {
                char c = text.charAt(i);
                boolean ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                        || c == '+' || c == '/' || c == '=' || c == '\r' || c == '\n';
                if (!ok) {
                    return i;
                }
            }
            return Math.max(0, text.length() - text.length() % 4);
        }
    }

    private static String quote(String s) {
        return dev.caravel.apiserver.api.GoQuote.quote(s);
    }
}
