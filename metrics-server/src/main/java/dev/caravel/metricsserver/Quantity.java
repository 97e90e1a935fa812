package dev.caravel.metricsserver;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Kubernetes resource quantity ({@code 250m}, {@code 1.5}, {@code 128Mi}, {@code 1e3}) as an exact
 * decimal, and the canonical text the real metrics-server writes for usage: CPU in nanocores
 * ({@code 137482315n}, or {@code 2500m} when exact) and memory in bytes with the largest binary
 * suffix that divides them ({@code 1460024Ki}).
 *
 * <p>Written here rather than taken from a client library: the two that have one (fabric8's model,
 * the official client) would bring their whole object model for one parser (decision 0024).
 */
public record Quantity(BigDecimal value) {

    // number, then either an exponent (e3, E-2) or a decimal or binary suffix; Kubernetes' grammar.
    private static final Pattern SYNTAX = Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))((?:[eE][+-]?[0-9]+)|[a-zA-Z]*)");

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("", BigDecimal.ONE),
            Map.entry("n", new BigDecimal("1e-9")),
            Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")),
            Map.entry("k", new BigDecimal("1e3")),
            Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")),
            Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")),
            Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(1L << 10)),
            Map.entry("Mi", BigDecimal.valueOf(1L << 20)),
            Map.entry("Gi", BigDecimal.valueOf(1L << 30)),
            Map.entry("Ti", BigDecimal.valueOf(1L << 40)),
            Map.entry("Pi", BigDecimal.valueOf(1L << 50)),
            Map.entry("Ei", BigDecimal.valueOf(1L << 60)));

    private static final String[] DECIMAL_UP = {"n", "u", "m", "", "k", "M", "G", "T", "P", "E"};
    private static final String[] BINARY_UP = {"", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"};

    public Quantity {
        Objects.requireNonNull(value, "value");
    }

    /**
     * @throws IllegalArgumentException for text that is not a quantity, with Kubernetes' message
     */
    public static Quantity parse(String text) {
        Matcher m = SYNTAX.matcher(text == null ? "" : text.trim());
        if (!m.matches()) {
            throw new IllegalArgumentException("quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
        }
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2);
        if (!suffix.isEmpty() && (suffix.charAt(0) == 'e' || suffix.charAt(0) == 'E')) {
            return new Quantity(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))));
        }
        BigDecimal multiplier = SUFFIXES.get(suffix);
        if (multiplier == null) {
            throw new IllegalArgumentException("unable to parse quantity's suffix");
        }
        return new Quantity(number.multiply(multiplier));
    }

    /** The value in billionths, rounded up as Kubernetes rounds a quantity to a scale: CPU in nanocores. */
    public long nanos() {
        return value.scaleByPowerOfTen(9).setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** The value as a whole number, rounded up: memory in bytes. */
    public long whole() {
        return value.setScale(0, RoundingMode.CEILING).longValueExact();
    }

    /** {@code 137482315n}; {@code 250m}, {@code 2} or {@code 0} when that is exact, as Go's canonical form. */
    public static String cpu(long nanocores) {
        if (nanocores == 0) {
            return "0";
        }
        long mantissa = nanocores;
        int step = 0;
        while (mantissa % 1000 == 0 && step < DECIMAL_UP.length - 1) {
            mantissa /= 1000;
            step++;
        }
        return mantissa + DECIMAL_UP[step];
    }

    /**
     * {@code 1460024Ki}: bytes with the largest binary suffix that divides them exactly; below
     * 1024, or not divisible by it, the plain number, as Go's BinarySI canonical form.
     */
    public static String memory(long bytes) {
        if (Math.abs(bytes) < 1024) {
            return Long.toString(bytes);
        }
        long mantissa = bytes;
        int step = 0;
        while (mantissa % 1024 == 0 && step < BINARY_UP.length - 1) {
            mantissa /= 1024;
            step++;
        }
        return mantissa + BINARY_UP[step];
    }
}
