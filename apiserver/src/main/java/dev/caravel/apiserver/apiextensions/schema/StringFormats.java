package dev.caravel.apiserver.apiextensions.schema;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The string formats of kube-openapi's default registry, which Kubernetes checks custom resources
 * against. A format it does not know is not checked (Kubernetes only warns about it when the CRD
 * is written). Names are matched the way the registry matches them: case and dashes ignored, so
 * {@code date-time} and {@code datetime} are one format.
 */
final class StringFormats {

    private static final Pattern HOSTNAME = Pattern.compile(
            "^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$");
    private static final Pattern EMAIL = Pattern.compile("^[^@\\s<>()\\[\\]\\\\,;:\"]+@[^@\\s<>()\\[\\]\\\\,;:\"]+$");
    private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID4 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern UUID5 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern IPV4 = Pattern.compile("^(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})$");
    private static final Pattern MAC = Pattern.compile(
            "^([0-9a-fA-F]{2}[:-]){5}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}[:-]){7}[0-9a-fA-F]{2}$|^([0-9a-fA-F]{2}[:-]){19}[0-9a-fA-F]{2}$"
                    + "|^([0-9a-fA-F]{4}\\.){2}[0-9a-fA-F]{4}$|^([0-9a-fA-F]{4}\\.){3}[0-9a-fA-F]{4}$|^([0-9a-fA-F]{4}\\.){9}[0-9a-fA-F]{4}$");
    private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final String OCTET = "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*";
    private static final Pattern RGB_COLOR = Pattern.compile("^rgb\\(" + OCTET + "," + OCTET + "," + OCTET + "\\)$");
    private static final Pattern ISBN10 = Pattern.compile("^(?:[0-9]{9}X|[0-9]{10})$");
    private static final Pattern ISBN13 = Pattern.compile("^(?:[0-9]{13})$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
    private static final Pattern CREDIT_CARD = Pattern.compile(
            "^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11})$");
    private static final Pattern BSON_OBJECT_ID = Pattern.compile("^[0-9a-fA-F]{24}$");
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
    private static final Pattern DATE_TIME = Pattern.compile(
            "^(\\d{4}-\\d{2}-\\d{2})[Tt ](\\d{2}:\\d{2}(:\\d{2}(\\.\\d{1,9})?)?)([Zz]|[+-]\\d{2}:?\\d{2})?$");
    private static final Pattern DURATION_PART = Pattern.compile("(\\d+)\\s*([A-Za-zµ]+)");
    private static final Pattern GO_DURATION = Pattern.compile("^[-+]?((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h))+$|^[-+]?0$");
    private static final java.util.Set<String> DURATION_UNITS = java.util.Set.of(
            "ns", "us", "µs", "ms", "s", "sec", "secs", "second", "seconds", "m", "min", "mins", "minute", "minutes",
            "h", "hr", "hrs", "hour", "hours", "d", "day", "days", "w", "wk", "wks", "week", "weeks");

    private static final Map<String, Predicate<String>> FORMATS = Map.ofEntries(
            Map.entry("bsonobjectid", s -> BSON_OBJECT_ID.matcher(s).matches()),
            Map.entry("uri", StringFormats::isUri),
            Map.entry("email", s -> EMAIL.matcher(s).matches()),
            Map.entry("hostname", s -> s.length() <= 255 && HOSTNAME.matcher(s).matches()),
            Map.entry("ipv4", StringFormats::isIpv4),
            Map.entry("ipv6", StringFormats::isIpv6),
            Map.entry("cidr", StringFormats::isCidr),
            Map.entry("mac", s -> MAC.matcher(s).matches()),
            Map.entry("uuid", s -> UUID.matcher(s).matches()),
            Map.entry("uuid3", s -> UUID3.matcher(s).matches()),
            Map.entry("uuid4", s -> UUID4.matcher(s).matches()),
            Map.entry("uuid5", s -> UUID5.matcher(s).matches()),
            Map.entry("isbn", s -> ISBN10.matcher(s).matches() || ISBN13.matcher(s).matches()),
            Map.entry("isbn10", s -> ISBN10.matcher(s).matches()),
            Map.entry("isbn13", s -> ISBN13.matcher(s).matches()),
            Map.entry("creditcard", s -> CREDIT_CARD.matcher(s).matches()),
            Map.entry("ssn", s -> SSN.matcher(s).matches()),
            Map.entry("hexcolor", s -> HEX_COLOR.matcher(s).matches()),
            Map.entry("rgbcolor", s -> RGB_COLOR.matcher(s).matches()),
            Map.entry("byte", StringFormats::isBase64),
            Map.entry("password", s -> true),
            Map.entry("date", StringFormats::isDate),
            Map.entry("datetime", StringFormats::isDateTime),
            Map.entry("duration", StringFormats::isDuration));

    private StringFormats() {
    }

    static boolean isKnown(String format) {
        return FORMATS.containsKey(normalize(format));
    }

    static boolean validates(String format, String value) {
        Predicate<String> check = FORMATS.get(normalize(format));
        return check == null || check.test(value);
    }

    private static String normalize(String format) {
        return format.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
    }

    private static boolean isIpv4(String s) {
        var m = IPV4.matcher(s);
        if (!m.matches()) {
            return false;
        }
        for (int i = 1; i <= 4; i++) {
            if (Integer.parseInt(m.group(i)) > 255) {
                return false;
            }
        }
        return true;
    }

    /** A literal with a colon is parsed by the JDK without any name lookup. */
    private static boolean isIpv6(String s) {
        if (!s.contains(":") || !s.matches("[0-9A-Fa-f:.]+")) {
            return false;
        }
        try {
            InetAddress.getByName(s);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static boolean isCidr(String s) {
        int slash = s.indexOf('/');
        if (slash < 0) {
            return false;
        }
        String ip = s.substring(0, slash);
        String bits = s.substring(slash + 1);
        if (!bits.matches("\\d{1,3}")) {
            return false;
        }
        int prefix = Integer.parseInt(bits);
        if (isIpv4(ip)) {
            return prefix <= 32;
        }
        return isIpv6(ip) && prefix <= 128;
    }

    /** Go's url.Parse accepts nearly anything; it refuses control characters, bad escapes and a missing scheme before a colon. */
    private static boolean isUri(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
            if (c == '%') {
                if (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2))) {
                    return false;
                }
            }
        }
        return !s.startsWith(":");
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean isBase64(String s) {
        try {
            Base64.getDecoder().decode(s);
            return true;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean isDate(String s) {
        if (!DATE.matcher(s).matches()) {
            return false;
        }
        try {
            LocalDate.parse(s);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isDateTime(String s) {
        var m = DATE_TIME.matcher(s);
        if (!m.matches()) {
            return false;
        }
        String zone = m.group(5) == null ? "Z" : m.group(5).toUpperCase(Locale.ROOT);
        if (zone.length() == 5) {
            zone = zone.substring(0, 3) + ":" + zone.substring(3);
        }
        String time = m.group(3) == null ? m.group(2) + ":00" : m.group(2);
        try {
            OffsetDateTime.parse(m.group(1) + "T" + time + zone);
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    private static boolean isDuration(String s) {
        if (GO_DURATION.matcher(s).matches()) {
            return true;
        }
        var m = DURATION_PART.matcher(s);
        boolean any = false;
        int end = 0;
        while (m.find()) {
            if (!s.substring(end, m.start()).isBlank()) {
                return false;
            }
            if (!DURATION_UNITS.contains(m.group(2))) {
                return false;
            }
            any = true;
            end = m.end();
        }
        return any && s.substring(end).isBlank();
    }
}
