package dev.caravel.apiserver.apiextensions;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The JSONPath subset CustomResourceDefinitions use in {@code additionalPrinterColumns[].jsonPath}
 * and the scale subresource's paths, evaluated as client-go's {@code util/jsonpath} evaluates
 * {@code {<path>}} on an object: field steps ({@code .spec.replicas}, {@code ['a.b']}), array
 * indexes ({@code [0]}, {@code [-1]}), every element ({@code [*]}) and filters comparing a
 * field with a literal ({@code [?(@.type=="Ready")]}, {@code ==} or {@code !=}). Anything else
 * (recursive descent, unions, slices) is refused when the CRD is validated, with the reference's
 * kind of message. Immutable; parse once per CRD version.
 *
 * <p>Why handwritten: docs/decisions/0022-custom-resources.md.
 */
public final class JsonPath {

    private sealed interface Step permits Field, Index, Every, Filter {}

    private record Field(String name) implements Step {}

    private record Index(int index) implements Step {}

    private record Every() implements Step {}

    /** {@code [?(@.a.b == "x")]}: the elements whose field path holds (or does not hold) the literal. */
    private record Filter(List<String> path, boolean equal, JsonNode literal) implements Step {}

    private final String text;
    private final List<Step> steps;

    private JsonPath(String text, List<Step> steps) {
        this.text = text;
        this.steps = List.copyOf(steps);
    }

    /**
     * Parses a path such as {@code .status.conditions[?(@.type=="Ready")].status}.
     *
     * @throws IllegalArgumentException with the reason, when the path is not one Caravel evaluates
     */
    public static JsonPath parse(String text) {
        Objects.requireNonNull(text, "text");
        String p = text.trim();
        if (p.startsWith("{") && p.endsWith("}")) {
            p = p.substring(1, p.length() - 1);
        }
        if (p.startsWith("$")) {
            p = p.substring(1);
        }
        List<Step> steps = new ArrayList<>();
        int i = 0;
        while (i < p.length()) {
            char c = p.charAt(i);
            if (c == '.') {
                if (i + 1 < p.length() && p.charAt(i + 1) == '.') {
                    throw new IllegalArgumentException("recursive descent (..) is not supported");
                }
                int end = i + 1;
                while (end < p.length() && p.charAt(end) != '.' && p.charAt(end) != '[') {
                    end++;
                }
                String name = p.substring(i + 1, end);
                if (name.isEmpty()) {
                    if (end == p.length() && steps.isEmpty()) {
                        break; // "." alone: the object itself
                    }
                    throw new IllegalArgumentException("empty field name at position " + i);
                }
                if (name.equals("*")) {
                    steps.add(new Every());
                } else {
                    steps.add(new Field(name));
                }
                i = end;
            } else if (c == '[') {
                int end = closingBracket(p, i);
                String inner = p.substring(i + 1, end).trim();
                steps.add(bracket(inner));
                i = end + 1;
            } else {
                throw new IllegalArgumentException("unexpected " + quote(String.valueOf(c)) + " at position " + i
                        + ": a path starts with a dot");
            }
        }
        return new JsonPath(text, steps);
    }

    private static int closingBracket(String p, int open) {
        char quote = 0;
        for (int j = open + 1; j < p.length(); j++) {
            char c = p.charAt(j);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == ']') {
                return j;
            }
        }
        throw new IllegalArgumentException("unclosed [ at position " + open);
    }

    private static Step bracket(String inner) {
        if (inner.equals("*")) {
            return new Every();
        }
        if ((inner.startsWith("'") && inner.endsWith("'") || inner.startsWith("\"") && inner.endsWith("\""))
                && inner.length() >= 2) {
            return new Field(inner.substring(1, inner.length() - 1));
        }
        if (inner.startsWith("?(") && inner.endsWith(")")) {
            return filter(inner.substring(2, inner.length() - 1).trim());
        }
        if (inner.contains(":") || inner.contains(",")) {
            throw new IllegalArgumentException("slices and unions are not supported: [" + inner + "]");
        }
        try {
            return new Index(Integer.parseInt(inner));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("not an index, a quoted field or a filter: [" + inner + "]");
        }
    }

    private static Step filter(String expression) {
        boolean equal;
        int at = expression.indexOf("==");
        if (at >= 0) {
            equal = true;
        } else {
            at = expression.indexOf("!=");
            equal = false;
        }
        if (at < 0 || !expression.startsWith("@.")) {
            throw new IllegalArgumentException("a filter compares a field of @ with == or !=: " + expression);
        }
        String left = expression.substring(2, at).trim();
        String right = expression.substring(at + 2).trim();
        JsonNode literal;
        try {
            if (right.startsWith("'") && right.endsWith("'") && right.length() >= 2) {
                literal = CustomResources.JSON.getNodeFactory().textNode(right.substring(1, right.length() - 1));
            } else {
                literal = CustomResources.JSON.readTree(right);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("not a literal: " + right);
        }
        if (literal == null || literal.isMissingNode()) {
            throw new IllegalArgumentException("not a literal: " + right);
        }
        return new Filter(List.of(left.split("\\.")), equal, literal);
    }

    /** Every value the path finds in {@code root}, in document order; empty when it finds none. */
    public List<JsonNode> find(JsonNode root) {
        List<JsonNode> current = new ArrayList<>(List.of(root));
        for (Step step : steps) {
            List<JsonNode> next = new ArrayList<>();
            for (JsonNode node : current) {
                switch (step) {
                    case Field f -> {
                        JsonNode child = node.get(f.name());
                        if (node.isObject() && child != null) {
                            next.add(child);
                        }
                    }
                    case Index ix -> {
                        if (node.isArray()) {
                            int index = ix.index() < 0 ? node.size() + ix.index() : ix.index();
                            if (index >= 0 && index < node.size()) {
                                next.add(node.get(index));
                            }
                        }
                    }
                    case Every e -> node.forEach(next::add);
                    case Filter f -> {
                        for (JsonNode element : node) {
                            JsonNode value = element;
                            for (String field : f.path()) {
                                value = value.path(field);
                            }
                            boolean matches = !value.isMissingNode() && sameValue(value, f.literal());
                            if (matches == f.equal() && !value.isMissingNode()) {
                                next.add(element);
                            }
                        }
                    }
                }
            }
            current = next;
        }
        return current;
    }

    /** The first value the path finds, or null. */
    public JsonNode first(JsonNode root) {
        List<JsonNode> found = find(root);
        return found.isEmpty() ? null : found.get(0);
    }

    /** The field names of a path made of field steps only ({@code .spec.replicas}); empty otherwise. */
    public List<String> fieldNames() {
        List<String> names = new ArrayList<>();
        for (Step step : steps) {
            if (!(step instanceof Field f)) {
                return List.of();
            }
            names.add(f.name());
        }
        return names;
    }

    private static boolean sameValue(JsonNode value, JsonNode literal) {
        if (value.isNumber() && literal.isNumber()) {
            return value.decimalValue().compareTo(literal.decimalValue()) == 0;
        }
        return value.equals(literal);
    }

    private static String quote(String s) {
        return "\"" + s + "\"";
    }

    @Override
    public String toString() {
        return text;
    }
}
