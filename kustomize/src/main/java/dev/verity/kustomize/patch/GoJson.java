package dev.verity.kustomize.patch;

import java.math.BigDecimal;

import dev.verity.kustomize.yaml.ScalarNode;

/** A scalar as Go's {@code encoding/json} writes it (HTML characters escaped, floats in its 'f' or 'e' form). */
final class GoJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private GoJson() {
    }

    static String scalar(ScalarNode scalar) {
        return switch (scalar.tag()) {
            case STR -> string(scalar.value());
            case INT, BOOL -> scalar.value();
            case NULL -> "null";
            case FLOAT -> number(scalar.value());
        };
    }

    /** A float64 as {@code json.Marshal} writes it: 'f' between 1e-6 and 1e21, else 'e' with a short exponent. */
    static String number(String canonical) {
        double value = Double.parseDouble(canonical);
        double abs = Math.abs(value);
        if (abs == 0 || (abs >= 1e-6 && abs < 1e21)) {
            String plain = new BigDecimal(canonical).toPlainString();
            return plain;
        }
        // the canonical text is Go's shortest %g, already in 'e' form here; json drops the exponent's leading zero
        return canonical.replaceFirst("e([-+])0([0-9])$", "e$1$2");
    }

    static String string(String value) {
        StringBuilder out = new StringBuilder("\"");
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                case '<', '>', '&', '\u2028', '\u2029' -> unicode(out, c);
                default -> {
                    if (c < 0x20) {
                        unicode(out, c);
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.append('"').toString();
    }

    private static void unicode(StringBuilder out, char c) {
        out.append("\\u00").append(HEX[(c >> 4) & 0xF]).append(HEX[c & 0xF]);
        if (c > 0xFF) {
            out.setLength(out.length() - 6);
            out.append("\\u").append(HEX[(c >> 12) & 0xF]).append(HEX[(c >> 8) & 0xF]).append(HEX[(c >> 4) & 0xF])
                    .append(HEX[c & 0xF]);
        }
    }
}
