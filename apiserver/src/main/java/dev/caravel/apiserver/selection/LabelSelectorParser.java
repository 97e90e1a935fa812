package dev.caravel.apiserver.selection;

import dev.caravel.apiserver.api.FieldError;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * Kubernetes' label selector lexer and recursive-descent parser, step for step: the error
 * messages depend on which token each step looks at, so the structure is kept.
 */
final class LabelSelectorParser {

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
