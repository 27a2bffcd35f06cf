package dev.verity.kube.schema;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.util.Map;

/**
  * Resource quantities ({@code 500m}, {@code 1Gi}, {@code 1e3}) as the API server stores them: a quantity field is
  * decoded into a {@code resource.Quantity} and encoded again, so what comes back is its canonical text
  * ({@code 1000m} → {@code 1}, {@code 0.5} → {@code 500m}, {@code 1024Mi} → {@code 1Gi}), except that text the parser
  * already finds canonical is kept as it was sent.
  *
  * <p>Follows {@code ParseQuantity} and {@code CanonicalizeBytes} of k8s.io/apimachinery {@code pkg/api/resource} at
  * v0.32.0 (Kubernetes 1.32): values round up to the nanounit, binary-suffixed values are capped at 2⁶³−1, binary
  * values below 1024 or not whole print in decimal SI, and the errors carry the server's words.
  */
public final class Quantity {

    /** The format a quantity keeps from its suffix. */
    public enum Format { DECIMAL_SI, BINARY_SI, DECIMAL_EXPONENT }

    /** What the server says of text that is not a quantity (the Go errors of package resource). */
    public static final class QuantityException extends IllegalArgumentException {
        QuantityException(String message) {
            super(message);
        }
    }

    public static final String FORMAT_WRONG = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";
    public static final String NUMERIC = "unable to parse numeric part of quantity";
    public static final String SUFFIX = "unable to parse quantity's suffix";

    private static final BigDecimal MAX_ALLOWED = BigDecimal.valueOf(Long.MAX_VALUE);
    private static final BigDecimal BINARY_LIMIT = BigDecimal.valueOf(1024);
    private static final int NANO = -9;
    private static final int MAX_INT64_FACTORS = 18;
    private static final String SUFFIX_CHARS = "eEinumkKMGTP";
    private static final Map<String, Integer> DECIMAL_SUFFIXES = Map.of("n", -9, "u", -6, "m", -3, "", 0, "k", 3, "M", 6,
            "G", 9, "T", 12, "P", 15, "E", 18);
    private static final Map<String, Integer> BINARY_SUFFIXES = Map.of("Ki", 10, "Mi", 20, "Gi", 30, "Ti", 40, "Pi", 50, "Ei", 60);

    private final BigDecimal amount;
    private final Format format;
    private final String kept;

    private Quantity(BigDecimal amount, Format format, String kept) {
        this.amount = amount;
        this.format = format;
        this.kept = kept;
    }

    /** The text the API server stores for {@code text}, e.g. {@code "1"} for {@code "1000m"}. */
    public static String canonical(String text) {
        return parse(text).toString();
    }

    /** Parses a quantity as the API server does; throws {@link QuantityException} with the server's message. */
    public static Quantity parse(String text) {
        if (text == null || text.isEmpty()) {
            throw new QuantityException(FORMAT_WRONG);
        }
        if (text.equals("0")) {
            return new Quantity(BigDecimal.ZERO, Format.DECIMAL_SI, text);
        }
        Parts parts = Parts.of(text);
        int base;
        int exponent;
        Format format;
        if (DECIMAL_SUFFIXES.containsKey(parts.suffix)) {
            base = 10;
            exponent = DECIMAL_SUFFIXES.get(parts.suffix);
            format = Format.DECIMAL_SI;
        } else if (BINARY_SUFFIXES.containsKey(parts.suffix)) {
            base = 2;
            exponent = BINARY_SUFFIXES.get(parts.suffix);
            format = Format.BINARY_SI;
        } else if (parts.suffix.length() > 1 && (parts.suffix.charAt(0) == 'e' || parts.suffix.charAt(0) == 'E')) {
            base = 10;
            try {
                exponent = Math.toIntExact(Long.parseLong(parts.suffix.substring(1)));
            } catch (NumberFormatException | ArithmeticException e) {
                throw new QuantityException(SUFFIX);
            }
            format = Format.DECIMAL_EXPONENT;
        } else {
            throw new QuantityException(SUFFIX);
        }

        Quantity fast = fastPath(text, parts, exponent, format);
        if (fast != null) {
            return fast;
        }

        BigDecimal amount = new BigDecimal(parts.num + (parts.denom.isEmpty() ? "" : "." + parts.denom));
        amount = base == 10 ? amount.scaleByPowerOfTen(exponent) : amount.multiply(new BigDecimal(BigInteger.ONE.shiftLeft(exponent)));
        if (amount.signum() != 0) {
            amount = amount.setScale(Math.max(amount.scale(), -NANO), RoundingMode.UNNECESSARY).setScale(-NANO, RoundingMode.UP);
        }
        if (format == Format.BINARY_SI && amount.compareTo(MAX_ALLOWED) > 0) {
            amount = MAX_ALLOWED;
        }
        if (format == Format.BINARY_SI && amount.compareTo(BigDecimal.ONE) < 0 && amount.signum() > 0) {
            format = Format.DECIMAL_SI;
        }
        return new Quantity(parts.positive ? amount : amount.negate(), format, null);
    }

    /** The int64 path of ParseQuantity: exact values that fit, and whether the sent text is kept as canonical. */
    private static Quantity fastPath(String text, Parts parts, int exponent, Format format) {
        int precision;
        int scale;
        long mantissa = 1;
        if (format == Format.BINARY_SI) {
            scale = 0;
            if (exponent >= 0 && parts.denom.isEmpty()) {
                mantissa = 1L << exponent;
                precision = 15 - parts.num.length() - (int) ((float) exponent * 3 / 10) - 1;
            } else {
                precision = -1;
            }
        } else {
            scale = exponent;
            precision = MAX_INT64_FACTORS - (parts.num.length() + parts.denom.length());
        }
        if (precision < 0) {
            return null;
        }
        scale -= parts.denom.length();
        if (scale < NANO) {
            return null;
        }
        String shifted = parts.num + parts.denom;
        long value;
        try {
            value = Long.parseLong(shifted);
        } catch (NumberFormatException e) {
            throw new QuantityException(NUMERIC);
        }
        long result;
        try {
            result = Math.multiplyExact(value, mantissa);
        } catch (ArithmeticException e) {
            return null;
        }
        if (!parts.positive) {
            result = -result;
        }
        boolean canonical = format == Format.BINARY_SI
                ? exponent % 10 == 0 && (value & 0x07) != 0
                : scale % 3 == 0 && !shifted.endsWith("000") && shifted.charAt(0) != '0';
        return new Quantity(BigDecimal.valueOf(result, -scale), format, canonical ? text : null);
    }

    /** The amount the quantity denotes (rounded up to the nanounit, as the server rounds it). */
    public BigDecimal amount() {
        return amount;
    }

    public Format format() {
        return format;
    }

    /** The text the server encodes: the sent text when the parser kept it, else the canonical form. */
    @Override
    public String toString() {
        return kept != null ? kept : canonicalText();
    }

    private String canonicalText() {
        if (amount.signum() == 0) {
            return "0";
        }
        Format shown = format;
        if (shown == Format.BINARY_SI) {
            boolean small = amount.compareTo(BINARY_LIMIT.negate()) > 0 && amount.compareTo(BINARY_LIMIT) < 0;
            boolean whole = amount.stripTrailingZeros().scale() <= 0;
            if (small || !whole) {
                shown = Format.DECIMAL_SI;
            }
        }
        if (shown == Format.BINARY_SI) {
            BigInteger value = amount.toBigIntegerExact();
            BigInteger kibi = BigInteger.valueOf(1024);
            int factors = 0;
            while (value.signum() != 0 && value.mod(kibi).signum() == 0) {
                value = value.divide(kibi);
                factors++;
            }
            int binaryExponent = factors * 10;
            String suffix = BINARY_SUFFIXES.entrySet().stream()
                    .filter(e -> e.getValue() == binaryExponent).findFirst().map(Map.Entry::getKey).orElse("");
            return value + suffix;
        }
        BigDecimal stripped = amount.stripTrailingZeros();
        BigInteger unscaled = stripped.unscaledValue();
        int exponent = -stripped.scale();
        while (exponent % 3 != 0) {
            unscaled = unscaled.multiply(BigInteger.TEN);
            exponent--;
        }
        if (shown == Format.DECIMAL_EXPONENT) {
            return exponent == 0 ? unscaled.toString() : unscaled + "e" + exponent;
        }
        int e = exponent;
        String suffix = DECIMAL_SUFFIXES.entrySet().stream().filter(s -> s.getValue() == e).findFirst()
                .map(Map.Entry::getKey).orElse("");
        return unscaled + suffix;
    }

    /** The pieces of quantity text, split as parseQuantityString does. */
    private record Parts(boolean positive, String num, String denom, String suffix) {

        static Parts of(String str) {
            boolean positive = true;
            int pos = 0;
            int end = str.length();
            if (str.charAt(0) == '-') {
                positive = false;
                pos++;
            } else if (str.charAt(0) == '+') {
                pos++;
            }
            while (pos < end && str.charAt(pos) == '0') {
                pos++;
            }
            if (pos >= end) {
                return new Parts(positive, "0", "", "");
            }
            int numStart = pos;
            while (pos < end && isDigit(str.charAt(pos))) {
                pos++;
            }
            String num = str.substring(numStart, pos);
            if (pos >= end) {
                return new Parts(positive, num, "", "");
            }
            if (num.isEmpty()) {
                num = "0";
            }
            String denom = "";
            if (str.charAt(pos) == '.') {
                pos++;
                int denomStart = pos;
                while (pos < end && isDigit(str.charAt(pos))) {
                    pos++;
                }
                denom = str.substring(denomStart, pos);
                if (pos >= end) {
                    return new Parts(positive, num, denom, "");
                }
            }
            int suffixStart = pos;
            while (pos < end && SUFFIX_CHARS.indexOf(str.charAt(pos)) >= 0) {
                pos++;
            }
            if (pos < end && (str.charAt(pos) == '-' || str.charAt(pos) == '+')) {
                pos++;
            }
            while (pos < end) {
                if (!isDigit(str.charAt(pos))) {
                    throw new QuantityException(FORMAT_WRONG);
                }
                pos++;
            }
            return new Parts(positive, num, denom, str.substring(suffixStart));
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }
    }
}
