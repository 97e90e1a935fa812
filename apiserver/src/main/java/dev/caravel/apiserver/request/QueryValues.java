package dev.caravel.apiserver.request;

import dev.caravel.apiserver.api.GoQuote;
import dev.caravel.apiserver.api.StatusException;

/**
 * Kubernetes' conversions of query parameters to typed option fields (apimachinery's
 * {@code runtime/conversion.go}), with the error text Go's strconv gives, which the handlers
 * answer as 400 BadRequest unchanged.
 */
final class QueryValues {

    private QueryValues() {
    }

    /** Absent, {@code 0} and {@code false} (any case) are false; anything else, the empty string included, is true. */
    static boolean bool(QueryParameters query, String key) {
        String v = query.first(key);
        if (v == null) {
            return false;
        }
        return !(v.equals("0") || v.equalsIgnoreCase("false"));
    }

    /** Null when absent, else {@link #bool}. */
    static Boolean optionalBool(QueryParameters query, String key) {
        return query.has(key) ? bool(query, key) : null;
    }

    /** 0 when absent. */
    static long int64(QueryParameters query, String key) {
        String v = query.first(key);
        return v == null ? 0 : parseInt64(v);
    }

    /** Null when absent. */
    static Long optionalInt64(QueryParameters query, String key) {
        String v = query.first(key);
        return v == null ? null : parseInt64(v);
    }

    /** strconv.ParseInt(s, 10, 64), failing with Go's message as a 400. */
    static long parseInt64(String s) {
        int start = !s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-') ? 1 : 0;
        boolean digits = s.length() > start;
        for (int i = start; i < s.length() && digits; i++) {
            char c = s.charAt(i);
            digits = c >= '0' && c <= '9';
        }
        if (!digits) {
            throw StatusException.badRequest("strconv.ParseInt: parsing " + GoQuote.quote(s) + ": invalid syntax");
        }
        try {
            return Long.parseLong(s.charAt(0) == '+' ? s.substring(1) : s);
        } catch (NumberFormatException e) {
            throw StatusException.badRequest("strconv.ParseInt: parsing " + GoQuote.quote(s) + ": value out of range");
        }
    }
}
