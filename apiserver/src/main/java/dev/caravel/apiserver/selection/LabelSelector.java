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
import java.util.TreeSet;

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
        StringBuilder s = new StringBuilder();
        for (LabelRequirement r : requirements) {
            if (!s.isEmpty()) {
                s.append(',');
            }
            s.append(r);
        }
        return s.toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LabelSelector other && nothing == other.nothing && requirements.equals(other.requirements);
    }

    @Override
    public int hashCode() {
        return requirements.hashCode() * 31 + (nothing ? 1 : 0);
    }

    /**
     * Kubernetes' label selector lexer and recursive-descent parser, step for step: the error
     * messages depend on which token each step looks at, so the structure is kept.
     */
    private static final class LabelSelectorParser {

        private enum Token {
            END, CLOSED_PAR, COMMA, DOES_NOT_EXIST, DOUBLE_EQUALS, EQUALS, GREATER_THAN, IDENTIFIER,
            IN, LESS_THAN, NOT_EQUALS, NOT_IN, OPEN_PAR
        }

        private record Item(Token token, String literal) {
        }

        private static final String BINARY_OPERATORS = String.join(", ",
                LabelOperator.IN.text(), LabelOperator.NOT_IN.text(), LabelOperator.EQUALS.text(),
                LabelOperator.DOUBLE_EQUALS.text(), LabelOperator.NOT_EQUALS.text(),
                LabelOperator.GREATER_THAN.text(), LabelOperator.LESS_THAN.text());

        private final String input;
        private int pos;
        private final List<Item> items = new ArrayList<>();
        private int position;

        LabelSelectorParser(String input) {
            this.input = input;
        }

        // ---- lexer ----

        private static Token keyword(String s) {
            return switch (s) {
                case ")" -> Token.CLOSED_PAR;
                case "," -> Token.COMMA;
                case "!" -> Token.DOES_NOT_EXIST;
                case "==" -> Token.DOUBLE_EQUALS;
                case "=" -> Token.EQUALS;
                case ">" -> Token.GREATER_THAN;
                case "in" -> Token.IN;
                case "<" -> Token.LESS_THAN;
                case "!=" -> Token.NOT_EQUALS;
                case "notin" -> Token.NOT_IN;
                case "(" -> Token.OPEN_PAR;
                default -> null;
            };
        }

        private static boolean isWhitespace(char c) {
            return c == ' ' || c == '\t' || c == '\r' || c == '\n';
        }

        private static boolean isSpecialSymbol(char c) {
            return switch (c) {
                case '=', '!', '(', ')', ',', '>', '<' -> true;
                default -> false;
            };
        }

        /** The next character, or NUL at the end (a NUL in the input ends it too, as in Go). */
        private char read() {
            return pos < input.length() ? input.charAt(pos++) : 0;
        }

        private void unread() {
            pos--;
        }

        private Item lex() {
            char c = read();
            while (isWhitespace(c)) {
                c = read();
            }
            if (c == 0) {
                return new Item(Token.END, "");
            }
            unread();
            return isSpecialSymbol(c) ? scanSpecialSymbol() : scanIdentifierOrKeyword();
        }

        private Item scanIdentifierOrKeyword() {
            StringBuilder buffer = new StringBuilder();
            while (true) {
                char c = read();
                if (c == 0) {
                    break;
                }
                if (isSpecialSymbol(c) || isWhitespace(c)) {
                    unread();
                    break;
                }
                buffer.append(c);
            }
            String s = buffer.toString();
            Token keyword = keyword(s);
            return new Item(keyword != null ? keyword : Token.IDENTIFIER, s);
        }

        /** The longest operator made of special symbols: {@code !=} rather than {@code !} then {@code =}. */
        private Item scanSpecialSymbol() {
            Item last = null;
            StringBuilder buffer = new StringBuilder();
            while (true) {
                char c = read();
                if (c == 0) {
                    break;
                }
                if (!isSpecialSymbol(c)) {
                    unread();
                    break;
                }
                buffer.append(c);
                Token t = keyword(buffer.toString());
                if (t != null) {
                    last = new Item(t, buffer.toString());
                } else if (last != null) {
                    unread();
                    break;
                }
            }
            // Every single special symbol is a token, so something was always recognized.
            return last;
        }

        // ---- parser ----

        /** In value position "in" and "notin" are ordinary identifiers ({@code x in (in)}). */
        private Item lookahead(boolean values) {
            return inContext(items.get(position), values);
        }

        private Item consume(boolean values) {
            return inContext(items.get(position++), values);
        }

        private static Item inContext(Item item, boolean values) {
            if (values && (item.token == Token.IN || item.token == Token.NOT_IN)) {
                return new Item(Token.IDENTIFIER, item.literal);
            }
            return item;
        }

        List<LabelRequirement> parse() {
            while (true) {
                Item item = lex();
                items.add(item);
                if (item.token == Token.END) {
                    break;
                }
            }
            List<LabelRequirement> requirements = new ArrayList<>();
            while (true) {
                Item next = lookahead(true);
                switch (next.token) {
                    case IDENTIFIER, DOES_NOT_EXIST -> {
                        try {
                            requirements.add(parseRequirement());
                        } catch (InvalidSelectorException e) {
                            throw new InvalidSelectorException("unable to parse requirement: " + e.getMessage(),
                                    e.fieldErrors());
                        }
                        Item after = consume(true);
                        switch (after.token) {
                            case END -> {
                                return requirements;
                            }
                            case COMMA -> {
                                Item t2 = lookahead(true);
                                if (t2.token != Token.IDENTIFIER && t2.token != Token.DOES_NOT_EXIST) {
                                    throw new InvalidSelectorException("found '" + t2.literal + "', expected: identifier after ','");
                                }
                            }
                            default -> throw new InvalidSelectorException(
                                    "found '" + after.literal + "', expected: ',' or 'end of string'");
                        }
                    }
                    case END -> {
                        return requirements;
                    }
                    default -> throw new InvalidSelectorException(
                            "found '" + next.literal + "', expected: !, identifier, or 'end of string'");
                }
            }
        }

        private LabelRequirement parseRequirement() {
            LabelOperator operator = null;
            Item item = consume(true);
            if (item.token == Token.DOES_NOT_EXIST) {
                operator = LabelOperator.DOES_NOT_EXIST;
                item = consume(true);
            }
            if (item.token != Token.IDENTIFIER) {
                throw new InvalidSelectorException("found '" + item.literal + "', expected: identifier");
            }
            String key = item.literal;
            FieldError keyError = LabelRequirement.validateKey(key, null);
            if (keyError != null) {
                throw new InvalidSelectorException(keyError.toString(), List.of(keyError));
            }
            Token next = lookahead(true).token;
            if ((next == Token.END || next == Token.COMMA) && operator == null) {
                operator = LabelOperator.EXISTS;
            }
            if (operator == LabelOperator.EXISTS || operator == LabelOperator.DOES_NOT_EXIST) {
                return LabelRequirement.create(key, operator, List.of(), null, null);
            }
            operator = parseOperator();
            List<String> values = switch (operator) {
                case IN, NOT_IN -> parseValues();
                default -> parseExactValue();
            };
            return LabelRequirement.create(key, operator, values, null, null);
        }

        private LabelOperator parseOperator() {
            Item item = consume(false);
            return switch (item.token) {
                case IN -> LabelOperator.IN;
                case EQUALS -> LabelOperator.EQUALS;
                case DOUBLE_EQUALS -> LabelOperator.DOUBLE_EQUALS;
                case GREATER_THAN -> LabelOperator.GREATER_THAN;
                case LESS_THAN -> LabelOperator.LESS_THAN;
                case NOT_IN -> LabelOperator.NOT_IN;
                case NOT_EQUALS -> LabelOperator.NOT_EQUALS;
                default -> throw new InvalidSelectorException("found '" + item.literal + "', expected: " + BINARY_OPERATORS);
            };
        }

        /** {@code (a,b,c)}: sorted and distinct, empty entries allowed ({@code (a,)} holds "" and "a"). */
        private List<String> parseValues() {
            Item item = consume(true);
            if (item.token != Token.OPEN_PAR) {
                throw new InvalidSelectorException("found '" + item.literal + "' expected: '('");
            }
            Item next = lookahead(true);
            switch (next.token) {
                case IDENTIFIER, COMMA -> {
                    TreeSet<String> values = parseIdentifiersList();
                    if (consume(true).token != Token.CLOSED_PAR) {
                        // Kubernetes reports the token after '(' here, not the one found; kept for fidelity.
                        throw new InvalidSelectorException("found '" + next.literal + "', expected: ')'");
                    }
                    return List.copyOf(values);
                }
                case CLOSED_PAR -> {
                    consume(true);
                    return List.of("");
                }
                default -> throw new InvalidSelectorException(
                        "found '" + next.literal + "', expected: ',', ')' or identifier");
            }
        }

        private TreeSet<String> parseIdentifiersList() {
            TreeSet<String> values = new TreeSet<>();
            while (true) {
                Item item = consume(true);
                switch (item.token) {
                    case IDENTIFIER -> {
                        values.add(item.literal);
                        Item next = lookahead(true);
                        switch (next.token) {
                            case COMMA -> {
                            }
                            case CLOSED_PAR -> {
                                return values;
                            }
                            default -> throw new InvalidSelectorException(
                                    "found '" + next.literal + "', expected: ',' or ')'");
                        }
                    }
                    case COMMA -> {
                        if (values.isEmpty()) {
                            values.add("");
                        }
                        Token next = lookahead(true).token;
                        if (next == Token.CLOSED_PAR) {
                            values.add("");
                            return values;
                        }
                        if (next == Token.COMMA) {
                            consume(true);
                            values.add("");
                        }
                    }
                    default -> throw new InvalidSelectorException(
                            "found '" + item.literal + "', expected: ',', or identifier");
                }
            }
        }

        private List<String> parseExactValue() {
            Token next = lookahead(true).token;
            if (next == Token.END || next == Token.COMMA) {
                return List.of("");
            }
            Item item = consume(true);
            if (item.token == Token.IDENTIFIER) {
                return List.of(item.literal);
            }
            throw new InvalidSelectorException("found '" + item.literal + "', expected: identifier");
        }
    }
}
