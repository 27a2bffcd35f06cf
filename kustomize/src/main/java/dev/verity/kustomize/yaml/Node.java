package dev.verity.kustomize.yaml;

/**
 * A node of a YAML document as Kustomize sees it: a mapping with string keys in document order, a sequence, or a
 * typed scalar. Mappings and sequences are mutable (transformers edit resources in place); {@link #deepCopy()} gives
 * an independent tree. Equality is structural: two trees are equal when they hold the same keys, items and scalars
 * (same tag and canonical value), whatever the key order of their mappings.
 */
public sealed interface Node permits MapNode, SeqNode, ScalarNode {

    /** An independent copy of this tree. */
    Node deepCopy();
}
