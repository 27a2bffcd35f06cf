package dev.verity.kustomize.yaml;

import java.util.ArrayList;
import java.util.List;

/** A YAML sequence: its items in order, mutable. */
public final class SeqNode implements Node {

    private final List<Node> items;

    public SeqNode() {
        this.items = new ArrayList<>();
    }

    public SeqNode(List<? extends Node> items) {
        this.items = new ArrayList<>(items);
    }

    /** The items, live: changes to the list change this sequence. */
    public List<Node> items() {
        return items;
    }

    public int size() {
        return items.size();
    }

    public Node get(int index) {
        return items.get(index);
    }

    public SeqNode add(Node item) {
        items.add(item);
        return this;
    }

    @Override
    public SeqNode deepCopy() {
        SeqNode copy = new SeqNode();
        for (Node item : items) {
            copy.items.add(item.deepCopy());
        }
        return copy;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof SeqNode seq && seq.items.equals(items);
    }

    @Override
    public int hashCode() {
        return items.hashCode();
    }

    @Override
    public String toString() {
        return items.toString();
    }
}
