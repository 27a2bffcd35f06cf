package dev.verity.kustomize.yaml;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.MathContext;
import java.math.RoundingMode;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How Kustomize types an unquoted scalar and what text it prints for it. Kustomize reads YAML with go-yaml v3 rules
 * (only {@code true}/{@code false} are booleans, {@code yes}/{@code on} are strings, {@code 0777} is octal, dates are
 * timestamps) and then passes every resource through JSON, which turns timestamps into RFC 3339 strings, integral
 * floats below 1e21 into integers and other floats into Go's shortest {@code %g} form ({@code 1.5e-07}).
 */
public final class Scalars {

    private static final Set<String> NULLS = Set.of("", "~", "null", "Null", "NULL");
    private static final Set<String> TRUES = Set.of("true", "True", "TRUE");
    private static final Set<String> FALSES = Set.of("false", "False", "FALSE");
    /** YAML 1.1 booleans that go-yaml quotes on output so that older readers still see strings. */
    private static final Set<String> OLD_BOOLS = Set.of("y", "Y", "yes", "Yes", "YES", "on", "On", "ON",
            "n", "N", "no", "No", "NO", "off", "Off", "OFF");
    private static final Pattern FLOAT = Pattern.compile("[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)([eE][-+]?[0-9]+)?");
    private static final Pattern BASE60_FLOAT = Pattern.compile("[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+(?:\\.[0-9_]*)?");
    /** go-yaml's timestamp layouts: a date, date[Tt]time with a zone (Z or ±hh:mm), or "date time" in UTC. */
    private static final Pattern TIMESTAMP = Pattern.compile(
            "([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})"
                    + "(?:[Tt]([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.([0-9]+))?(Z|[-+][0-9]{2}:[0-9]{2})"
                    + "| ([0-9]{1,2}):([0-9]{1,2}):([0-9]{1,2})(?:\\.([0-9]+))?)?");
    private static final BigInteger UINT64_MAX = BigInteger.ONE.shiftLeft(64).subtract(BigInteger.ONE);

    private Scalars() {
    }

    /** The typed scalar Kustomize makes of an unquoted (plain) scalar, after its JSON round trip. */
    public static ScalarNode resolvePlain(String text) {
        if (NULLS.contains(text)) {
            return ScalarNode.NULL;
        }
        if (TRUES.contains(text)) {
            return ScalarNode.bool(true);
        }
        if (FALSES.contains(text)) {
            return ScalarNode.bool(false);
        }
        char first = text.charAt(0);
        if (!(first >= '0' && first <= '9') && first != '-' && first != '+' && first != '.') {
            return ScalarNode.str(text);
        }
        if (text.equals(".inf") || text.equals(".Inf") || text.equals(".INF") || text.endsWith(".inf")
                || text.endsWith(".Inf") || text.endsWith(".INF") || text.equalsIgnoreCase(".nan")) {
            if (text.matches("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)")) {
                throw new YamlException("json: unsupported value: " + text
                        + " (infinity and NaN cannot pass through Kustomize's JSON conversion)");
            }
        }
        String timestamp = timestamp(text);
        if (timestamp != null) {
            return ScalarNode.str(timestamp);
        }
        String plain = text.replace("_", "");
        BigInteger integer = parseGoInteger(plain);
        if (integer != null) {
            if (integer.bitLength() < 64 || (integer.signum() > 0 && integer.compareTo(UINT64_MAX) <= 0)) {
                return new ScalarNode(ScalarNode.Tag.INT, integer.toString());
            }
        }
        if (FLOAT.matcher(plain).matches()) {
            double value = Double.parseDouble(plain);
            if (!Double.isInfinite(value)) {
                return number(value);
            }
        }
        return ScalarNode.str(text);
    }

    /**
     * The typed scalar go-yaml v2 (YAML 1.1, as sigs.k8s.io/yaml reads a kustomization file) makes of an unquoted
     * scalar: the YAML 1.1 booleans ({@code y}, {@code yes}, {@code on}, {@code n}, {@code no}, {@code off} in their
     * three cases) are booleans, and a timestamp stays the string written; numbers and nulls as {@link #resolvePlain}.
     */
    public static ScalarNode resolvePlainYaml11(String text) {
        if (OLD_BOOLS.contains(text)) {
            char first = Character.toLowerCase(text.charAt(0));
            return ScalarNode.bool(first == 'y' || text.equalsIgnoreCase("on"));
        }
        if (TIMESTAMP.matcher(text).matches()) {
            return ScalarNode.str(text);
        }
        return resolvePlain(text);
    }

    /** Whether go-yaml reads this unquoted text as a timestamp. */
    public static boolean isTimestamp(String text) {
        return TIMESTAMP.matcher(text).matches();
    }

    /** A float as Kustomize's JSON round trip leaves it: an integer when integral and below 1e21. */
    public static ScalarNode number(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e21) {
            BigInteger integral = new BigDecimal(value).toBigIntegerExact();
            if (integral.bitLength() < 64 || (integral.signum() > 0 && integral.compareTo(UINT64_MAX) <= 0)) {
                return new ScalarNode(ScalarNode.Tag.INT, integral.toString());
            }
        }
        return new ScalarNode(ScalarNode.Tag.FLOAT, formatGoG(value));
    }

    /** Go's {@code strconv.FormatFloat(v, 'g', -1, 64)}. */
    static String formatGoG(double value) {
        if (value == 0) {
            return (1 / value < 0) ? "-0" : "0";
        }
        BigDecimal exact = new BigDecimal(value);
        BigDecimal shortest = exact;
        for (int precision = 1; precision <= 17; precision++) {
            BigDecimal candidate = exact.round(new MathContext(precision, RoundingMode.HALF_EVEN));
            if (candidate.doubleValue() == value) {
                shortest = candidate;
                break;
            }
        }
        shortest = shortest.stripTrailingZeros();
        String digits = shortest.unscaledValue().abs().toString();
        int decimalPoint = digits.length() - shortest.scale();
        int exponent = decimalPoint - 1;
        StringBuilder out = new StringBuilder();
        if (value < 0) {
            out.append('-');
        }
        if (exponent < -4 || exponent >= 21 || exponent >= 6) {
            out.append(digits.charAt(0));
            if (digits.length() > 1) {
                out.append('.').append(digits, 1, digits.length());
            }
            out.append('e').append(exponent < 0 ? '-' : '+');
            int abs = Math.abs(exponent);
            if (abs < 10) {
                out.append('0');
            }
            out.append(abs);
        } else if (decimalPoint <= 0) {
            out.append("0.").append("0".repeat(-decimalPoint)).append(digits);
        } else if (decimalPoint >= digits.length()) {
            out.append(digits).append("0".repeat(decimalPoint - digits.length()));
        } else {
            out.append(digits, 0, decimalPoint).append('.').append(digits, decimalPoint, digits.length());
        }
        return out.toString();
    }

    /** Go's {@code strconv.ParseInt(s, 0, 64)} / {@code ParseUint} syntax, without the range check; null if not one. */
    private static BigInteger parseGoInteger(String s) {
        int i = 0;
        boolean negative = false;
        if (!s.isEmpty() && (s.charAt(0) == '+' || s.charAt(0) == '-')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        String body = s.substring(i);
        if (body.isEmpty()) {
            return null;
        }
        int radix = 10;
        String digits = body;
        if (body.length() > 1 && body.charAt(0) == '0') {
            char marker = body.charAt(1);
            if (marker == 'x' || marker == 'X') {
                radix = 16;
                digits = body.substring(2);
            } else if (marker == 'b' || marker == 'B') {
                radix = 2;
                digits = body.substring(2);
            } else if (marker == 'o' || marker == 'O') {
                radix = 8;
                digits = body.substring(2);
            } else {
                radix = 8;
                digits = body.substring(1);
            }
        }
        if (digits.isEmpty()) {
            return null;
        }
        for (int k = 0; k < digits.length(); k++) {
            if (Character.digit(digits.charAt(k), radix) < 0) {
                return null;
            }
        }
        BigInteger value = new BigInteger(digits, radix);
        return negative ? value.negate() : value;
    }

    /** The RFC 3339 text Go's JSON encoder gives a YAML timestamp, or null if the text is not one. */
    private static String timestamp(String text) {
        Matcher m = TIMESTAMP.matcher(text);
        if (!m.matches()) {
            return null;
        }
        try {
            LocalDate date = LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
            int g = m.group(4) != null ? 4 : m.group(9) != null ? 9 : -1;
            if (g < 0) {
                return date + "T00:00:00Z";
            }
            String fraction = m.group(g + 3) == null ? "" : m.group(g + 3);
            if (fraction.length() > 9) {
                fraction = fraction.substring(0, 9);
            }
            int nanos = fraction.isEmpty() ? 0 : Integer.parseInt((fraction + "000000000").substring(0, 9));
            LocalDateTime local = date.atTime(Integer.parseInt(m.group(g)), Integer.parseInt(m.group(g + 1)),
                    Integer.parseInt(m.group(g + 2)), nanos);
            String zone = g == 4 ? m.group(8) : null;
            String fractionText = "";
            if (nanos != 0) {
                fractionText = "." + String.format("%09d", nanos).replaceAll("0+$", "");
            }
            String base = local.format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss")) + fractionText;
            if (zone == null || zone.equals("Z")) {
                return base + "Z";
            }
            String[] parts = zone.substring(1).split(":");
            int hours = Integer.parseInt(parts[0]);
            int minutes = parts.length > 1 ? Integer.parseInt(parts[1]) : 0;
            ZoneOffset offset = ZoneOffset.ofHoursMinutes(zone.charAt(0) == '-' ? -hours : hours,
                    zone.charAt(0) == '-' ? -minutes : minutes);
            return OffsetDateTime.of(local, offset).format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss"))
                    + fractionText + offset.getId();
        } catch (RuntimeException e) {
            return null;
        }
    }

    /**
     * Whether a string must be quoted on output so that it reads back as a string: it would resolve to another type,
     * or it is a YAML 1.1 boolean or sexagesimal number (go-yaml quotes those for older readers).
     */
    public static boolean needsQuotes(String value) {
        if (OLD_BOOLS.contains(value) || BASE60_FLOAT.matcher(value).matches()) {
            return true;
        }
        if (value.isEmpty()) {
            return true;
        }
        return resolvesToNonString(value);
    }

    private static boolean resolvesToNonString(String value) {
        if (NULLS.contains(value) || TRUES.contains(value) || FALSES.contains(value)) {
            return true;
        }
        char first = value.charAt(0);
        if (!(first >= '0' && first <= '9') && first != '-' && first != '+' && first != '.') {
            return false;
        }
        if (value.matches("[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)")) {
            return true;
        }
        if (TIMESTAMP.matcher(value).matches() && timestamp(value) != null) {
            return true;
        }
        String plain = value.replace("_", "");
        BigInteger integer = parseGoInteger(plain);
        if (integer != null && (integer.bitLength() < 64
                || (integer.signum() > 0 && integer.compareTo(UINT64_MAX) <= 0))) {
            return true;
        }
        if (FLOAT.matcher(plain).matches() && !Double.isInfinite(Double.parseDouble(plain))) {
            return true;
        }
        return false;
    }
}
