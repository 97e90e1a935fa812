package dev.caravel.apiserver.schema;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where things are in an OpenAPI v2 document's bytes: each top-level section, each definition,
 * and the group/version/kinds a definition declares. Nothing else is decoded.
 *
 * <p>Why a byte scanner and not Jackson: the catalogue is built at server start, and on a cold
 * JVM Jackson's tokenizer needs 150 ms or more to walk 1.4 MB (plus the cost of creating an
 * ObjectMapper), against about 25 ms for this loop, whose hot path is one byte comparison. The
 * scanner only tracks strings and nesting; the definitions themselves are parsed (and so
 * validated) by Jackson when first used.
 */
final class DocumentIndex {

    /** A value's bytes: {@code [start, start + length)}. */
    record Span(int start, int length) {
    }

    final Map<String, Span> sections = new HashMap<>();
    final Map<String, Span> definitions = new LinkedHashMap<>(1024);
    final Map<GroupVersionKind, String> definitionByKind = new HashMap<>(512);

    private final byte[] doc;

    private DocumentIndex(byte[] doc) {
        this.doc = doc;
    }

    static DocumentIndex scan(byte[] doc) {
        DocumentIndex index = new DocumentIndex(doc);
        index.scanDocument();
        return index;
    }

    private void scanDocument() {
        int i = expect(skipWhitespace(0), '{', "an OpenAPI document is a JSON object");
        i = skipWhitespace(i);
        if (peek(i) == '}') {
            return;
        }
        while (true) {
            int keyEnd = stringEnd(i);
            String section = decode(i, keyEnd);
            int valueStart = skipWhitespace(expect(skipWhitespace(keyEnd), ':', "':' after a key"));
            int valueEnd = section.equals("definitions") && peek(valueStart) == '{'
                    ? scanDefinitions(valueStart)
                    : valueEnd(valueStart);
            sections.put(section, new Span(valueStart, valueEnd - valueStart));
            i = skipWhitespace(valueEnd);
            if (peek(i) == '}') {
                return;
            }
            i = skipWhitespace(expect(i, ',', "',' between members"));
        }
    }

    /** Indexes {@code "definitions": {...}} starting at its '{'; returns the index after its '}'. */
    private int scanDefinitions(int start) {
        int i = skipWhitespace(start + 1);
        if (peek(i) == '}') {
            return i + 1;
        }
        while (true) {
            int nameEnd = stringEnd(i);
            String name = decode(i, nameEnd);
            int defStart = skipWhitespace(expect(skipWhitespace(nameEnd), ':', "':' after a definition name"));
            if (peek(defStart) != '{') {
                throw malformed(defStart, "definition " + name + " is not an object");
            }
            int defEnd = scanDefinition(name, defStart);
            definitions.put(name, new Span(defStart, defEnd - defStart));
            i = skipWhitespace(defEnd);
            if (peek(i) == '}') {
                return i + 1;
            }
            i = skipWhitespace(expect(i, ',', "',' between definitions"));
        }
    }

    /** Reads one definition's top level for its group/version/kinds; returns the index after its '}'. */
    private int scanDefinition(String name, int start) {
        int i = skipWhitespace(start + 1);
        if (peek(i) == '}') {
            return i + 1;
        }
        while (true) {
            int keyEnd = stringEnd(i);
            boolean gvk = matches(i, keyEnd, GVK_KEY);
            int valueStart = skipWhitespace(expect(skipWhitespace(keyEnd), ':', "':' after a key"));
            int valueEnd = valueEnd(valueStart);
            if (gvk) {
                for (GroupVersionKind kind : readKinds(valueStart)) {
                    String previous = definitionByKind.putIfAbsent(kind, name);
                    if (previous != null) {
                        throw new IllegalArgumentException(kind + " is claimed by " + previous + " and " + name);
                    }
                }
            }
            i = skipWhitespace(valueEnd);
            if (peek(i) == '}') {
                return i + 1;
            }
            i = skipWhitespace(expect(i, ',', "',' between members"));
        }
    }

    private static final byte[] GVK_KEY = ("\"" + Schema.GVK_EXTENSION + "\"").getBytes(StandardCharsets.UTF_8);

    /** {@code [{"group": "", "kind": "Pod", "version": "v1"}, ...]}: string members only. */
    private List<GroupVersionKind> readKinds(int start) {
        List<GroupVersionKind> kinds = new ArrayList<>(1);
        int i = skipWhitespace(expect(start, '[', "a list of group/version/kinds"));
        if (peek(i) == ']') {
            return kinds;
        }
        while (true) {
            i = skipWhitespace(expect(i, '{', "a group/version/kind object"));
            Map<String, String> members = new HashMap<>(4);
            while (peek(i) != '}') {
                int keyEnd = stringEnd(i);
                String key = decode(i, keyEnd);
                int valueStart = skipWhitespace(expect(skipWhitespace(keyEnd), ':', "':' after a key"));
                int valueEnd = valueEnd(valueStart);
                if (peek(valueStart) == '"') {
                    members.put(key, decode(valueStart, valueEnd));
                }
                i = skipWhitespace(valueEnd);
                if (peek(i) == ',') {
                    i = skipWhitespace(i + 1);
                }
            }
            kinds.add(new GroupVersionKind(members.getOrDefault("group", ""), members.get("version"),
                    members.get("kind")));
            i = skipWhitespace(i + 1);
            if (peek(i) == ']') {
                return kinds;
            }
            i = skipWhitespace(expect(i, ',', "',' between group/version/kinds"));
        }
    }

    // ---- bytes ----

    /** The index just after the value starting at {@code i}. */
    private int valueEnd(int i) {
        byte b = peek(i);
        if (b == '"') {
            return stringEnd(i);
        }
        if (b == '{' || b == '[') {
            return containerEnd(i);
        }
        // A number, true, false or null: ends at a delimiter.
        int j = i;
        while (j < doc.length) {
            byte c = doc[j];
            if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\n' || c == '\r' || c == '\t') {
                break;
            }
            j++;
        }
        if (j == i) {
            throw malformed(i, "a value");
        }
        return j;
    }

    /** The index after the object or array opening at {@code i}, skipping over strings. */
    private int containerEnd(int i) {
        int depth = 0;
        for (int j = i; j < doc.length; j++) {
            byte c = doc[j];
            if (c == '"') {
                j = stringEnd(j) - 1;
            } else if (c == '{' || c == '[') {
                depth++;
            } else if (c == '}' || c == ']') {
                if (--depth == 0) {
                    return j + 1;
                }
            }
        }
        throw malformed(i, "the end of an object or array");
    }

    /** The index after the closing quote of the string opening at {@code i}. */
    private int stringEnd(int i) {
        if (peek(i) != '"') {
            throw malformed(i, "a string");
        }
        for (int j = i + 1; j < doc.length; j++) {
            byte c = doc[j];
            if (c == '\\') {
                j++;
            } else if (c == '"') {
                return j + 1;
            }
        }
        throw malformed(i, "the end of a string");
    }

    /** The text of the string {@code [start, end)}, quotes included in the span. */
    private String decode(int start, int end) {
        boolean escaped = false;
        for (int j = start + 1; j < end - 1; j++) {
            if (doc[j] == '\\') {
                escaped = true;
                break;
            }
        }
        if (!escaped) {
            return new String(doc, start + 1, end - start - 2, StandardCharsets.UTF_8);
        }
        StringBuilder out = new StringBuilder();
        String raw = new String(doc, start + 1, end - start - 2, StandardCharsets.UTF_8);
        for (int j = 0; j < raw.length(); j++) {
            char c = raw.charAt(j);
            if (c != '\\') {
                out.append(c);
                continue;
            }
            char e = raw.charAt(++j);
            switch (e) {
                case 'n' -> out.append('\n');
                case 't' -> out.append('\t');
                case 'r' -> out.append('\r');
                case 'b' -> out.append('\b');
                case 'f' -> out.append('\f');
                case 'u' -> {
                    out.append((char) Integer.parseInt(raw.substring(j + 1, j + 5), 16));
                    j += 4;
                }
                default -> out.append(e);
            }
        }
        return out.toString();
    }

    private boolean matches(int start, int end, byte[] text) {
        if (end - start != text.length) {
            return false;
        }
        for (int j = 0; j < text.length; j++) {
            if (doc[start + j] != text[j]) {
                return false;
            }
        }
        return true;
    }

    private int skipWhitespace(int i) {
        while (i < doc.length) {
            byte c = doc[i];
            if (c != ' ' && c != '\n' && c != '\r' && c != '\t') {
                break;
            }
            i++;
        }
        return i;
    }

    private byte peek(int i) {
        if (i >= doc.length) {
            throw malformed(i, "more input");
        }
        return doc[i];
    }

    private int expect(int i, char c, String what) {
        if (peek(i) != c) {
            throw malformed(i, what);
        }
        return i + 1;
    }

    private static IllegalArgumentException malformed(int at, String expected) {
        return new IllegalArgumentException("malformed OpenAPI document at byte " + at + ": expected " + expected);
    }
}
