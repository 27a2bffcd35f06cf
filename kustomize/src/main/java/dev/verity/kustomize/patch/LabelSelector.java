package dev.verity.kustomize.patch;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A Kubernetes label selector in its string form, as Kustomize parses {@code labelSelector} and
 * {@code annotationSelector} (with the API machinery's rules): comma-separated requirements {@code key=value},
 * {@code key==value}, {@code key!=value}, {@code key in (a,b)}, {@code key notin (a,b)}, {@code key}, {@code !key},
 * {@code key>n}, {@code key<n}. {@code !=} and {@code notin} also match a map without the key. Keys must be qualified
 * names and values valid label values, also for annotations (so an annotation selector cannot name a URL value).
 * The empty selector matches everything.
 */
public final class LabelSelector {

    private enum Operator { EQUALS, NOT_EQUALS, IN, NOT_IN, EXISTS, DOES_NOT_EXIST, GREATER_THAN, LESS_THAN }

    private record Requirement(String key, Operator operator, Set<String> values) {

        boolean matches(Map<String, String> labels) {
            boolean has = labels.containsKey(key);
            String value = labels.get(key);
            return switch (operator) {
                case EQUALS, IN -> has && values.contains(value);
                case NOT_EQUALS, NOT_IN -> !has || !values.contains(value);
                case EXISTS -> has;
                case DOES_NOT_EXIST -> !has;
                case GREATER_THAN, LESS_THAN -> {
                    if (!has) {
                        yield false;
                    }
                    long actual;
                    try {
                        actual = Long.parseLong(value);
                    } catch (NumberFormatException e) {
                        yield false;
                    }
                    long bound = Long.parseLong(values.iterator().next());
                    yield operator == Operator.GREATER_THAN ? actual > bound : actual < bound;
                }
            };
        }
    }

    private static final Pattern NAME = Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
    private static final Pattern DNS_SUBDOMAIN =
            Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    private final String text;
    private final List<Requirement> requirements;

    private LabelSelector(String text, List<Requirement> requirements) {
        this.text = text;
        this.requirements = List.copyOf(requirements);
    }

    /**
     * Parses a selector.
     *
     * @throws PatchException with Kustomize's message (e.g. {@code unable to parse requirement: found 'frontend'
     *                        expected: '('}) when the text is not a selector
     */
    public static LabelSelector parse(String text) {
        return new LabelSelector(text, new Parser(text).parse());
    }

    /** Whether the labels (or annotations) satisfy every requirement. */
    public boolean matches(Map<String, String> labels) {
        for (Requirement requirement : requirements) {
            if (!requirement.matches(labels)) {
                return false;
            }
        }
        return true;
    }

    /** Whether this selector has no requirement and so matches everything. */
    public boolean isEmpty() {
        return requirements.isEmpty();
    }

    @Override
    public String toString() {
        return text;
    }

    // --- the parser (the grammar of k8s.io/apimachinery labels.Parse) ---------------------------------------

    private static final class Parser {

        private final List<String> tokens = new ArrayList<>();
        private int position;

        Parser(String text) {
            int i = 0;
            while (i < text.length()) {
                char c = text.charAt(i);
                if (Character.isWhitespace(c)) {
                    i++;
                } else if (text.startsWith("!=", i) || text.startsWith("==", i)) {
                    tokens.add(text.substring(i, i + 2));
                    i += 2;
                } else if ("!=(),<>".indexOf(c) >= 0) {
                    tokens.add(String.valueOf(c));
                    i++;
                } else {
                    int start = i;
                    while (i < text.length() && !Character.isWhitespace(text.charAt(i))
                            && "!=(),<>".indexOf(text.charAt(i)) < 0) {
                        i++;
                    }
                    tokens.add(text.substring(start, i));
                }
            }
        }

        private String peek() {
            return position < tokens.size() ? tokens.get(position) : null;
        }

        private String next() {
            return position < tokens.size() ? tokens.get(position++) : null;
        }

        private static boolean isIdentifier(String token) {
            return token != null && !token.isEmpty() && "!=(),<>".indexOf(token.charAt(0)) < 0;
        }

        private static String describe(String token) {
            return token == null ? "" : token;
        }

        List<Requirement> parse() {
            List<Requirement> result = new ArrayList<>();
            while (true) {
                String token = peek();
                if (token == null) {
                    return result;
                }
                if (isIdentifier(token) || "!".equals(token)) {
                    result.add(requirement());
                    String after = next();
                    if (after == null) {
                        return result;
                    }
                    if (!",".equals(after)) {
                        throw new PatchException("found '" + after + "', expected: ',' or 'end of string'");
                    }
                    if (!isIdentifier(peek()) && !"!".equals(peek())) {
                        throw new PatchException("found '" + describe(peek()) + "', expected: identifier after ','");
                    }
                    continue;
                }
                throw new PatchException("found '" + token + "', expected: !, identifier, or 'end of string'");
            }
        }

        private Requirement requirement() {
            try {
                return requirementUnwrapped();
            } catch (PatchException e) {
                throw new PatchException("unable to parse requirement: " + e.getMessage());
            }
        }

        private Requirement requirementUnwrapped() {
            if ("!".equals(peek())) {
                next();
                String key = next();
                if (!isIdentifier(key)) {
                    throw new PatchException("found '" + describe(key) + "', expected: identifier");
                }
                validateKey(key);
                return new Requirement(key, Operator.DOES_NOT_EXIST, Set.of());
            }
            String key = next();
            validateKey(key);
            String token = peek();
            if (token == null || ",".equals(token)) {
                return new Requirement(key, Operator.EXISTS, Set.of());
            }
            next();
            Operator operator = switch (token) {
                case "=", "==" -> Operator.EQUALS;
                case "!=" -> Operator.NOT_EQUALS;
                case "in" -> Operator.IN;
                case "notin" -> Operator.NOT_IN;
                case ">" -> Operator.GREATER_THAN;
                case "<" -> Operator.LESS_THAN;
                default -> throw new PatchException("found '" + token
                        + "', expected: [!=, ==, =, >, <, in, notin]");
            };
            Set<String> values = new LinkedHashSet<>();
            if (operator == Operator.IN || operator == Operator.NOT_IN) {
                String open = next();
                if (!"(".equals(open)) {
                    throw new PatchException("found '" + describe(open) + "' expected: '('");
                }
                boolean expectValue = true;
                while (true) {
                    String t = next();
                    if (t == null) {
                        throw new PatchException("found '', expected: ')'");
                    }
                    if (")".equals(t)) {
                        if (expectValue && !values.isEmpty()) {
                            values.add("");
                        }
                        break;
                    }
                    if (",".equals(t)) {
                        if (expectValue) {
                            values.add("");
                        }
                        expectValue = true;
                        continue;
                    }
                    if (!isIdentifier(t) || !expectValue) {
                        throw new PatchException("found '" + t + "', expected: ',', or identifier");
                    }
                    values.add(t);
                    expectValue = false;
                }
                if (values.isEmpty()) {
                    throw new PatchException("for 'in', 'notin' operators, values set can't be empty");
                }
            } else {
                String value = peek();
                if (value == null || ",".equals(value)) {
                    values.add("");
                } else if (isIdentifier(value)) {
                    values.add(next());
                } else {
                    throw new PatchException("found '" + value + "', expected: identifier");
                }
                if (operator == Operator.GREATER_THAN || operator == Operator.LESS_THAN) {
                    try {
                        Long.parseLong(values.iterator().next());
                    } catch (NumberFormatException e) {
                        throw new PatchException("for 'Gt', 'Lt' operators, the value must be an integer");
                    }
                }
            }
            for (String value : values) {
                validateValue(key, value);
            }
            return new Requirement(key, operator, values);
        }

        private static void validateKey(String key) {
            String name = key;
            int slash = key.indexOf('/');
            if (slash >= 0) {
                String prefix = key.substring(0, slash);
                name = key.substring(slash + 1);
                if (prefix.isEmpty() || prefix.length() > 253 || !DNS_SUBDOMAIN.matcher(prefix).matches()) {
                    throw new PatchException("invalid label key \"" + key + "\": prefix part must be a DNS subdomain");
                }
            }
            if (name.isEmpty() || name.length() > 63 || !NAME.matcher(name).matches()) {
                throw new PatchException("invalid label key \"" + key + "\": name part must consist of alphanumeric"
                        + " characters, '-', '_' or '.', and must start and end with an alphanumeric character");
            }
        }

        private static void validateValue(String key, String value) {
            if (value.isEmpty()) {
                return;
            }
            if (value.length() > 63 || !NAME.matcher(value).matches()) {
                throw new PatchException("invalid label value: \"" + value + "\": at key: \"" + key + "\": a valid"
                        + " label must be an empty string or consist of alphanumeric characters, '-', '_' or '.',"
                        + " and must start and end with an alphanumeric character");
            }
        }
    }
}
