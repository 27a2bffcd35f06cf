package dev.verity.kustomize.patch;

import java.util.Arrays;
import java.util.List;

/**
 * What the strategic-merge schema says about one place in a resource: a named definition (an object whose fields
 * the schema knows), an array (with its patch strategy and merge keys, and the type of its items), a map of values
 * of one type, or a leaf with nothing further to know. Obtained from {@link PatchSchema#forResource} and walked with
 * {@link PatchSchema#field} and {@link PatchSchema#elements}.
 *
 * @param kind       which of the four shapes
 * @param definition the definition name, for {@link Kind#DEFINITION}
 * @param inner      the item type of an array or the value type of a map; {@code null} when unknown
 * @param strategy   the {@code x-kubernetes-patch-strategy}, e.g. {@code merge} or {@code merge,retainKeys}; empty
 *                   when none
 * @param mergeKeys  the merge keys ({@code x-kubernetes-list-map-keys} when present, else
 *                   {@code x-kubernetes-patch-merge-key}); empty for a primitive list or when none
 */
public record SchemaType(Kind kind, String definition, SchemaType inner, String strategy, List<String> mergeKeys) {

    /** The shapes a schema type has. */
    public enum Kind { DEFINITION, ARRAY, MAP, LEAF }

    public SchemaType {
        strategy = strategy == null ? "" : strategy;
        mergeKeys = mergeKeys == null ? List.of() : List.copyOf(mergeKeys);
    }

    static SchemaType definition(String name) {
        return new SchemaType(Kind.DEFINITION, name, null, "", List.of());
    }

    static final SchemaType LEAF = new SchemaType(Kind.LEAF, null, null, "", List.of());

    /** This type with the patch strategy and keys its field declares. */
    SchemaType withStrategy(String newStrategy, List<String> keys) {
        return new SchemaType(kind, definition, inner, newStrategy, keys);
    }

    /**
     * Whether a list of this type merges element by element (its strategy names {@code merge}), as Kustomize's
     * walker decides; otherwise a patch's list replaces the resource's.
     */
    public boolean mergesList() {
        return Arrays.asList(strategy.split(",")).contains("merge");
    }
}
