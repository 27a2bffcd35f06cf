package dev.verity.kustomize.patch;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Strategic merge patch as Kustomize v5.5 applies it (its own merge, not the API server's):
 *
 * <ul>
 *   <li>maps merge key by key; a {@code null} in the patch deletes the key;</li>
 *   <li>a list whose schema type has the {@code merge} strategy merges element by element, matching elements by
 *       the merge keys (several keys for e.g. ports: containerPort and protocol), or by value for a list of
 *       scalars; the elements named in the patch come first, in patch order, then the resource's other elements in
 *       their order;</li>
 *   <li>every other list (no merge strategy, or no schema, as for custom resources) is replaced by the patch's;</li>
 *   <li>{@code $patch: delete} deletes a map, a list element (matched by its keys) or, at the top, the resource;
 *       {@code $patch: replace} replaces a map, or as a list element the whole list; {@code $patch: merge} is the
 *       default. Any other value is an error. At the top of a patch, {@code $patch: replace} leaves the resource as
 *       it was (Kustomize discards the replaced node). Other directives of the API server's strategic merge
 *       ({@code $setElementOrder}, {@code $retainKeys}, {@code $deleteFromPrimitiveList}) mean nothing to Kustomize
 *       and stay in the output as ordinary keys.</li>
 * </ul>
 *
 * Kustomize walks the whole resource, not only what the patch names, so a patch also normalises untouched parts:
 * elements sharing a merge key collapse into the last one, empty and null list elements of merged lists go, and a key
 * written with no value ({@code key:}, which the reader must give as a null {@link ScalarNode} with empty text)
 * disappears while {@code key: null} stays. Neither the resource nor the patch given is changed.
 */
public final class StrategicMerge {

    static final String DIRECTIVE = "$patch";

    private enum Directive { MERGE, REPLACE, DELETE }

    private final PatchSchema schema;
    private final Runnable tick;

    private StrategicMerge(PatchSchema schema, Runnable tick) {
        this.schema = schema;
        this.tick = tick;
    }

    /**
     * Applies {@code patch} to {@code resource}, taking list strategies from the schema type of the resource's
     * {@code apiVersion} and {@code kind} (or the patch's, when the resource names none the schema knows).
     *
     * @throws PatchException when a directive is unknown or the patch and the resource disagree on the kind of a
     *                        node (a map where the resource has a list, ...)
     */
    public static MergeOutcome apply(MapNode resource, MapNode patch, PatchSchema schema) {
        return apply(resource, patch, schema, () -> { });
    }

    /**
     * {@link #apply(MapNode, MapNode, PatchSchema)}, calling {@code tick} once per list element merged, so that a
     * caller can stop a long merge (a deadline check that throws).
     */
    public static MergeOutcome apply(MapNode resource, MapNode patch, PatchSchema schema, Runnable tick) {
        MapNode dest = resource.deepCopy();
        MapNode origin = patch.deepCopy();
        if ("replace".equals(origin.string(DIRECTIVE))) {
            // Kustomize merges into a new node here and keeps the resource's own node: the resource stays as it was
            return new MergeOutcome.Merged(dest);
        }
        StrategicMerge merge = new StrategicMerge(schema, tick);
        Node result = merge.walk(dest, origin, merge.resourceType(dest, origin), "");
        if (result instanceof MapNode map) {
            return new MergeOutcome.Merged(map);
        }
        return new MergeOutcome.Deleted();
    }

    /**
     * How a {@code patches:} entry applies a strategic merge patch to a resource of the build.
     *
     * @param targeted        the entry has a {@code target:} (the patch then takes the resource's apiVersion, and
     *                        its labels and annotations are rewritten as strings, as Kustomize copies them)
     * @param allowNameChange the entry's {@code options: {allowNameChange: true}}: the patch may rename
     * @param allowKindChange the entry's {@code options: {allowKindChange: true}}: the patch may change the kind
     */
    public record Options(boolean targeted, boolean allowNameChange, boolean allowKindChange) {

        /** A patch found by its own apiVersion, kind, name and namespace (no {@code target:}). */
        public static final Options BY_ID = new Options(false, false, false);

        /** A patch applied to each resource its {@code target:} selects. */
        public static final Options TARGETED = new Options(true, false, false);
    }

    /**
     * Applies a patch to one resource of the build as Kustomize's patch transformer does: {@link #apply} plus the
     * bookkeeping around it. A targeted patch takes the resource's apiVersion and has its labels and annotations
     * rewritten as strings ({@code version: 2} becomes {@code "2"}); after the merge the resource keeps its kind and
     * name (unless the options allow a change) and always its namespace, whatever the patch says.
     */
    public static MergeOutcome applyToResource(MapNode resource, MapNode patch, PatchSchema schema,
                                               Options options) {
        return applyToResource(resource, patch, schema, options, () -> { });
    }

    /** {@link #applyToResource(MapNode, MapNode, PatchSchema, Options)} with a {@code tick} as in {@link #apply}. */
    public static MergeOutcome applyToResource(MapNode resource, MapNode patch, PatchSchema schema,
                                               Options options, Runnable tick) {
        MapNode patchCopy = patch.deepCopy();
        if (options.targeted()) {
            MapNode metadata = patchCopy.mapOrCreate("metadata");
            stringifyMap(metadata, "labels");
            stringifyMap(metadata, "annotations");
            String apiVersion = resource.string("apiVersion");
            if (apiVersion != null) {
                patchCopy.put("apiVersion", apiVersion);
            }
        }
        MapNode original = resource.map("metadata");
        String name = original == null ? null : original.string("name");
        String namespace = original == null ? null : original.string("namespace");
        String kind = resource.string("kind");
        MergeOutcome outcome = apply(resource, patchCopy, schema, tick);
        if (!(outcome instanceof MergeOutcome.Merged merged) || merged.resource().size() == 0) {
            return new MergeOutcome.Deleted();
        }
        MapNode result = merged.resource();
        if (!options.allowKindChange() && kind != null) {
            result.put("kind", kind);
        }
        if (!options.allowNameChange() && name != null) {
            result.mapOrCreate("metadata").put("name", name);
        }
        if (namespace == null || namespace.isEmpty()) {
            MapNode metadata = result.map("metadata");
            if (metadata != null) {
                metadata.remove("namespace");
            }
        } else {
            result.mapOrCreate("metadata").put("namespace", namespace);
        }
        return outcome;
    }

    /** Kustomize's SetLabels/SetAnnotations: the map rewritten with string values, removed when empty. */
    private static void stringifyMap(MapNode metadata, String field) {
        if (!(metadata.get(field) instanceof MapNode map)) {
            if (metadata.has(field) && isNullish(metadata.get(field))) {
                metadata.remove(field);
            }
            return;
        }
        if (map.size() == 0) {
            metadata.remove(field);
            return;
        }
        for (String key : List.copyOf(map.keys())) {
            Node value = map.get(key);
            map.put(key, ScalarNode.str(value instanceof ScalarNode scalar ? scalar.value() : ""));
        }
    }

    /** Whether the top of a patch says {@code $patch: delete}: applied, it deletes the resource it targets. */
    public static boolean deletesResource(MapNode patch) {
        return "delete".equals(patch.string(DIRECTIVE));
    }

    private SchemaType resourceType(MapNode dest, MapNode origin) {
        for (MapNode source : new MapNode[] {dest, origin}) {
            String apiVersion = source.string("apiVersion");
            String kind = source.string("kind");
            if (apiVersion == null || kind == null || apiVersion.isEmpty() || kind.isEmpty()) {
                continue;
            }
            SchemaType type = schema.forResource(apiVersion, kind);
            if (type != null) {
                return type;
            }
        }
        return null;
    }

    // --- the walk: dest is the resource's node, origin the patch's; null means absent -------------------------

    private Node walk(Node dest, Node origin, SchemaType type, String path) {
        Node first = !isNullish(dest) ? dest : !isNullish(origin) ? origin : null;
        if (first == null) {
            // both absent or null: a null the resource holds stays unless the patch names the key, but only when
            // written (null, ~): Kustomize drops a key written with no value at all, which the tree holds as a null
            // scalar with empty text
            return origin == null && dest instanceof ScalarNode scalar && !scalar.value().isEmpty() ? dest : null;
        }
        checkSameKind(first, dest, path);
        checkSameKind(first, origin, path);
        if (first instanceof MapNode) {
            return walkMap(dest, origin, type, path);
        }
        if (first instanceof SeqNode) {
            return walkList(dest, origin, type, path);
        }
        // a scalar: the patch's wins (a null deletes)
        if (origin != null) {
            return isNullish(origin) ? null : origin;
        }
        return dest;
    }

    private Node walkMap(Node dest, Node origin, SchemaType type, String path) {
        MapNode result;
        if (isNullish(dest)) {
            MapNode patchMap = (MapNode) origin;
            // new content: Kustomize ignores an unknown directive here and keeps it as a key
            if (directiveOfMap(patchMap, path, true) == Directive.DELETE) {
                return null;
            }
            result = patchMap;
        } else if (origin == null) {
            result = (MapNode) dest;
        } else if (isNullish(origin)) {
            return null;
        } else {
            switch (directiveOfMap((MapNode) origin, path, false)) {
                case DELETE -> {
                    return null;
                }
                case REPLACE -> result = (MapNode) origin;
                default -> result = (MapNode) dest;
            }
        }
        MapNode patchMap = origin instanceof MapNode m ? m : null;
        Set<String> keys = new TreeSet<>(result.keys());
        if (patchMap != null) {
            keys.addAll(patchMap.keys());
        }
        for (String key : keys) {
            Node value = walk(result.get(key), patchMap == null ? null : patchMap.get(key), schema.field(type, key),
                    path + "." + key);
            if (value == null) {
                result.remove(key);
            } else {
                result.put(key, value);
            }
        }
        return result;
    }

    private Node walkList(Node dest, Node origin, SchemaType type, String path) {
        boolean associative = type != null && type.mergesList();
        if (!associative) {
            if (origin != null) {
                return isNullish(origin) ? null : origin;
            }
            return dest;
        }
        SeqNode result;
        if (isNullish(dest)) {
            result = (SeqNode) origin;
        } else if (origin == null) {
            result = (SeqNode) dest;
        } else if (isNullish(origin)) {
            return null;
        } else {
            switch (directiveOfList((SeqNode) origin, path)) {
                case DELETE -> {
                    return null;
                }
                case REPLACE -> result = (SeqNode) origin;
                default -> result = (SeqNode) dest;
            }
        }
        return mergeList(result, origin instanceof SeqNode seq ? seq : null, type, path);
    }

    private Node mergeList(SeqNode dest, SeqNode origin, SchemaType type, String path) {
        List<String> keys = type.mergeKeys();
        List<List<String>> values = elementValues(dest, origin, keys);
        if (!values.isEmpty() || !keys.isEmpty()) {
            return setElements(values, keys, dest, origin, type, path);
        }
        return setElements(primitiveValues(dest, origin), List.of(""), dest, origin, type, path);
    }

    /** The key values of every element, patch first, each distinct list once. */
    private static List<List<String>> elementValues(SeqNode dest, SeqNode origin, List<String> keys) {
        List<List<String>> result = new ArrayList<>();
        Set<List<String>> seen = new HashSet<>();
        for (SeqNode source : new SeqNode[] {origin, dest}) {
            if (source == null) {
                continue;
            }
            for (Node element : source.items()) {
                List<String> elementValues = new ArrayList<>();
                for (String key : keys) {
                    elementValues.add(element instanceof MapNode map ? keyText(map.get(key)) : "");
                }
                if (elementValues.isEmpty() || !seen.add(elementValues)) {
                    continue;
                }
                result.add(elementValues);
            }
        }
        return result;
    }

    private static List<List<String>> primitiveValues(SeqNode dest, SeqNode origin) {
        List<List<String>> result = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (SeqNode source : new SeqNode[] {origin, dest}) {
            if (source == null) {
                continue;
            }
            for (Node item : source.items()) {
                String text = item instanceof ScalarNode scalar ? scalar.value() : "";
                if (seen.add(text)) {
                    result.add(List.of(text));
                }
            }
        }
        return result;
    }

    private Node setElements(List<List<String>> valuesList, List<String> keys, SeqNode dest, SeqNode origin,
                             SchemaType type, String path) {
        SeqNode toBeAdded = new SeqNode();
        SchemaType elementType = schema.elements(type);
        if (keys.size() > 1) {
            mergeValues(valuesList, tick);
        }
        List<String> validKeys = keys;
        Set<String> validKeySet = keysWithValues(valuesList, keys);
        for (List<String> values : valuesList) {
            tick.run();
            if (values.isEmpty()) {
                continue;
            }
            KeyValues valid = validateKeys(validKeySet, values, keys);
            validKeys = valid.keys();
            KeyValues match = validateKeys(keysWithValues(List.of(valid.values()), valid.keys()), valid.values(),
                    valid.keys());
            Node destElement = elementList(dest, match);
            Node originElement = origin == null ? null : elementList(origin, match);
            Node merged = walk(destElement, originElement, elementType, path + "[]");
            if (isNullish(merged) || (merged instanceof MapNode map && map.size() == 0)) {
                elementSet(dest, null, valid);
                continue;
            }
            if (merged instanceof MapNode map) {
                for (int i = 0; i < valid.keys().size(); i++) {
                    String key = valid.keys().get(i);
                    String value = valid.values().get(i);
                    if (!key.isEmpty() && !map.has(key) && !value.isEmpty()) {
                        map.put(key, plainScalar(value));
                    }
                }
            }
            elementSet(toBeAdded, merged, valid);
        }
        SeqNode result = dest;
        if (!valuesList.isEmpty()) {
            result = appendListNode(toBeAdded, dest, validKeys);
        }
        return result;
    }

    /** Keys (with their values) that some element gives a value for; all keys when none does. */
    private record KeyValues(List<String> keys, List<String> values) {
    }

    /** The keys some element gives a value for (the same for every element of a merge, so computed once). */
    private static Set<String> keysWithValues(List<List<String>> valuesList, List<String> keys) {
        Set<String> validKeySet = new HashSet<>();
        for (List<String> each : valuesList) {
            for (int i = 0; i < each.size(); i++) {
                if (!each.get(i).isEmpty()) {
                    validKeySet.add(keys.get(i));
                }
            }
        }
        return validKeySet;
    }

    private static KeyValues validateKeys(Set<String> validKeySet, List<String> values, List<String> keys) {
        if (validKeySet.isEmpty()) {
            return new KeyValues(keys, values);
        }
        List<String> validKeys = new ArrayList<>();
        for (String key : keys) {
            if (validKeySet.contains(key)) {
                validKeys.add(key);
            }
        }
        List<String> validValues = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            if (!values.get(i).isEmpty() || validKeySet.contains(keys.get(i))) {
                validValues.add(values.get(i));
            }
        }
        return new KeyValues(validKeys, validValues);
    }

    /** Completes partial key values that agree with another element's (ports without a protocol, ...). */
    private static void mergeValues(List<List<String>> valuesList, Runnable tick) {
        for (int i = 0; i < valuesList.size(); i++) {
            tick.run();
            List<String> first = valuesList.get(i); // fixed for the inner loop, as Go's range variable is
            for (int j = 0; j < valuesList.size(); j++) {
                List<String> matched = match(first, valuesList.get(j));
                if (matched != null) {
                    valuesList.set(i, matched);
                    valuesList.set(j, matched);
                }
            }
        }
    }

    private static List<String> match(List<String> a, List<String> b) {
        if (a.size() != b.size()) {
            return null;
        }
        boolean common = false;
        List<String> result = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            if (a.get(i).equals(b.get(i))) {
                common = true;
                result.add(a.get(i));
                continue;
            }
            if (!a.get(i).isEmpty() && !b.get(i).isEmpty()) {
                return null;
            }
            result.add(a.get(i).isEmpty() ? b.get(i) : a.get(i));
        }
        return common ? result : null;
    }

    /** The first element whose keys hold exactly these values (a scalar element by its value for key ""). */
    private static Node elementList(SeqNode list, KeyValues match) {
        if (match.keys().isEmpty() || match.keys().get(0).isEmpty()) {
            String wanted = match.values().isEmpty() ? "" : match.values().get(0);
            for (Node item : list.items()) {
                if (item instanceof ScalarNode scalar && scalar.value().equals(wanted)) {
                    return item;
                }
            }
            return null;
        }
        for (Node item : list.items()) {
            if (!(item instanceof MapNode map)) {
                continue;
            }
            boolean matches = true;
            for (int i = 0; i < match.keys().size(); i++) {
                // the raw text, as Kustomize compares it: a map or a key written with no value reads ""
                Node field = map.get(match.keys().get(i));
                if (field == null || !scalarText(field).equals(match.values().get(i))) {
                    matches = false;
                    break;
                }
            }
            if (matches) {
                return item;
            }
        }
        return null;
    }

    /**
     * Sets, replaces or (element {@code null}) deletes the elements of {@code list} matching the keys; drops empty
     * and null elements on the way, as Kustomize does.
     */
    private static void elementSet(SeqNode list, Node element, KeyValues match) {
        List<String> keys = match.keys().isEmpty() ? List.of("") : match.keys();
        List<String> values = match.values();
        boolean mappingSetter = !keys.get(0).isEmpty() && !values.isEmpty() && !values.get(0).isEmpty();
        List<Node> content = new ArrayList<>();
        boolean found = false;
        for (Node item : list.items()) {
            if (isNullish(item) || (item instanceof MapNode map && map.size() == 0)) {
                continue;
            }
            if (!(item instanceof MapNode) && mappingSetter) {
                content.add(item);
                continue;
            }
            // with no values Kustomize matches nothing (and keeps nothing but the element set)
            boolean matches = !values.isEmpty();
            for (int j = 0; j < keys.size() && j < values.size(); j++) {
                if (!fieldMatches(item, keys.get(j), values.get(j))) {
                    matches = false;
                    break;
                }
            }
            if (!matches) {
                if (!values.isEmpty()) {
                    content.add(item);
                }
                continue;
            }
            found = true;
            if (element != null) {
                content.add(element);
            }
        }
        list.items().clear();
        list.items().addAll(content);
        if (element == null || isNullish(element)) {
            return;
        }
        if (!found) {
            list.add(element);
        }
    }

    /** Kustomize's field matcher: key "" compares a scalar's value; an empty value only asks the key be present. */
    private static boolean fieldMatches(Node item, String key, String value) {
        if (isNullish(item)) {
            return false;
        }
        if (key.isEmpty()) {
            return item instanceof ScalarNode scalar && scalar.value().equals(value);
        }
        if (!(item instanceof MapNode map) || !map.has(key)) {
            return false;
        }
        return value.isEmpty() || scalarText(map.get(key)).equals(value);
    }

    /**
     * Puts the resource's elements into the merged list as Kustomize does: each replaces the merged element with the
     * same key values or is appended; with several keys the matching elements are first removed, so the resource's
     * elements move behind the patch's new ones. Values are matched against the keys in order, as Kustomize does
     * even when an element lacks one of them.
     */
    private static SeqNode appendListNode(SeqNode target, SeqNode source, List<String> keys) {
        for (Node element : new ArrayList<>(source.items())) {
            if (keys.get(0).isEmpty()) {
                elementSet(target, element, new KeyValues(List.of(""),
                        List.of(element instanceof ScalarNode scalar ? scalar.value() : "")));
                continue;
            }
            List<String> values = new ArrayList<>();
            for (String key : keys) {
                Node value = element instanceof MapNode map ? map.get(key) : null;
                if (value == null) {
                    target.add(element);
                    continue;
                }
                values.add(scalarText(value));
            }
            if (keys.size() > 1) {
                elementSet(target, null, new KeyValues(keys, values));
            }
            elementSet(target, element, new KeyValues(keys, values));
        }
        return target;
    }

    // --- directives ----------------------------------------------------------------------------------------

    private static Directive directiveOfMap(MapNode patch, String path, boolean lenient) {
        Node value = patch.get(DIRECTIVE);
        if (value == null) {
            return Directive.MERGE;
        }
        Directive directive;
        try {
            directive = parseDirective(value, path);
        } catch (PatchException e) {
            if (lenient) {
                return Directive.MERGE;
            }
            throw e;
        }
        patch.remove(DIRECTIVE);
        return directive;
    }

    private static Directive directiveOfList(SeqNode patch, String path) {
        for (int i = 0; i < patch.size(); i++) {
            if (patch.get(i) instanceof MapNode element && element.has(DIRECTIVE)) {
                if (element.size() > 1) {
                    return Directive.MERGE;
                }
                Directive directive = parseDirective(element.get(DIRECTIVE), path);
                elementSet(patch, null, new KeyValues(List.of(DIRECTIVE), List.of(scalarText(element.get(DIRECTIVE)))));
                return directive;
            }
        }
        return Directive.MERGE;
    }

    private static Directive parseDirective(Node value, String path) {
        String text = scalarText(value);
        return switch (text) {
            case "delete" -> Directive.DELETE;
            case "replace" -> Directive.REPLACE;
            case "merge" -> Directive.MERGE;
            default -> throw new PatchException("unknown patch strategy '" + text + "'"
                    + (path.isEmpty() ? "" : " at " + path.substring(1))
                    + ": $patch takes delete, replace or merge");
        };
    }

    // --- helpers ---------------------------------------------------------------------------------------------

    private static final Pattern PLAIN_INT = Pattern.compile("[-+]?[0-9]+");

    /** A key value Kustomize writes back untyped, so a reader resolves it: {@code 8080} is an integer again. */
    private static ScalarNode plainScalar(String text) {
        if (PLAIN_INT.matcher(text).matches()) {
            return new ScalarNode(ScalarNode.Tag.INT, new BigInteger(text).toString());
        }
        if (text.equals("true") || text.equals("false")) {
            return ScalarNode.bool(Boolean.parseBoolean(text));
        }
        return ScalarNode.str(text);
    }

    private static boolean isNullish(Node node) {
        return node == null || (node instanceof ScalarNode scalar && scalar.isNull());
    }

    /** The text Kustomize compares for a key: a scalar's value, "" for a null, a map or a list. */
    private static String keyText(Node node) {
        return node instanceof ScalarNode scalar && !scalar.isNull() ? scalar.value() : "";
    }

    private static String scalarText(Node node) {
        return node instanceof ScalarNode scalar ? scalar.value() : "";
    }

    private static void checkSameKind(Node expected, Node actual, String path) {
        if (isNullish(actual) || actual.getClass() == expected.getClass()) {
            return;
        }
        throw new PatchException("wrong node kind: expected " + describe(expected) + " but got " + describe(actual)
                + " at " + (path.isEmpty() ? "the top" : path.substring(1))
                + ": the patch and the resource disagree on the kind of this field");
    }

    private static String describe(Node node) {
        return node instanceof MapNode ? "MappingNode" : node instanceof SeqNode ? "SequenceNode" : "ScalarNode";
    }
}
