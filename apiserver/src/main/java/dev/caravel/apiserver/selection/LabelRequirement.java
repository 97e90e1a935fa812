package dev.caravel.apiserver.selection;

import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.NameValidation;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One requirement of a label selector: a key, an operator and its values (labels.Requirement).
 * Construction validates it exactly as Kubernetes' NewRequirement does, so a requirement that
 * exists is valid.
 */
public final class LabelRequirement {

    /** Above this many values a hash set answers membership faster than a scan. */
    private static final int SET_THRESHOLD = 8;

    private final String key;
    private final LabelOperator operator;
    private final List<String> values;
    private final Set<String> valueSet;

    private LabelRequirement(String key, LabelOperator operator, List<String> values) {
        this.key = key;
        this.operator = operator;
        this.values = List.copyOf(values);
        this.valueSet = values.size() > SET_THRESHOLD ? new HashSet<>(values) : null;
    }

    /**
     * A validated requirement. The errors' paths are relative to {@code path} (null for none,
     * as the string parser uses): {@code key}, {@code values}, {@code values[0][app]}.
     *
     * @param valuesLiteral how Go would print {@code values} when it is wrong, null to show the list
     * @throws InvalidSelectorException with Kubernetes' aggregated message
     */
    static LabelRequirement create(String key, LabelOperator operator, List<String> values, FieldPath path,
                                   Object valuesLiteral) {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(operator, "operator");
        List<FieldError> errors = new ArrayList<>();
        FieldError keyError = validateKey(key, path == null ? FieldPath.of("key") : path.child("key"));
        if (keyError != null) {
            errors.add(keyError);
        }
        FieldPath valuePath = path == null ? FieldPath.of("values") : path.child("values");
        Object shownValues = valuesLiteral != null ? valuesLiteral : values;
        switch (operator) {
            case IN, NOT_IN -> {
                if (values.isEmpty()) {
                    errors.add(FieldError.invalid(valuePath, shownValues, "for 'in', 'notin' operators, values set can't be empty"));
                }
            }
            case EQUALS, DOUBLE_EQUALS, NOT_EQUALS -> {
                if (values.size() != 1) {
                    errors.add(FieldError.invalid(valuePath, shownValues, "exact-match compatibility requires one single value"));
                }
            }
            case EXISTS, DOES_NOT_EXIST -> {
                if (!values.isEmpty()) {
                    errors.add(FieldError.invalid(valuePath, shownValues, "values set must be empty for exists and does not exist"));
                }
            }
            case GREATER_THAN, LESS_THAN -> {
                if (values.size() != 1) {
                    errors.add(FieldError.invalid(valuePath, shownValues, "for 'Gt', 'Lt' operators, exactly one value is required"));
                }
                for (int i = 0; i < values.size(); i++) {
                    if (parseGoInt64(values.get(i)) == null) {
                        errors.add(FieldError.invalid(valuePath.index(i), values.get(i),
                                "for 'Gt', 'Lt' operators, the value must be an integer"));
                    }
                }
            }
        }
        for (int i = 0; i < values.size(); i++) {
            List<String> problems = NameValidation.labelValue(values.get(i));
            if (!problems.isEmpty()) {
                errors.add(FieldError.invalid(valuePath.index(i).key(key), values.get(i), String.join("; ", problems)));
            }
        }
        if (!errors.isEmpty()) {
            throw new InvalidSelectorException(FieldError.aggregate(errors), errors);
        }
        return new LabelRequirement(key, operator, values);
    }

    /** A requirement built without validation, for selectors made from already-valid labels. */
    static LabelRequirement trusted(String key, LabelOperator operator, List<String> values) {
        return new LabelRequirement(key, operator, values);
    }

    /** A label key's error at {@code path} (printed {@code <nil>} when null, as Go prints a nil path), or null. */
    static FieldError validateKey(String key, FieldPath path) {
        List<String> problems = NameValidation.qualifiedName(key);
        if (problems.isEmpty()) {
            return null;
        }
        return FieldError.invalid(path == null ? FieldPath.of("<nil>") : path, key, String.join("; ", problems));
    }

    public String key() {
        return key;
    }

    public LabelOperator operator() {
        return operator;
    }

    /** The values; for a parsed selector sorted and distinct, as Kubernetes' parser keeps them. */
    public List<String> values() {
        return values;
    }

    public boolean hasValue(String value) {
        return valueSet != null ? valueSet.contains(value) : values.contains(value);
    }

    public boolean matches(Map<String, String> labels) {
        String actual = labels.get(key);
        return switch (operator) {
            case IN, EQUALS, DOUBLE_EQUALS -> actual != null && hasValue(actual);
            case NOT_IN, NOT_EQUALS -> actual == null || !hasValue(actual);
            case EXISTS -> actual != null;
            case DOES_NOT_EXIST -> actual == null;
            case GREATER_THAN, LESS_THAN -> {
                if (actual == null || values.size() != 1) {
                    yield false;
                }
                Long have = parseGoInt64(actual);
                Long want = parseGoInt64(values.get(0));
                if (have == null || want == null) {
                    yield false;
                }
                yield operator == LabelOperator.GREATER_THAN ? have > want : have < want;
            }
        };
    }

    /** Go's strconv.ParseInt(s, 10, 64): an optional sign and decimal digits, nothing else. */
    static Long parseGoInt64(String s) {
        if (s.isEmpty() || s.chars().skip(s.charAt(0) == '+' || s.charAt(0) == '-' ? 1 : 0)
                .anyMatch(c -> c < '0' || c > '9') || s.equals("+") || s.equals("-")) {
            return null;
        }
        try {
            return Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The canonical form: {@code app=web}, {@code tier in (a,b)}, {@code !canary}, {@code n>3}. */
    @Override
    public String toString() {
        StringBuilder s = new StringBuilder();
        if (operator == LabelOperator.DOES_NOT_EXIST) {
            s.append('!');
        }
        s.append(key);
        switch (operator) {
            case EQUALS -> s.append('=');
            case DOUBLE_EQUALS -> s.append("==");
            case NOT_EQUALS -> s.append("!=");
            case IN -> s.append(" in ");
            case NOT_IN -> s.append(" notin ");
            case GREATER_THAN -> s.append('>');
            case LESS_THAN -> s.append('<');
            case EXISTS, DOES_NOT_EXIST -> {
                return s.toString();
            }
        }
        boolean set = operator == LabelOperator.IN || operator == LabelOperator.NOT_IN;
        if (set) {
            s.append('(');
        }
        if (values.size() == 1) {
            s.append(values.get(0));
        } else {
            s.append(String.join(",", values.stream().sorted().toList()));
        }
        if (set) {
            s.append(')');
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelRequirement other && key.equals(other.key) && operator == other.operator
                && values.equals(other.values);
    }

    @Override
    public int hashCode() {
        return Objects.hash(key, operator, values);
    }
}
