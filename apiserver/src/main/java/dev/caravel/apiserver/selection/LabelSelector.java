package dev.caravel.apiserver.selection;

import com.fasterxml.jackson.databind.JsonNode;
import dev.caravel.apiserver.api.FieldError;
import dev.caravel.apiserver.api.FieldPath;
import dev.caravel.apiserver.api.GoQuote;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A label selector, Kubernetes' labels.Selector: requirements that must all hold. Parsed from the
 * {@code labelSelector} query string ({@link #parse}) or built from a metav1.LabelSelector object
 * ({@link #fromJson}), with Kubernetes' validation and error messages either way.
 *
 * <p>The requirements are kept sorted by key (stable, so two requirements on one key keep their
 * order), which makes {@link #toString()} canonical. An index picks the requirement it can serve
 * from {@link #requirements()}; {@link #requiresExactMatch} finds an equality on one key.
 */
public final class LabelSelector {

    private static final LabelSelector EVERYTHING = new LabelSelector(List.of(), false);
    private static final LabelSelector NOTHING = new LabelSelector(List.of(), true);

    private final List<LabelRequirement> requirements;
    private final boolean nothing;

    private LabelSelector(List<LabelRequirement> requirements, boolean nothing) {
        List<LabelRequirement> sorted = new ArrayList<>(requirements);
        sorted.sort(Comparator.comparing(LabelRequirement::key));
        this.requirements = List.copyOf(sorted);
        this.nothing = nothing;
    }

    /** Matches every object (the empty selector). */
    public static LabelSelector everything() {
        return EVERYTHING;
    }

    /** Matches no object: what a null metav1.LabelSelector means. */
    public static LabelSelector nothing() {
        return NOTHING;
    }

    public static LabelSelector of(List<LabelRequirement> requirements) {
        return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements, false);
    }

    /**
     * The selector matching exactly these labels (SelectorFromValidatedSet): an equality per key,
     * not validated, for labels that already passed validation (a Service's selector).
     */
    public static LabelSelector fromLabels(Map<String, String> labels) {
        if (labels == null || labels.isEmpty()) {
            return EVERYTHING;
        }
        List<LabelRequirement> requirements = new ArrayList<>(labels.size());
        labels.forEach((k, v) -> requirements.add(LabelRequirement.trusted(k, LabelOperator.EQUALS, List.of(v))));
        return new LabelSelector(requirements, false);
    }

    /**
     * A validated requirement, as labels.NewRequirement builds one; its errors' paths start at
     * {@code key} and {@code values}.
     *
     * @throws InvalidSelectorException with the field errors and their aggregated message
     */
    public static LabelRequirement requirement(String key, LabelOperator operator, List<String> values) {
        return LabelRequirement.create(key, operator, values, null, null);
    }

    /**
     * Parses the string form: {@code app=web,tier in (a,b),!canary,env!=prod,version>3}.
     *
     * @throws InvalidSelectorException with Kubernetes' message, e.g. {@code unable to parse
     *                                  requirement: found 'a', expected: in, notin, =, ==, !=, gt, lt}
     */
    public static LabelSelector parse(String selector) {
        if (selector == null || selector.isEmpty()) {
            return EVERYTHING;
        }
        List<LabelRequirement> requirements = new LabelSelectorParser(selector).parse();
        return requirements.isEmpty() ? EVERYTHING : new LabelSelector(requirements, false);
    }

    /**
     * Builds the selector of a metav1.LabelSelector ({@code {"matchLabels":{...},"matchExpressions":
     * [{"key":..,"operator":"In","values":[..]}]}}) as LabelSelectorAsSelector does: null or missing
     * selects nothing, an empty one everything.
     *
     * @throws InvalidSelectorException for an unknown operator or an invalid key or value
     */
    public static LabelSelector fromJson(JsonNode node) {
        if (node == null || node.isNull() || node.isMissingNode()) {
            return NOTHING;
        }
        JsonNode matchLabels = node.path("matchLabels");
        JsonNode matchExpressions = node.path("matchExpressions");
        if (matchLabels.size() + matchExpressions.size() == 0) {
            return EVERYTHING;
        }
        List<LabelRequirement> requirements = new ArrayList<>();
        for (var it = matchLabels.fields(); it.hasNext(); ) {
            var entry = it.next();
            requirements.add(requirement(entry.getKey(), LabelOperator.EQUALS, List.of(entry.getValue().asText())));
        }
        for (JsonNode expression : matchExpressions) {
            String operator = expression.path("operator").asText("");
            LabelOperator op = switch (operator) {
                case "In" -> LabelOperator.IN;
                case "NotIn" -> LabelOperator.NOT_IN;
                case "Exists" -> LabelOperator.EXISTS;
                case "DoesNotExist" -> LabelOperator.DOES_NOT_EXIST;
                default -> throw new InvalidSelectorException(
                        GoQuote.quote(operator) + " is not a valid label selector operator");
            };
            List<String> values = new ArrayList<>();
            for (JsonNode v : expression.path("values")) {
                values.add(v.asText());
            }
            // Kubernetes copies the values with append([]string(nil), ...): no values prints as a nil slice.
            Object shown = values.isEmpty() ? new FieldError.GoLiteral("[]string(nil)") : null;
            requirements.add(LabelRequirement.create(expression.path("key").asText(""), op, values, null, shown));
        }
        return new LabelSelector(requirements, false);
    }

    /**
     * Validates a metav1.LabelSelector inside an object (a Deployment's spec.selector) as
     * Kubernetes' ValidateLabelSelector does, each error at its own path:
     * {@code spec.selector.matchExpressions[0].values: Required value: must be specified when
     * `operator` is 'In' or 'NotIn'}. Null or missing is valid here; whether a selector is
     * required is the resource's rule.
     */
    public static List<FieldError> validate(JsonNode node, FieldPath path) {
        List<FieldError> errors = new ArrayList<>();
        if (node == null || node.isNull() || node.isMissingNode()) {
            return errors;
        }
        FieldPath labelsPath = path.child("matchLabels");
        for (var it = node.path("matchLabels").fields(); it.hasNext(); ) {
            var entry = it.next();
            errors.addAll(Labels.validate(Map.of(entry.getKey(), entry.getValue().asText()), labelsPath));
        }
        int i = 0;
        for (JsonNode expression : node.path("matchExpressions")) {
            FieldPath at = path.child("matchExpressions").index(i++);
            String operator = expression.path("operator").asText("");
            int valueCount = expression.path("values").size();
            switch (operator) {
                case "In", "NotIn" -> {
                    if (valueCount == 0) {
                        errors.add(FieldError.required(at.child("values"),
                                "must be specified when `operator` is 'In' or 'NotIn'"));
                    }
                }
                case "Exists", "DoesNotExist" -> {
                    if (valueCount > 0) {
                        errors.add(FieldError.forbidden(at.child("values"),
                                "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
                    }
                }
                default -> errors.add(FieldError.invalid(at.child("operator"), operator, "not a valid selector operator"));
            }
            errors.addAll(Labels.validateKey(expression.path("key").asText(""), at.child("key")));
            int v = 0;
            for (JsonNode value : expression.path("values")) {
                FieldPath valuePath = at.child("values").index(v++);
                for (String problem : dev.caravel.apiserver.api.NameValidation.labelValue(value.asText())) {
                    errors.add(FieldError.invalid(valuePath, value.asText(), problem));
                }
            }
        }
        return errors;
    }

    public boolean matches(Map<String, String> labels) {
        if (nothing) {
            return false;
        }
        Map<String, String> present = labels == null ? Map.of() : labels;
        for (LabelRequirement r : requirements) {
            if (!r.matches(present)) {
                return false;
            }
        }
        return true;
    }

    /** True for the selector that matches everything. */
    public boolean isEverything() {
        return !nothing && requirements.isEmpty();
    }

    public boolean isNothing() {
        return nothing;
    }

    /** The requirements, sorted by key. */
    public List<LabelRequirement> requirements() {
        return requirements;
    }

    /**
     * The value {@code key} must equal, when one requirement pins it to exactly one value
     * ({@code key=v}, {@code key==v} or {@code key in (v)}).
     */
    public Optional<String> requiresExactMatch(String key) {
        for (LabelRequirement r : requirements) {
            if (r.key().equals(key) && r.operator().selectsValues() && r.values().size() == 1) {
                return Optional.of(r.values().get(0));
            }
        }
        return Optional.empty();
    }

    /** The canonical string form, requirements joined by commas in key order; empty for everything and nothing. */
    @Override
    public String toString() {
        return requirements.stream().map(Object::toString).collect(java.util.stream.Collectors.joining(","));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && nothing == other.nothing && requirements.equals(other.requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 31 + (nothing ? 1 : 0);
    }
}
