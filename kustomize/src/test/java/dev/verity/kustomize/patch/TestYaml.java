package dev.verity.kustomize.patch;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import org.snakeyaml.engine.v2.api.lowlevel.Compose;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.nodes.MappingNode;
import org.snakeyaml.engine.v2.nodes.NodeTuple;
import org.snakeyaml.engine.v2.nodes.SequenceNode;
import org.snakeyaml.engine.v2.nodes.Tag;

/**
 * Test-only: YAML text (YAML 1.2 core schema, which the test inputs keep to) to the engine's document tree, via
 * SnakeYAML Engine's composer. Integers hold canonical text; a null written as nothing ({@code key:}) keeps the empty
 * text, as Kustomize tells it from {@code key: null}.
 */
final class TestYaml {

    private TestYaml() {
    }

    static Node parse(String text) {
        return convert(new Compose(LoadSettings.builder().build()).composeString(text).orElseThrow());
    }

    static MapNode map(String text) {
        return (MapNode) parse(text);
    }

    static List<MapNode> documents(String text) {
        List<MapNode> result = new ArrayList<>();
        for (org.snakeyaml.engine.v2.nodes.Node document
                : new Compose(LoadSettings.builder().build()).composeAllFromString(text)) {
            Node node = convert(document);
            if (node instanceof MapNode map) {
                result.add(map);
            }
        }
        return result;
    }

    private static Node convert(org.snakeyaml.engine.v2.nodes.Node node) {
        if (node instanceof MappingNode mapping) {
            MapNode map = new MapNode();
            for (NodeTuple tuple : mapping.getValue()) {
                map.put(((org.snakeyaml.engine.v2.nodes.ScalarNode) tuple.getKeyNode()).getValue(),
                        convert(tuple.getValueNode()));
            }
            return map;
        }
        if (node instanceof SequenceNode sequence) {
            SeqNode seq = new SeqNode();
            sequence.getValue().forEach(item -> seq.add(convert(item)));
            return seq;
        }
        org.snakeyaml.engine.v2.nodes.ScalarNode scalar = (org.snakeyaml.engine.v2.nodes.ScalarNode) node;
        String value = scalar.getValue();
        Tag tag = scalar.getTag();
        if (Tag.NULL.equals(tag) || ("~".equals(value) && scalar.isPlain())) {
            return value.isEmpty() ? new ScalarNode(ScalarNode.Tag.NULL, "") : ScalarNode.NULL;
        }
        if (Tag.INT.equals(tag)) {
            String digits = value.startsWith("+") ? value.substring(1) : value;
            BigInteger number = digits.startsWith("0x") ? new BigInteger(digits.substring(2), 16)
                    : digits.startsWith("0o") ? new BigInteger(digits.substring(2), 8) : new BigInteger(digits);
            return new ScalarNode(ScalarNode.Tag.INT, number.toString());
        }
        if (Tag.FLOAT.equals(tag)) {
            return new ScalarNode(ScalarNode.Tag.FLOAT, value);
        }
        if (Tag.BOOL.equals(tag)) {
            return ScalarNode.bool(Boolean.parseBoolean(value.toLowerCase()));
        }
        return ScalarNode.str(value);
    }

    /** The tree with every null as {@link ScalarNode#NULL}, as a printer shows them, for comparing outputs. */
    static Node printed(Node node) {
        if (node instanceof MapNode map) {
            MapNode copy = new MapNode();
            map.entries().forEach((k, v) -> copy.put(k, printed(v)));
            return copy;
        }
        if (node instanceof SeqNode seq) {
            SeqNode copy = new SeqNode();
            seq.items().forEach(item -> copy.add(printed(item)));
            return copy;
        }
        return node instanceof ScalarNode scalar && scalar.isNull() ? ScalarNode.NULL : node;
    }
}
