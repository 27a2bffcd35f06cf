package dev.verity.kustomize.yaml;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import org.snakeyaml.engine.v2.api.ConstructNode;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.common.ScalarStyle;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;
import org.snakeyaml.engine.v2.resolver.ScalarResolver;
import org.snakeyaml.engine.v2.schema.Schema;

/**
 * Reads YAML streams into {@link Node} trees as Kustomize reads them: several documents separated by {@code ---},
 * CRLF line ends, a UTF-8 byte order mark, comments (dropped), anchors and aliases (expanded, up to a limit: see
 * {@link Expansion}), merge keys, flow
 * style and block scalars. Unquoted scalars are typed by {@link Scalars#resolvePlain}; quoted and block scalars are
 * strings. Empty documents (nothing, or only comments) are left out.
 */
public final class YamlReader {

    /** Marks scalars whose tag was not written, so that explicit tags ({@code !!str 123}) can be told apart. */
    private static final Tag IMPLICIT = new Tag("tag:verity.dev,2025:implicit");

    private static final Schema SCHEMA = new Schema() {
        @Override
        public ScalarResolver getScalarResolver() {
            return (value, implicit) -> implicit ? IMPLICIT : Tag.STR;
        }

        @Override
        public Map<Tag, ConstructNode> getSchemaTagConstructors() {
            return Map.of();
        }
    };

    private static final LoadSettings SETTINGS = LoadSettings.builder()
            .setSchema(SCHEMA)
            .setParseComments(false)
            .setAllowDuplicateKeys(true)
            .setMaxAliasesForCollections(10_000)
            .setCodePointLimit(Integer.MAX_VALUE)
            .build();

    private YamlReader() {
    }

    /** The non-empty documents of a YAML stream; {@code source} names it in errors (a file path). */
    public static List<Node> readAll(String text, String source) {
        return readAll(text, source, Mode.V3);
    }

    /**
     * The single document of a kustomization file, typed as Kustomize reads that file: with go-yaml v2's YAML 1.1
     * rules (sigs.k8s.io/yaml), where {@code y}, {@code yes}, {@code on}, {@code n}, {@code no}, {@code off} are
     * booleans and timestamps stay the strings written.
     */
    public static Node readKustomization(String text, String source) {
        List<Node> documents = readAll(text, source, Mode.KUSTOMIZATION);
        if (documents.isEmpty()) {
            return new MapNode();
        }
        if (documents.size() > 1) {
            throw new YamlException(source + " holds " + documents.size() + " YAML documents where one is expected");
        }
        return documents.get(0);
    }

    /**
     * The non-empty documents of a YAML stream with go-yaml v2's YAML 1.1 scalars, as sigs.k8s.io/yaml reads it
     * (Kustomize's reader of kustomization files and of JSON 6902 patches written in YAML).
     */
    public static List<Node> readAllYaml11(String text, String source) {
        return readAll(text, source, Mode.YAML11);
    }

    /** How scalars are typed: go-yaml v3 (resources), v2's YAML 1.1, or v2 with the string keys a kustomization needs. */
    private enum Mode { V3, YAML11, KUSTOMIZATION }

    private static List<Node> readAll(String text, String source, Mode mode) {
        String body = text.startsWith("\uFEFF") ? text.substring(1) : text;
        List<Node> documents = new ArrayList<>();
        try {
            for (org.snakeyaml.engine.v2.nodes.Node document : new Compose(SETTINGS).composeAllFromString(body)) {
                Node converted = convert(document, source, new IdentityHashMap<>(), mode, new Expansion());
                if (converted instanceof ScalarNode scalar && scalar.isNull()) {
                    continue;
                }
                documents.add(converted);
            }
        } catch (MarkedYamlEngineException e) {
            int line = e.getProblemMark().or(e::getContextMark).map(Mark::getLine).orElse(-1) + 1;
            throw new YamlException("invalid YAML in " + source + (line > 0 ? ": line " + line : "") + ": "
                    + e.getProblem());
        } catch (YamlEngineException e) {
            throw new YamlException("invalid YAML in " + source + ": " + e.getMessage());
        }
        return documents;
    }

    /** The single document of a YAML text (empty text gives an empty mapping). */
    public static Node readOne(String text, String source) {
        List<Node> documents = readAll(text, source);
        if (documents.isEmpty()) {
            return new MapNode();
        }
        if (documents.size() > 1) {
            throw new YamlException(source + " holds " + documents.size() + " YAML documents where one is expected");
        }
        return documents.get(0);
    }

    /**
     * Counts the nodes of one document as it is expanded, to refuse a document whose aliases expand it far beyond
     * what was written (a "billion laughs": nine aliases of nine aliases of ... expand to 9^9 nodes from a few
     * lines). The Composer keeps aliases as shared nodes, so the cost comes here, where each alias becomes a copy.
     * As go-yaml v3 (Kustomize's reader) does, a document may be mostly aliases while it is small; the larger it
     * grows, the smaller the share of its nodes that may come from aliases (99% up to 400,000 nodes, falling to 10%
     * at 4,000,000).
     */
    static final class Expansion {
        private final Set<org.snakeyaml.engine.v2.nodes.Node> converted =
                java.util.Collections.newSetFromMap(new IdentityHashMap<>());
        private long nodes;
        private long fromAliases;
        private int aliasDepth;

        /** Counts {@code node}; true when it is reached again through an alias (its expansion is counted as aliased). */
        boolean enter(org.snakeyaml.engine.v2.nodes.Node node, String source) {
            boolean alias = !converted.add(node);
            if (alias) aliasDepth++;
            nodes++;
            if (aliasDepth > 0) fromAliases++;
            if (fromAliases > 100 && nodes > 1000 && fromAliases > allowedFromAliases(nodes)) {
                throw new YamlException("invalid YAML in " + source + lineOf(node) + ": excessive aliasing: its"
                        + " aliases expand it to more than " + nodes + " nodes, " + fromAliases + " of them copies"
                        + " made by aliases (a \"billion laughs\" document?); refused before expanding it further."
                        + " Write the values out, or use fewer nested aliases");
            }
            return alias;
        }

        void leave(boolean alias) {
            if (alias) aliasDepth--;
        }

        static double allowedFromAliases(long nodes) {
            double share;
            if (nodes <= 400_000) {
                share = 0.99;
            } else if (nodes >= 4_000_000) {
                share = 0.10;
            } else {
                share = 0.99 - 0.89 * ((nodes - 400_000) / 3_600_000.0);
            }
            return share * nodes;
        }
    }

    private static Node convert(org.snakeyaml.engine.v2.nodes.Node node, String source,
            Map<org.snakeyaml.engine.v2.nodes.Node, Boolean> inProgress, Mode mode, Expansion expansion) {
        boolean alias = expansion.enter(node, source);
        try {
            return convertCounted(node, source, inProgress, mode, expansion);
        } finally {
            expansion.leave(alias);
        }
    }

    private static Node convertCounted(org.snakeyaml.engine.v2.nodes.Node node, String source,
            Map<org.snakeyaml.engine.v2.nodes.Node, Boolean> inProgress, Mode mode, Expansion expansion) {
        if (node instanceof org.snakeyaml.engine.v2.nodes.ScalarNode scalar) {
            try {
                return scalar(scalar, mode != Mode.V3);
            } catch (YamlException e) {
                throw new YamlException(source + lineOf(node) + ": " + e.getMessage());
            }
        }
        if (inProgress.containsKey(node)) {
            throw new YamlException("invalid YAML in " + source + lineOf(node) + ": an alias refers to itself");
        }
        inProgress.put(node, Boolean.TRUE);
        try {
            if (node instanceof SequenceNode sequence) {
                SeqNode out = new SeqNode();
                for (org.snakeyaml.engine.v2.nodes.Node item : sequence.getValue()) {
                    out.add(convert(item, source, inProgress, mode, expansion));
                }
                return out;
            }
            MappingNode mapping = (MappingNode) node;
            MapNode out = new MapNode();
            List<MapNode> merges = new ArrayList<>();
            for (NodeTuple tuple : mapping.getValue()) {
                org.snakeyaml.engine.v2.nodes.Node keyNode = tuple.getKeyNode();
                if (!(keyNode instanceof org.snakeyaml.engine.v2.nodes.ScalarNode keyScalar)) {
                    throw new YamlException("invalid YAML in " + source + lineOf(keyNode)
                            + ": a mapping key must be a scalar");
                }
                String key = keyScalar.getValue();
                if (mode == Mode.KUSTOMIZATION && keyScalar.getScalarStyle() == ScalarStyle.PLAIN
                        && keyScalar.getTag().equals(IMPLICIT) && !key.equals("<<")) {
                    ScalarNode typed = Scalars.resolvePlainYaml11(key);
                    if (typed.tag() != ScalarNode.Tag.STR || Scalars.isTimestamp(key)) {
                        // sigs.k8s.io/yaml keeps such a key typed, and Kustomize fails on it (json: unsupported type)
                        throw new YamlException("invalid Kustomization in " + source + lineOf(keyNode) + ": the key "
                                + key + " is a " + typed.tag().name().toLowerCase(java.util.Locale.ROOT)
                                .replace("str", "timestamp") + " under YAML 1.1, and Kustomize needs string keys"
                                + " (json: unsupported type: map[interface {}]interface {}); quote it: \"" + key + "\"");
                    }
                }
                Node value = convert(tuple.getValueNode(), source, inProgress, mode, expansion);
                if (key.equals("<<") && keyScalar.getScalarStyle() == ScalarStyle.PLAIN) {
                    if (value instanceof MapNode merged) {
                        merges.add(merged);
                        continue;
                    }
                    if (value instanceof SeqNode list && list.items().stream().allMatch(i -> i instanceof MapNode)) {
                        list.items().forEach(i -> merges.add((MapNode) i));
                        continue;
                    }
                    throw new YamlException("invalid YAML in " + source + lineOf(keyNode)
                            + ": map merge requires map or sequence of maps as the value");
                }
                if (out.has(key) && mode == Mode.V3) {
                    // go-yaml v3 refuses a repeated key; sigs.k8s.io/yaml's v2 reading of a kustomization lets the
                    // last one win
                    throw new YamlException("invalid YAML in " + source + lineOf(keyNode) + ": mapping key \""
                            + key + "\" already defined");
                }
                out.put(key, value);
            }
            for (MapNode merged : merges) {
                merged.entries().forEach((k, v) -> {
                    if (!out.has(k)) {
                        out.put(k, v.deepCopy());
                    }
                });
            }
            return out;
        } finally {
            inProgress.remove(node);
        }
    }

    /** A scalar as go-yaml types it: by its explicit tag when it has one, else plain ones resolved, others strings. */
    private static ScalarNode scalar(org.snakeyaml.engine.v2.nodes.ScalarNode scalar, boolean yaml11) {
        Tag tag = scalar.getTag();
        String value = scalar.getValue();
        boolean plain = scalar.getScalarStyle() == ScalarStyle.PLAIN;
        if (tag.equals(IMPLICIT)) {
            if (plain && value.isEmpty()) {
                // a key written with no value: a null that keeps its empty text, which strategic merge tells from
                // `key: null` (Kustomize drops it when it walks the resource); printed, it is null like any other
                return new ScalarNode(ScalarNode.Tag.NULL, "");
            }
            if (!plain) {
                return ScalarNode.str(value);
            }
            return yaml11 ? Scalars.resolvePlainYaml11(value) : Scalars.resolvePlain(value);
        }
        if (tag.equals(Tag.STR)) {
            return ScalarNode.str(value);
        }
        if (tag.equals(Tag.BINARY)) {
            try {
                byte[] bytes = java.util.Base64.getMimeDecoder().decode(value);
                return ScalarNode.str(new String(bytes, java.nio.charset.StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                throw new YamlException("cannot decode !!binary `" + value + "`");
            }
        }
        ScalarNode.Tag expected = tag.equals(Tag.INT) ? ScalarNode.Tag.INT : tag.equals(Tag.FLOAT) ? ScalarNode.Tag.FLOAT
                : tag.equals(Tag.BOOL) ? ScalarNode.Tag.BOOL : tag.equals(Tag.NULL) ? ScalarNode.Tag.NULL : null;
        if (expected == null) {
            return ScalarNode.str(value);
        }
        ScalarNode resolved = Scalars.resolvePlain(value);
        boolean numeric = resolved.tag() == ScalarNode.Tag.INT || resolved.tag() == ScalarNode.Tag.FLOAT;
        boolean ok = expected == resolved.tag() || (expected == ScalarNode.Tag.FLOAT && numeric);
        if (!ok) {
            throw new YamlException("cannot decode " + tag.getValue().replace("tag:yaml.org,2002:", "!!") + " `"
                    + value + "`");
        }
        return resolved;
    }

    private static String lineOf(org.snakeyaml.engine.v2.nodes.Node node) {
        return node.getStartMark().map(m -> ": line " + (m.getLine() + 1)).orElse("");
    }
}
