package dev.caravel.apiserver.selection;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A field selector, Kubernetes' fields.Selector: comma-separated {@code field=value},
 * {@code field==value} and {@code field!=value} terms that must all hold. In a value, {@code \},
 * {@code ,} and {@code =} are escaped with a backslash ({@link #escapeValue}); the field name is
 * never escaped, so the first operator in a term splits it.
 *
 * <p>Which fields a resource supports is the registry's business (Kubernetes answers an
 * unsupported one with 400 {@code field label not supported: x}); this class only parses and
 * matches.
 */
public final class FieldSelector {

    private static final FieldSelector EVERYTHING = new FieldSelector(List.of());
    /** Checked in this order so that {@code ==} is not read as {@code =} followed by a value starting with {@code =}. */
    private static final String[] OPERATORS = {"!=", "==", "="};

    private final List<FieldRequirement> requirements;

    private FieldSelector(List<FieldRequirement> requirements) {
        this.requirements = List.copyOf(requirements);
    }

    public static FieldSelector everything() {
        return EVERYTHING;
    }

    public static FieldSelector of(List<FieldRequirement> requirements) {
        return requirements.isEmpty() ? EVERYTHING : new FieldSelector(requirements);
    }

    /** {@code field=value} for one field. */
    public static FieldSelector oneTermEquals(String field, String value) {
        return new FieldSelector(List.of(new FieldRequirement(field, FieldRequirement.Operator.EQUALS, value)));
    }

    /**
     * Parses the string form. Terms are sorted as strings before parsing, as Kubernetes does, so
     * the requirements (and {@link #toString()}) come out in that order.
     *
     * @throws InvalidSelectorException with Kubernetes' message, e.g.
     *                                  {@code invalid selector: 'a'; can't understand 'a'}
     */
    public static FieldSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<String> terms = splitTerms(selector);
        Collections.sort(terms);
        List<FieldRequirement> requirements = new ArrayList<>(terms.size());
        for (String term : terms) {
            if (term.isEmpty()) {
                continue;
            }
            FieldRequirement requirement = parseTerm(selector, term);
            requirements.add(requirement);
        }
        return of(requirements);
    }

    private static FieldRequirement parseTerm(String selector, String term) {
        for (int i = 0; i < term.length(); i++) {
            for (String op : OPERATORS) {
                if (term.startsWith(op, i)) {
                    String field = term.substring(0, i);
                    String value = unescapeValue(term.substring(i + op.length()));
                    FieldRequirement.Operator operator = op.equals("!=")
                            ? FieldRequirement.Operator.NOT_EQUALS : FieldRequirement.Operator.EQUALS;
                    return new FieldRequirement(field, operator, value);
                }
            }
        }
        throw new InvalidSelectorException("invalid selector: '" + selector + "'; can't understand '" + term + "'");
    }

    /** Splits on commas that are not escaped; the escapes stay in the terms. */
    private static List<String> splitTerms(String selector) {
        List<String> terms = new ArrayList<>();
        int start = 0;
        boolean escaped = false;
        for (int i = 0; i < selector.length(); i++) {
            char c = selector.charAt(i);
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == ',') {
                terms.add(selector.substring(start, i));
                start = i + 1;
            }
        }
        terms.add(selector.substring(start));
        return terms;
    }

    /** Escapes {@code \}, {@code ,} and {@code =} so the value can be put in a selector. */
    public static String escapeValue(String value) {
        StringBuilder s = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' || c == ',' || c == '=') {
                s.append('\\');
            }
            s.append(c);
        }
        return s.toString();
    }

    /**
     * Undoes {@link #escapeValue}.
     *
     * @throws InvalidSelectorException for an unknown escape or an unescaped {@code ,} or {@code =};
     *                                  Kubernetes prints the offending character as its code point
     */
    public static String unescapeValue(String value) {
        if (value.indexOf('\\') < 0 && value.indexOf(',') < 0 && value.indexOf('=') < 0) {
            return value;
        }
        StringBuilder s = new StringBuilder(value.length());
        boolean escaped = false;
        for (int i = 0; i < value.length(); ) {
            int c = value.codePointAt(i);
            i += Character.charCount(c);
            if (escaped) {
                if (c == '\\' || c == ',' || c == '=') {
                    s.appendCodePoint(c);
                } else {
                    throw new InvalidSelectorException("invalid field selector: invalid escape sequence: \\"
                            + new String(Character.toChars(c)));
                }
                escaped = false;
                continue;
            }
            if (c == '\\') {
                escaped = true;
            } else if (c == ',' || c == '=') {
                throw new InvalidSelectorException("invalid field selector: unescaped character in value: " + c);
            } else {
                s.appendCodePoint(c);
            }
        }
        if (escaped) {
            throw new InvalidSelectorException("invalid field selector: invalid escape sequence: \\");
        }
        return s.toString();
    }

    /** True when every term holds; {@code fieldValues} gives a field's value, null when absent. */
    public boolean matches(Function<String, String> fieldValues) {
        for (FieldRequirement r : requirements) {
            if (!r.matches(fieldValues.apply(r.field()))) {
                return false;
            }
        }
        return true;
    }

    public boolean isEverything() {
        return requirements.isEmpty();
    }

    public List<FieldRequirement> requirements() {
        return requirements;
    }

    /** The value {@code field} must equal, when a term pins it ({@code metadata.name=foo}). */
    public Optional<String> requiresExactMatch(String field) {
        for (FieldRequirement r : requirements) {
            if (r.field().equals(field) && r.operator() == FieldRequirement.Operator.EQUALS) {
                return Optional.of(r.value());
            }
        }
        return Optional.empty();
    }

    /** Each requirement passed through {@code transform} (a resource's field label conversion). */
    public FieldSelector transform(Function<FieldRequirement, FieldRequirement> transform) {
        List<FieldRequirement> out = new ArrayList<>(requirements.size());
        for (FieldRequirement r : requirements) {
            out.add(transform.apply(r));
        }
        return of(out);
    }

    @Override
    public String toString() {
        return requirements.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FieldSelector other && requirements.equals(other.requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode();
    }
}
