package dev.verity.kube.diff;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Kubernetes resource quantities ({@code 500m}, {@code 1Gi}, {@code 1e3}): the API server stores them in canonical
 * form, so {@code cpu: 1} comes back as {@code "1"}, {@code 1000m} as {@code "1"} and {@code 0.5} as {@code "500m"}.
 * Two quantities are the same when they denote the same amount.
 */
final class Quantities {

    private static final Pattern QUANTITY =
            Pattern.compile("([+-]?(?:[0-9]+(?:\\.[0-9]*)?|\\.[0-9]+))([eE][+-]?[0-9]+|Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E)?");

    private static final Map<String, BigDecimal> SUFFIXES = Map.ofEntries(
            Map.entry("n", new BigDecimal("1e-9")), Map.entry("u", new BigDecimal("1e-6")),
            Map.entry("m", new BigDecimal("1e-3")), Map.entry("", BigDecimal.ONE),
            Map.entry("k", new BigDecimal("1e3")), Map.entry("M", new BigDecimal("1e6")),
            Map.entry("G", new BigDecimal("1e9")), Map.entry("T", new BigDecimal("1e12")),
            Map.entry("P", new BigDecimal("1e15")), Map.entry("E", new BigDecimal("1e18")),
            Map.entry("Ki", BigDecimal.valueOf(2).pow(10)), Map.entry("Mi", BigDecimal.valueOf(2).pow(20)),
            Map.entry("Gi", BigDecimal.valueOf(2).pow(30)), Map.entry("Ti", BigDecimal.valueOf(2).pow(40)),
            Map.entry("Pi", BigDecimal.valueOf(2).pow(50)), Map.entry("Ei", BigDecimal.valueOf(2).pow(60)));

    private Quantities() {
    }

    /** The amount a quantity denotes, or empty when the text is not a quantity. */
    static Optional<BigDecimal> amount(String text) {
        if (text == null) return Optional.empty();
        Matcher m = QUANTITY.matcher(text.trim());
        if (!m.matches()) return Optional.empty();
        BigDecimal number = new BigDecimal(m.group(1));
        String suffix = m.group(2) == null ? "" : m.group(2);
        if (suffix.startsWith("e") || suffix.startsWith("E") && suffix.length() > 1) {
            return Optional.of(number.scaleByPowerOfTen(Integer.parseInt(suffix.substring(1))));
        }
        return Optional.of(number.multiply(SUFFIXES.get(suffix)));
    }

    /** True when both texts are quantities of the same amount. */
    static boolean sameAmount(String a, String b) {
        Optional<BigDecimal> x = amount(a);
        Optional<BigDecimal> y = amount(b);
        return x.isPresent() && y.isPresent() && x.get().compareTo(y.get()) == 0;
    }
}
