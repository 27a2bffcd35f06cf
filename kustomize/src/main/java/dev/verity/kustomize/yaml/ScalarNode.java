package dev.verity.kustomize.yaml;

import java.util.Objects;

/**
 * A scalar with the type YAML resolved it to and its value as text. Numbers hold their canonical text (the reader
 * turns {@code 0777} into {@code 511} and {@code 1e3} into {@code 1000}, as Kustomize's JSON round trip does), so
 * two scalars are equal when their tag and text are.
 *
 * @param tag   the resolved type
 * @param value the text: the string itself, a canonical number, {@code true}/{@code false}, or {@code null}
 */
public record ScalarNode(Tag tag, String value) implements Node {

    /** The types a scalar resolves to. */
    public enum Tag { STR, INT, FLOAT, BOOL, NULL }

    public static final ScalarNode NULL = new ScalarNode(Tag.NULL, "null");

    public ScalarNode {
        Objects.requireNonNull(tag, "tag");
        Objects.requireNonNull(value, "value");
    }

    /** A string scalar. */
    public static ScalarNode str(String value) {
        return new ScalarNode(Tag.STR, value);
    }

    /** An integer scalar. */
    public static ScalarNode integer(long value) {
        return new ScalarNode(Tag.INT, Long.toString(value));
    }

    /** A boolean scalar. */
    public static ScalarNode bool(boolean value) {
        return new ScalarNode(Tag.BOOL, Boolean.toString(value));
    }

    public boolean isNull() {
        return tag == Tag.NULL;
    }

    @Override
    public ScalarNode deepCopy() {
        return this;
    }
}
