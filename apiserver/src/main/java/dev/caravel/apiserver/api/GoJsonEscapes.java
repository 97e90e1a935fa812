package dev.caravel.apiserver.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.SerializableString;
import com.fasterxml.jackson.core.io.CharacterEscapes;
import com.fasterxml.jackson.core.io.SerializedString;

/**
 * String escaping as Go's encoding/json writes it, which is what Kubernetes' JSON serializer
 * sends: {@code <}, {@code >} and {@code &} as <code>&#92;u003c</code>, <code>&#92;u003e</code>,
 * <code>&#92;u0026</code> (Go's HTML-safe default), U+2028 and U+2029 escaped, other control
 * characters as <code>&#92;u00xx</code> in lower-case hex. A message such as {@code <nil>: Invalid
 * value} thus comes out byte for byte as Kubernetes' <code>&#92;u003cnil&#92;u003e: Invalid value</code>.
 *
 * <p>Use {@link #factory()} for any JSON the server writes when the bytes must match Kubernetes'.
 */
public final class GoJsonEscapes extends CharacterEscapes {

    private static final GoJsonEscapes INSTANCE = new GoJsonEscapes();
    private static final JsonFactory FACTORY = new JsonFactory().setCharacterEscapes(INSTANCE);

    private final int[] asciiEscapes;

    private GoJsonEscapes() {
        int[] escapes = CharacterEscapes.standardAsciiEscapesForJSON();
        for (int c = 0; c < 0x20; c++) {
            if (c != '\b' && c != '\f' && c != '\n' && c != '\r' && c != '\t') {
                escapes[c] = ESCAPE_CUSTOM;
            }
        }
        escapes['<'] = ESCAPE_CUSTOM;
        escapes['>'] = ESCAPE_CUSTOM;
        escapes['&'] = ESCAPE_CUSTOM;
        this.asciiEscapes = escapes;
    }

    /** A JSON factory whose generators escape strings as Go does; shared, so never reconfigure it. */
    public static JsonFactory factory() {
        return FACTORY;
    }

    @Override
    public int[] getEscapeCodesForAscii() {
        return asciiEscapes.clone();
    }

    @Override
    public SerializableString getEscapeSequence(int ch) {
        if (ch < 0x20 || ch == '<' || ch == '>' || ch == '&' || ch == 0x2028 || ch == 0x2029) {
            return new SerializedString(String.format("\\u%04x", ch));
        }
        return null;
    }
}
