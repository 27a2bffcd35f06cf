package dev.verity.kube.diff;

import java.util.List;

/**
 * The outcome of comparing one live object with its desired document: the differing fields, sorted by path.
 * Empty when the live object matches on every field the document sets.
 */
public record Comparison(List<FieldDifference> differences) {

    public static final Comparison MATCHES = new Comparison(List.of());

    public Comparison {
        differences = differences == null ? List.of() : differences.stream().sorted().distinct().toList();
    }

    public boolean matches() {
        return differences.isEmpty();
    }

    /** The differing field paths, sorted; what a {@code DriftDetected} event names. */
    public List<String> paths() {
        return differences.stream().map(FieldDifference::path).toList();
    }
}
