package dev.verity.kustomize.patch;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A JSON value as written, for json-patch's {@code test}: Kustomize hands a patch written in JSON to json-patch as
 * it is, and {@code test} compares scalars by their compact JSON text, so {@code 1.0} does not equal the {@code 1}
 * the resource holds. Leaves keep their text; arrays and objects their structure.
 */
public sealed interface RawJson {

    /** A scalar's JSON text (a string with its quotes and escapes, a number as written, true, false, null). */
    record Leaf(String text) implements RawJson {
    }

    /** An array. */
    record RawArray(List<RawJson> items) implements RawJson {
    }

    /** An object (a later duplicate key wins, as in Go). */
    record RawObject(Map<String, RawJson> fields) implements RawJson {
    }

    /** The value of a JSON text, or null when it is not valid JSON. */
    public static RawJson parse(String text) {
        Parser parser = new Parser(text);
        try {
            parser.whitespace();
            RawJson value = parser.value();
            parser.whitespace();
            return parser.at == text.length() ? value : null;
        } catch (IllegalArgumentException | IndexOutOfBoundsException e) {
            return null;
        }
    }

    /** A recursive descent over the text. */
    final class Parser {
        private final String text;
        private int at;

        Parser(String text) {
            this.text = text;
        }

        void whitespace() {
            while (at < text.length() && " \t\r\n".indexOf(text.charAt(at)) >= 0) {
                at++;
            }
        }

        RawJson value() {
            char c = text.charAt(at);
            if (c == '{') {
                at++;
                Map<String, RawJson> fields = new LinkedHashMap<>();
                whitespace();
                if (text.charAt(at) == '}') {
                    at++;
                    return new RawObject(fields);
                }
                while (true) {
                    whitespace();
                    String key = decodeString(string());
                    whitespace();
                    expect(':');
                    whitespace();
                    fields.put(key, value());
                    whitespace();
                    if (text.charAt(at) == ',') {
                        at++;
                        continue;
                    }
                    expect('}');
                    return new RawObject(fields);
                }
            }
            if (c == '[') {
                at++;
                List<RawJson> items = new ArrayList<>();
                whitespace();
                if (text.charAt(at) == ']') {
                    at++;
                    return new RawArray(items);
                }
                while (true) {
                    whitespace();
                    items.add(value());
                    whitespace();
                    if (text.charAt(at) == ',') {
                        at++;
                        continue;
                    }
                    expect(']');
                    return new RawArray(items);
                }
            }
            if (c == '"') {
                return new Leaf(string());
            }
            int start = at;
            while (at < text.length() && ",]} \t\r\n".indexOf(text.charAt(at)) < 0) {
                at++;
            }
            String literal = text.substring(start, at);
            if (!literal.matches("true|false|null|-?(0|[1-9][0-9]*)(\\.[0-9]+)?([eE][-+]?[0-9]+)?")) {
                throw new IllegalArgumentException(literal);
            }
            return new Leaf(literal);
        }

        /** A string token with its quotes, as written. */
        private String string() {
            int start = at;
            expect('"');
            while (text.charAt(at) != '"') {
                at += text.charAt(at) == '\\' ? 2 : 1;
            }
            at++;
            return text.substring(start, at);
        }

        private void expect(char c) {
            if (text.charAt(at) != c) {
                throw new IllegalArgumentException("expected " + c);
            }
            at++;
        }

        private static String decodeString(String token) {
            StringBuilder out = new StringBuilder();
            for (int i = 1; i < token.length() - 1; i++) {
                char c = token.charAt(i);
                if (c != '\\') {
                    out.append(c);
                    continue;
                }
                char e = token.charAt(++i);
                switch (e) {
                    case 'n' -> out.append('\n');
                    case 't' -> out.append('\t');
                    case 'r' -> out.append('\r');
                    case 'b' -> out.append('\b');
                    case 'f' -> out.append('\f');
                    case 'u' -> {
                        out.append((char) Integer.parseInt(token.substring(i + 1, i + 5), 16));
                        i += 4;
                    }
                    default -> out.append(e);
                }
            }
            return out.toString();
        }
    }
}
