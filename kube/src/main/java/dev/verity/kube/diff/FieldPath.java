package dev.verity.kube.diff;

import java.util.regex.Pattern;

/**
 * A readable path into an object: {@code spec.replicas}, {@code metadata.labels["app.kubernetes.io/name"]},
 * {@code spec.template.spec.containers[name=web].ports[containerPort=80,protocol=TCP]}. Keys that are plain
 * identifiers are joined with dots; any other key is quoted in brackets, so a path is never ambiguous.
 */
final class FieldPath {

    private static final Pattern PLAIN = Pattern.compile("[A-Za-z_$][A-Za-z0-9_$-]*");

    static final FieldPath ROOT = new FieldPath("");

    private final String text;

    private FieldPath(String text) {
        this.text = text;
    }

    /** The path of a map entry. */
    FieldPath field(String key) {
        if (PLAIN.matcher(key).matches()) return new FieldPath(text.isEmpty() ? key : text + "." + key);
        return new FieldPath(text + "[\"" + key.replace("\\", "\\\\").replace("\"", "\\\"") + "\"]");
    }

    /** The path of a list item identified by its key fields, already rendered as {@code name=web}. */
    FieldPath item(String renderedKey) {
        return new FieldPath(text + "[" + renderedKey + "]");
    }

    @Override
    public String toString() {
        return text;
    }
}
