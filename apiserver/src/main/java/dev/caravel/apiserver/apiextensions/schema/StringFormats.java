package dev.caravel.apiserver.apiextensions.schema;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The string formats Kubernetes checks custom resources against: those its CRD support list names
 * (apiextensions-apiserver's supportedFormats), each checked as kube-openapi's default format
 * registry checks it. Any other format (int32, k8s names, made-up ones) is stripped from the
 * schema before validation in the reference, so it is not checked here either. A name is matched
 * after removing dashes, so {@code date-time} is {@code datetime}; case matters.
 */
final class StringFormats {

    private static final Pattern HOSTNAME = Pattern.compile(
            "^([a-zA-Z0-9\\p{S}\\p{L}]((-?[a-zA-Z0-9\\p{S}\\p{L}]{0,62})?)|([a-zA-Z0-9\\p{S}\\p{L}](([a-zA-Z0-9-\\p{S}\\p{L}]{0,61}[a-zA-Z0-9\\p{S}\\p{L}])?)(\\.)){1,}([a-zA-Z\\p{L}]){2,63})$");
    /** An address as net/mail reads the common forms: {@code local@domain} or {@code Name <local@domain>}. */
    private static final Pattern EMAIL = Pattern.compile(
            "^(?:[^<>@]*<)?[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?(?:>)?$");
    private static final Pattern UUID = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID3 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?3[0-9a-f]{3}-?[0-9a-f]{4}-?[0-9a-f]{12}$");
    private static final Pattern UUID4 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?4[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    private static final Pattern UUID5 = Pattern.compile("(?i)^[0-9a-f]{8}-?[0-9a-f]{4}-?5[0-9a-f]{3}-?[89ab][0-9a-f]{3}-?[0-9a-f]{12}$");
    /** Go's net.ParseIP refuses leading zeros in IPv4 octets (since Go 1.17). */
    private static final Pattern IPV4 = Pattern.compile("^(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})\\.(0|[1-9]\\d{0,2})$");
    private static final Pattern MAC = Pattern.compile(
            "^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){5}$|^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){5}$"
                    + "|^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){7}$|^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){7}$"
                    + "|^[0-9a-fA-F]{2}(:[0-9a-fA-F]{2}){19}$|^[0-9a-fA-F]{2}(-[0-9a-fA-F]{2}){19}$"
                    + "|^[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){2}$|^[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){3}$|^[0-9a-fA-F]{4}(\\.[0-9a-fA-F]{4}){9}$");
    private static final Pattern HEX_COLOR = Pattern.compile("^#?([0-9a-fA-F]{3}|[0-9a-fA-F]{6})$");
    private static final String OCTET = "\\s*(0|[1-9]\\d?|1\\d\\d?|2[0-4]\\d|25[0-5])\\s*";
    private static final Pattern RGB_COLOR = Pattern.compile("^rgb\\(" + OCTET + "," + OCTET + "," + OCTET + "\\)$");
    private static final Pattern ISBN10 = Pattern.compile("^(?:[0-9]{9}X|[0-9]{10})$");
    private static final Pattern ISBN13 = Pattern.compile("^(?:[0-9]{13})$");
    private static final Pattern SSN = Pattern.compile("^\\d{3}[- ]?\\d{2}[- ]?\\d{4}$");
    private static final Pattern CREDIT_CARD = Pattern.compile(
            "^(?:4[0-9]{12}(?:[0-9]{3})?|5[1-5][0-9]{14}|(222[1-9]|22[3-9][0-9]|2[3-6][0-9]{2}|27[01][0-9]|2720)[0-9]{12}"
                    + "|6(?:011|5[0-9][0-9])[0-9]{12}|3[47][0-9]{13}|3(?:0[0-5]|[68][0-9])[0-9]{11}|(?:2131|1800|35\\d{3})\\d{11}|6[27][0-9]{14})$");
    private static final Pattern BASE64 = Pattern.compile(
            "^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=|[A-Za-z0-9+/]{4})$");
    private static final Pattern BSON_OBJECT_ID = Pattern.compile("^[0-9a-fA-F]{24}$");
    private static final Pattern DATE = Pattern.compile("^\\d{4}-\\d{2}-\\d{2}$");
    /** The time half of strfmt's date-time, lower-cased; its "." matches any character, as in the reference. */
    private static final Pattern TIME = Pattern.compile("^([0-9]{2}):([0-9]{2}):([0-9]{2})(.[0-9]+)?(z|([+-][0-9]{2}:[0-9]{2}))$");
    private static final Pattern GO_DURATION = Pattern.compile(
            "^[-+]?(((\\d+(\\.\\d*)?|\\.\\d+)(ns|us|\u00b5s|\u03bcs|ms|s|m|h))+|0)$");
    private static final Pattern DURATION_PART = Pattern.compile("((\\d+)\\s*([A-Za-z\u00b5]+))");
    /** strfmt's duration units: any spelling listed, or a word starting with the last (long) one. */
    private static final List<List<String>> DURATION_UNITS = List.of(
            List.of("ns", "nanoseconds"), List.of("us", "\u00b5s", "microseconds"), List.of("ms", "milliseconds"),
            List.of("s", "seconds"), List.of("m", "minutes"), List.of("h", "hours"), List.of("d", "days"), List.of("w", "weeks"));
    private static final Pattern URI_SCHEME = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:");

    private static final Map<String, Predicate<String>> FORMATS = Map.ofEntries(
            Map.entry("bsonobjectid", s -> BSON_OBJECT_ID.matcher(s).matches()),
            Map.entry("uri", StringFormats::isRequestUri),
            Map.entry("email", s -> EMAIL.matcher(s).matches()),
            Map.entry("hostname", StringFormats::isHostname),
            Map.entry("ipv4", StringFormats::isIpv4),
            Map.entry("ipv6", StringFormats::isIpv6),
            Map.entry("cidr", StringFormats::isCidr),
            Map.entry("mac", s -> MAC.matcher(s).matches()),
            Map.entry("uuid", s -> UUID.matcher(s).matches()),
            Map.entry("uuid3", s -> UUID3.matcher(s).matches()),
            Map.entry("uuid4", s -> UUID4.matcher(s).matches()),
            Map.entry("uuid5", s -> UUID5.matcher(s).matches()),
            Map.entry("isbn", s -> isIsbn10(s) || isIsbn13(s)),
            Map.entry("isbn10", StringFormats::isIsbn10),
            Map.entry("isbn13", StringFormats::isIsbn13),
            Map.entry("creditcard", StringFormats::isCreditCard),
            Map.entry("ssn", s -> s.length() == 11 && SSN.matcher(s).matches()),
            Map.entry("hexcolor", s -> HEX_COLOR.matcher(s).matches()),
            Map.entry("rgbcolor", s -> RGB_COLOR.matcher(s).matches()),
            Map.entry("byte", s -> BASE64.matcher(s).matches()),
            Map.entry("password", s -> true),
            Map.entry("date", StringFormats::isDate),
            Map.entry("datetime", StringFormats::isDateTime),
            Map.entry("duration", StringFormats::isDuration));

    private StringFormats() {
    }

    /** Whether Kubernetes checks values of this format at all. */
    static boolean isKnown(String format) {
        return FORMATS.containsKey(format.replace("-", ""));
    }

    static boolean validates(String format, String value) {
        Predicate<String> check = FORMATS.get(format.replace("-", ""));
        return check == null || check.test(value);
    }

    private static boolean isHostname(String s) {
        if (!HOSTNAME.matcher(s).matches() || utf8Length(s) > 255) {
            return false;
        }
        for (String label : s.split("\\.", -1)) {
            if (utf8Length(label) > 63) {
                return false;
            }
        }
        return true;
    }

    private static int utf8Length(String s) {
        return s.getBytes(StandardCharsets.UTF_8).length;
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
        if (!bits.matches("0|[1-9]\\d{0,2}")) {
            return false;
        }
        int prefix = Integer.parseInt(bits);
        if (isIpv4(ip)) {
            return prefix <= 32;
        }
        return isIpv6(ip) && prefix <= 128;
    }

    /**
     * Go's url.ParseRequestURI: an absolute path, or a scheme followed by anything, with no
     * control characters, valid percent escapes and, after {@code //}, a numeric port if any.
     */
    private static boolean isRequestUri(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < 0x20 || c == 0x7f) {
                return false;
            }
            if (c == '%' && (i + 2 >= s.length() || !isHex(s.charAt(i + 1)) || !isHex(s.charAt(i + 2)))) {
                return false;
            }
        }
        if (s.startsWith("/")) {
            return true;
        }
        var scheme = URI_SCHEME.matcher(s);
        if (!scheme.find()) {
            return false;
        }
        String rest = s.substring(scheme.end());
        if (rest.startsWith("//")) {
            String authority = rest.substring(2).split("[/?#]", 2)[0];
            String hostPort = authority.substring(authority.lastIndexOf('@') + 1);
            int colon = hostPort.lastIndexOf(':');
            if (colon >= 0 && !hostPort.endsWith("]") && !hostPort.substring(colon + 1).matches("\\d*")) {
                return false;
            }
        }
        return true;
    }

    private static boolean isHex(char c) {
        return Character.digit(c, 16) >= 0;
    }

    private static boolean isIsbn10(String s) {
        String digits = s.replaceAll("[\\s-]", "");
        if (!ISBN10.matcher(digits).matches()) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 9; i++) {
            sum += (i + 1) * (digits.charAt(i) - '0');
        }
        int last = digits.charAt(9) == 'X' ? 10 : digits.charAt(9) - '0';
        sum += 10 * last;
        return sum % 11 == 0;
    }

    private static boolean isIsbn13(String s) {
        String digits = s.replaceAll("[\\s-]", "");
        if (!ISBN13.matcher(digits).matches()) {
            return false;
        }
        int sum = 0;
        for (int i = 0; i < 12; i++) {
            sum += (digits.charAt(i) - '0') * (i % 2 == 0 ? 1 : 3);
        }
        return (10 - sum % 10) % 10 == digits.charAt(12) - '0';
    }

    /** govalidator's IsCreditCard: separators ignored, a known issuer's pattern and the Luhn check. */
    private static boolean isCreditCard(String s) {
        String digits = s.replaceAll("[^0-9]", "");
        if (!CREDIT_CARD.matcher(digits).matches()) {
            return false;
        }
        int sum = 0;
        boolean twice = false;
        for (int i = digits.length() - 1; i >= 0; i--) {
            int d = digits.charAt(i) - '0';
            if (twice) {
                d *= 2;
                if (d > 9) {
                    d -= 9;
                }
            }
            sum += d;
            twice = !twice;
        }
        return sum % 10 == 0;
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

    /** strfmt's IsDateTime: a date, a "t" (any case), then hh:mm:ss, an optional fraction and a zone. */
    private static boolean isDateTime(String s) {
        if (s.length() < 4) {
            return false;
        }
        String[] halves = s.toLowerCase(Locale.ROOT).split("t", -1);
        if (halves.length < 2 || !isDate(halves[0])) {
            return false;
        }
        var m = TIME.matcher(halves[1]);
        if (!m.matches()) {
            return false;
        }
        return m.group(1).compareTo("23") <= 0 && m.group(2).compareTo("59") <= 0 && m.group(3).compareTo("59") <= 0;
    }

    /** Go's time.ParseDuration, or else strfmt's lenient reading: any number followed by a known unit. */
    private static boolean isDuration(String s) {
        if (GO_DURATION.matcher(s).matches()) {
            return true;
        }
        var m = DURATION_PART.matcher(s);
        while (m.find()) {
            String unit = m.group(3).strip().toLowerCase(Locale.ROOT);
            for (List<String> variants : DURATION_UNITS) {
                for (int i = 0; i < variants.size(); i++) {
                    String variant = variants.get(i);
                    boolean last = i == variants.size() - 1;
                    if ((last && unit.startsWith(variant)) || variant.equalsIgnoreCase(unit)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
