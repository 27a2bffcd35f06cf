package dev.verity.notifier.routing;

import java.util.List;
import java.util.regex.Pattern;

/**
 * What a route matches: each list is a set of alternatives (glob patterns, {@code *} for any characters, for cluster,
 * app and environment; names for kind and severity), an empty list matches anything, and all lists must match. An
 * alert about a whole repository has no cluster, app or environment, so a route naming any of them never matches
 * it.
 */
public record RouteMatch(List<String> clusters, List<String> apps, List<String> environments, List<String> kinds,
        List<String> severities) {

    /** Matches every alert. */
    public static final RouteMatch ANY = new RouteMatch(List.of(), List.of(), List.of(), List.of(), List.of());

    public RouteMatch {
        clusters = clean(clusters);
        apps = clean(apps);
        environments = clean(environments);
        kinds = clean(kinds);
        severities = clean(severities);
        for (String k : kinds) {
            if (!AlertSubject.KINDS.contains(k)) {
                throw new IllegalArgumentException("kind '" + k + "' is not one of " + String.join(", ", AlertSubject.KINDS));
            }
        }
        for (String s : severities) {
            if (!AlertSubject.SEVERITIES.contains(s)) {
                throw new IllegalArgumentException("severity '" + s + "' is not one of "
                        + String.join(", ", AlertSubject.SEVERITIES));
            }
        }
    }

    public boolean matches(AlertSubject subject) {
        return any(clusters, subject.cluster()) && any(apps, subject.app()) && any(environments, subject.environment())
                && (kinds.isEmpty() || kinds.contains(subject.kind()))
                && (severities.isEmpty() || severities.contains(subject.severity()));
    }

    private static boolean any(List<String> globs, String value) {
        if (globs.isEmpty()) return true;
        if (value == null) return false;
        for (String glob : globs) if (glob(glob).matcher(value).matches()) return true;
        return false;
    }

    private static Pattern glob(String glob) {
        StringBuilder regex = new StringBuilder();
        for (String part : glob.split("\\*", -1)) {
            if (!regex.isEmpty()) regex.append(".*");
            regex.append(Pattern.quote(part));
        }
        return Pattern.compile(regex.toString());
    }

    private static List<String> clean(List<String> values) {
        return values == null ? List.of() : values.stream().map(String::strip).filter(v -> !v.isEmpty()).toList();
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder();
        append(b, "cluster", clusters);
        append(b, "app", apps);
        append(b, "environment", environments);
        append(b, "kind", kinds);
        append(b, "severity", severities);
        return b.isEmpty() ? "everything" : b.toString();
    }

    private static void append(StringBuilder b, String name, List<String> values) {
        if (values.isEmpty()) return;
        if (!b.isEmpty()) b.append(", ");
        b.append(name).append(" ").append(String.join("|", values));
    }
}
