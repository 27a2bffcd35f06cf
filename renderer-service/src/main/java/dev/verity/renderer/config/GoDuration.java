package dev.verity.renderer.config;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Durations as Go's {@code time.ParseDuration} and Flux write them: one or more decimal numbers, each with a unit
 * ({@code ns}, {@code us}/{@code µs}, {@code ms}, {@code s}, {@code m}, {@code h}), e.g. {@code 30s}, {@code 5m},
 * {@code 1h30m}, {@code 1.5h}, {@code 500ms}. Unlike Go, a sign is not accepted and the result must be longer
 * than zero: a policy interval of zero or less means nothing useful. Days ({@code 1d}) are not a Go unit and are
 * refused, as Flux refuses them. Fractions below a nanosecond are dropped, as in Go.
 */
public final class GoDuration {

    private static final Pattern PART = Pattern.compile("(\\d+(?:\\.\\d*)?|\\.\\d+)(ns|us|µs|μs|ms|s|m|h)");
    private static final Map<String, Long> NANOS = Map.of("ns", 1L, "us", 1_000L, "µs", 1_000L, "μs", 1_000L,
            "ms", 1_000_000L, "s", 1_000_000_000L, "m", 60_000_000_000L, "h", 3_600_000_000_000L);
    private static final BigInteger NANOS_PER_SECOND = BigInteger.valueOf(1_000_000_000L);

    private GoDuration() {
    }

    /**
     * The duration {@code text} means, or empty when it is not a positive Go duration (see {@link #problem(String)}
     * for why).
     */
    public static Optional<Duration> parse(String text) {
        return problem(text) == null ? Optional.of(convert(text)) : Optional.empty();
    }

    /** Why {@code text} is not a positive Go duration, or null when it is one. */
    public static String problem(String text) {
        if (text == null || text.isBlank()) return "it is empty";
        if (text.startsWith("-")) return "it is negative";
        if (text.startsWith("+")) return "it has a sign";
        Matcher m = PART.matcher(text);
        int at = 0;
        while (at < text.length()) {
            if (!m.find(at) || m.start() != at) {
                return text.chars().allMatch(c -> Character.isDigit(c) || c == '.') ? "it has no unit"
                        : "it is not a number followed by a unit";
            }
            at = m.end();
        }
        Duration d;
        try {
            d = convert(text);
        } catch (ArithmeticException e) {
            return "it is too long";
        }
        if (d.isZero()) return "it is zero";
        return null;
    }

    private static Duration convert(String text) {
        Matcher m = PART.matcher(text);
        BigInteger nanos = BigInteger.ZERO;
        while (m.find()) {
            BigDecimal value = new BigDecimal(m.group(1).endsWith(".") ? m.group(1) + "0" : m.group(1));
            nanos = nanos.add(value.multiply(BigDecimal.valueOf(NANOS.get(m.group(2)))).toBigInteger());
        }
        BigInteger[] parts = nanos.divideAndRemainder(NANOS_PER_SECOND);
        return Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValueExact());
    }
}
