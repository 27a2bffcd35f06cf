package dev.verity.kustomize.patch;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * A JSON 6902 patch as Kustomize v5.5 applies it (through evanphx/json-patch v4): {@code add}, {@code remove},
 * {@code replace}, {@code move}, {@code copy} and {@code test}, JSON pointers with {@code ~0}/{@code ~1} escapes.
 * Its quirks, each recorded from {@code kubectl kustomize}:
 *
 * <ul>
 *   <li>{@code replace} of an absent map key adds it (an absent list index is an error);</li>
 *   <li>{@code add} at {@code -} or at the list's length appends; negative indexes count from the end
 *       ({@code add} at {@code -1} appends, {@code remove} at {@code -1} removes the last item);</li>
 *   <li>the first segment of a path is dropped unread, so {@code data/z} means {@code /z}; the empty path (the whole
 *       document) is an error;</li>
 *   <li>{@code add} without a {@code value} adds a null; {@code test} of an absent path against {@code null} passes;
 *       {@code test} compares scalars by type and text ({@code 1} is not {@code 1.0});</li>
 *   <li>the whole resource goes through JSON, so a key written with no value comes back as {@code null};</li>
 *   <li>{@code metadata.annotations} always exists while the ops run (Kustomize keeps its own bookkeeping
 *       annotations there), so {@code add /metadata/annotations/x} works on a resource without annotations while
 *       {@code add /metadata/labels/x} fails; afterwards the annotations are strings and an empty map is dropped.</li>
 * </ul>
 *
 * Errors carry Kustomize's message followed by the operation's number (from 1) and op, e.g. {@code error in remove
 * for path: '/data/x': Unable to remove nonexistent key: x: missing value (operation 2 of the patch: remove
 * /data/x)}.
 */
public final class JsonPatch {

    /** The operations JSON 6902 defines. */
    public enum OpKind { ADD, REMOVE, REPLACE, MOVE, COPY, TEST }

    /**
     * One operation.
     *
     * @param kind  the op
     * @param path  the target pointer
     * @param from  the source pointer of move and copy, else {@code null}
     * @param value the value of add, replace and test ({@link ScalarNode#NULL} when the op gives none)
     * @param raw   the value as written when the patch was JSON text (what {@code test} compares), else null
     */
    public record Operation(OpKind kind, String path, String from, Node value, RawJson raw) {

        public Operation(OpKind kind, String path, String from, Node value) {
            this(kind, path, from, value, null);
        }
    }

    private final List<Operation> operations;

    private JsonPatch(List<Operation> operations) {
        this.operations = List.copyOf(operations);
    }

    /**
     * The patch the parsed op list holds (the YAML or JSON text of a {@code patches:} entry, read as a document:
     * a list of maps with {@code op}, {@code path}, {@code from}, {@code value}).
     *
     * @param source names the patch in errors (its file, or "inline patch")
     * @throws PatchException when the document is not a list of maps, or an op is unknown or lacks its path
     */
    public static JsonPatch parse(Node ops, String source) {
        if (!(ops instanceof SeqNode list)) {
            throw new PatchException(source + ": a JSON 6902 patch is a list of operations"
                    + " (- op: add, path: /..., value: ...)");
        }
        List<Operation> result = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.get(i) instanceof MapNode op)) {
                throw new PatchException(source + ": operation " + (i + 1) + " is not a map of op, path and value");
            }
            String opName = op.string("op");
            OpKind kind = opKind(opName);
            if (kind == null) {
                // Kustomize's (json-patch's) own words
                throw new PatchException("Unexpected kind: " + (opName == null ? "unknown" : opName)
                        + " (operation " + (i + 1) + " of " + source + "; ops are add, remove, replace, move, copy,"
                        + " test)");
            }
            String path = op.string("path");
            if (path == null) {
                path = "unknown";
            }
            String from = op.string("from");
            if ((kind == OpKind.MOVE || kind == OpKind.COPY) && from == null) {
                from = "unknown";
            }
            Node value = op.has("value") ? op.get("value") : ScalarNode.NULL;
            result.add(new Operation(kind, path, from, value));
        }
        return new JsonPatch(result);
    }

    /**
     * This patch with each op's value as written in {@code jsonText}, the JSON text it was parsed from: Kustomize
     * gives a patch that starts with {@code [} to json-patch as it is, whose {@code test} compares scalars by their
     * JSON text ({@code 1.0} is not {@code 1}). Unchanged when the text is not valid JSON.
     */
    public JsonPatch withValuesAsWritten(String jsonText) {
        if (!(RawJson.parse(jsonText) instanceof RawJson.RawArray array) || array.items().size() != operations.size()) {
            return this;
        }
        List<Operation> result = new ArrayList<>();
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            RawJson raw = array.items().get(i) instanceof RawJson.RawObject o ? o.fields().get("value") : null;
            result.add(new Operation(op.kind(), op.path(), op.from(), op.value(), raw));
        }
        return new JsonPatch(result);
    }

    /** The operations, in order. */
    public List<Operation> operations() {
        return operations;
    }

    /**
     * Applies the operations in order to a copy of {@code resource}.
     *
     * @return the patched copy (the given tree is not changed)
     * @throws PatchException naming the failing operation, when a path is missing, an index is invalid or a test
     *                        fails
     */
    public MapNode apply(MapNode resource) {
        MapNode doc = resource.deepCopy();
        // Kustomize's own bookkeeping annotations (previous kind, name, namespace) sit in metadata.annotations while
        // the ops run, so a path under /metadata/annotations/ exists even on a resource without annotations
        MapNode metadata = doc.map("metadata");
        if (metadata != null && !(metadata.get("annotations") instanceof MapNode)) {
            metadata.put("annotations", new MapNode());
        }
        for (int i = 0; i < operations.size(); i++) {
            Operation op = operations.get(i);
            try {
                applyOne(doc, op);
            } catch (PatchException e) {
                throw new PatchException(e.getMessage() + " (operation " + (i + 1) + " of the patch: "
                        + op.kind().name().toLowerCase() + " " + (op.from() == null ? "" : op.from() + " -> ")
                        + op.path() + ")");
            }
        }
        MapNode after = doc.map("metadata");
        if (after != null && after.get("annotations") instanceof MapNode annotations) {
            // and Kustomize writes the annotations back as strings, dropping the map when only its own were there
            if (annotations.size() == 0) {
                after.remove("annotations");
            } else {
                for (String key : List.copyOf(annotations.keys())) {
                    Node value = annotations.get(key);
                    annotations.put(key, ScalarNode.str(value instanceof ScalarNode scalar ? scalar.value() : ""));
                }
            }
        }
        return writtenNulls(doc);
    }

    /**
     * Kustomize applies the ops to the resource's JSON form and reads the result back, so a key written with no value
     * ({@code key:}, a null with empty text in the tree) comes back as {@code key: null}, which a later strategic
     * merge keeps.
     */
    private static MapNode writtenNulls(MapNode map) {
        for (Map.Entry<String, Node> entry : map.entries().entrySet()) {
            entry.setValue(writtenNulls(entry.getValue()));
        }
        return map;
    }

    private static Node writtenNulls(Node node) {
        if (node instanceof MapNode map) {
            return writtenNulls(map);
        }
        if (node instanceof SeqNode seq) {
            seq.items().replaceAll(JsonPatch::writtenNulls);
            return seq;
        }
        return node instanceof ScalarNode scalar && scalar.isNull() ? ScalarNode.NULL : node;
    }

    private static OpKind opKind(String name) {
        if (name == null) {
            return null;
        }
        return switch (name) {
            case "add" -> OpKind.ADD;
            case "remove" -> OpKind.REMOVE;
            case "replace" -> OpKind.REPLACE;
            case "move" -> OpKind.MOVE;
            case "copy" -> OpKind.COPY;
            case "test" -> OpKind.TEST;
            default -> null;
        };
    }

    // --- the operations --------------------------------------------------------------------------------------

    /** The container of a pointer's last segment, and that segment decoded. */
    private record Location(Node container, String key) {
    }

    private static void applyOne(MapNode doc, Operation op) {
        switch (op.kind()) {
            case ADD -> {
                Location at = find(doc, op.path());
                if (at == null) {
                    throw new PatchException("add operation does not apply: doc is missing path: \"" + op.path()
                            + "\": missing value");
                }
                add(at, op.value().deepCopy());
            }
            case REMOVE -> {
                Location at = find(doc, op.path());
                if (at == null) {
                    throw new PatchException("remove operation does not apply: doc is missing path: \"" + op.path()
                            + "\": missing value");
                }
                try {
                    remove(at);
                } catch (PatchException e) {
                    throw new PatchException("error in remove for path: '" + op.path() + "': " + e.getMessage());
                }
            }
            case REPLACE -> {
                Location at = find(doc, op.path());
                if (at == null) {
                    throw new PatchException("replace operation does not apply: doc is missing path: " + op.path()
                            + ": missing value");
                }
                if (at.container() instanceof SeqNode list) {
                    int index;
                    try {
                        index = arrayIndex(at.key(), list.size(), false);
                    } catch (PatchException e) {
                        throw new PatchException("replace operation does not apply: doc is missing key: " + op.path()
                                + ": missing value");
                    }
                    list.items().set(index, op.value().deepCopy());
                } else {
                    ((MapNode) at.container()).put(at.key(), op.value().deepCopy());
                }
            }
            case MOVE -> {
                Location from = find(doc, op.from());
                if (from == null) {
                    throw new PatchException("move operation does not apply: doc is missing from path: " + op.from()
                            + ": missing value");
                }
                Node value;
                try {
                    value = get(from);
                    remove(from);
                } catch (PatchException e) {
                    throw new PatchException("error in move for path: '" + from.key() + "': " + e.getMessage());
                }
                Location to = find(doc, op.path());
                if (to == null) {
                    throw new PatchException("move operation does not apply: doc is missing destination path: "
                            + op.path() + ": missing value");
                }
                add(to, value);
            }
            case COPY -> {
                Location from = find(doc, op.from());
                if (from == null) {
                    throw new PatchException("copy operation does not apply: doc is missing from path: " + op.from()
                            + ": missing value");
                }
                Node value = get(from);
                if (value == null) {
                    throw new PatchException("copy operation does not apply: doc is missing from path: " + op.from()
                            + ": missing value");
                }
                Location to = find(doc, op.path());
                if (to == null) {
                    throw new PatchException("copy operation does not apply: doc is missing destination path: "
                            + op.path() + ": missing value");
                }
                add(to, value.deepCopy());
            }
            case TEST -> {
                Location at = find(doc, op.path());
                if (at == null) {
                    throw new PatchException("testing value " + op.path() + " failed: test operation does not apply:"
                            + " doc is missing path: " + op.path() + ": missing value");
                }
                Node actual;
                try {
                    actual = get(at);
                } catch (PatchException e) {
                    throw new PatchException("testing value " + op.path() + " failed: " + e.getMessage());
                }
                boolean expectNull = op.value() instanceof ScalarNode s && s.isNull();
                boolean passes = actual == null || (actual instanceof ScalarNode a && a.isNull())
                        ? expectNull : op.raw() != null ? rawEquals(actual, op.raw()) : jsonEquals(actual, op.value());
                if (!passes) {
                    throw new PatchException("testing value " + op.path() + " failed: test failed");
                }
            }
            default -> throw new IllegalStateException(op.kind().toString());
        }
    }

    /** Walks all segments but the last (the first segment is skipped unread, as json-patch v4 does). */
    private static Location find(MapNode doc, String pointer) {
        String[] split = pointer.split("/", -1);
        if (split.length < 2) {
            return null;
        }
        Node current = doc;
        for (String part : Arrays.asList(split).subList(1, split.length - 1)) {
            Node next;
            String key = decode(part);
            if (current instanceof MapNode map) {
                next = map.get(key);
            } else if (current instanceof SeqNode list) {
                Integer index = parseIndex(key);
                if (index == null || index >= list.size() || index < -list.size()) {
                    return null;
                }
                next = list.get(index < 0 ? index + list.size() : index);
            } else {
                return null;
            }
            if (!(next instanceof MapNode) && !(next instanceof SeqNode)) {
                return null;
            }
            current = next;
        }
        return new Location(current, decode(split[split.length - 1]));
    }

    private static Node get(Location at) {
        if (at.container() instanceof SeqNode list) {
            return list.get(arrayIndex(at.key(), list.size(), false));
        }
        return ((MapNode) at.container()).get(at.key());
    }

    private static void add(Location at, Node value) {
        if (at.container() instanceof SeqNode list) {
            if ("-".equals(at.key())) {
                list.add(value);
                return;
            }
            list.items().add(arrayIndex(at.key(), list.size(), true), value);
        } else {
            ((MapNode) at.container()).put(at.key(), value);
        }
    }

    private static void remove(Location at) {
        if (at.container() instanceof SeqNode list) {
            list.items().remove(arrayIndex(at.key(), list.size(), false));
            return;
        }
        MapNode map = (MapNode) at.container();
        if (!map.has(at.key())) {
            throw new PatchException("Unable to remove nonexistent key: " + at.key() + ": missing value");
        }
        map.remove(at.key());
    }

    /** A list index; for an insertion the list's length is valid and -1 means after the last item. */
    private static int arrayIndex(String key, int size, boolean insertion) {
        Integer index = parseIndex(key);
        if (index == null) {
            throw new PatchException("Unable to access invalid index: " + key + ": invalid index referenced");
        }
        int limit = insertion ? size + 1 : size;
        if (index >= limit || index < -limit) {
            throw new PatchException("Unable to access invalid index: " + index + ": invalid index referenced");
        }
        return index < 0 ? index + limit : index;
    }

    private static Integer parseIndex(String key) {
        try {
            return Integer.parseInt(key);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    private static String decode(String segment) {
        return segment.replace("~1", "/").replace("~0", "~");
    }

    /**
     * Equality as json-patch's test sees it for a value written in JSON: maps by keys, lists in order, each scalar
     * of the resource as Go's JSON encoder writes it against the scalar's text as written.
     */
    private static boolean rawEquals(Node actual, RawJson written) {
        if (actual == null || actual instanceof ScalarNode s && s.isNull()) {
            return written instanceof RawJson.Leaf leaf && leaf.text().equals("null");
        }
        if (actual instanceof ScalarNode scalar) {
            return written instanceof RawJson.Leaf leaf && leaf.text().equals(GoJson.scalar(scalar));
        }
        if (actual instanceof SeqNode seq) {
            if (!(written instanceof RawJson.RawArray array) || array.items().size() != seq.size()) {
                return false;
            }
            for (int i = 0; i < seq.size(); i++) {
                if (!rawEquals(seq.get(i), array.items().get(i))) {
                    return false;
                }
            }
            return true;
        }
        MapNode map = (MapNode) actual;
        if (!(written instanceof RawJson.RawObject object) || !object.fields().keySet().equals(map.keys())) {
            return false;
        }
        for (String key : map.keys()) {
            if (!rawEquals(map.get(key), object.fields().get(key))) {
                return false;
            }
        }
        return true;
    }

    /** Equality as json-patch's test sees it: maps by keys, lists in order, scalars by type and text. */
    private static boolean jsonEquals(Node a, Node b) {
        if (a instanceof ScalarNode x && b instanceof ScalarNode y) {
            return x.tag() == y.tag() && x.value().equals(y.value());
        }
        if (a instanceof SeqNode x && b instanceof SeqNode y) {
            if (x.size() != y.size()) {
                return false;
            }
            for (int i = 0; i < x.size(); i++) {
                if (!jsonEquals(x.get(i), y.get(i))) {
                    return false;
                }
            }
            return true;
        }
        if (a instanceof MapNode x && b instanceof MapNode y) {
            if (!x.keys().equals(y.keys())) {
                return false;
            }
            for (String key : x.keys()) {
                if (!jsonEquals(x.get(key), y.get(key))) {
                    return false;
                }
            }
            return true;
        }
        return false;
    }
}
