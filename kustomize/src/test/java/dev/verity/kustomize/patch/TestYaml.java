package dev.verity.kustomize.patch;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** Test-only: YAML text to the engine's document tree (numbers as canonical text), via SnakeYAML Engine. */
final class TestYaml {

    private TestYaml() {
    }

    static Node parse(String text) {
        return convert(new Load(LoadSettings.builder().build()).loadFromString(text));
    }

    static MapNode map(String text) {
        return (MapNode) parse(text);
    }

    static List<MapNode> documents(String text) {
        List<MapNode> result = new ArrayList<>();
        for (Object document : new Load(LoadSettings.builder().build()).loadAllFromString(text)) {
            if (document != null) {
                result.add((MapNode) convert(document));
            }
        }
        return result;
    }

    static Node convert(Object value) {
        if (value == null) {
            return ScalarNode.NULL;
        }
        if (value instanceof Map<?, ?> map) {
            MapNode node = new MapNode();
            map.forEach((k, v) -> node.put(String.valueOf(k), convert(v)));
            return node;
        }
        if (value instanceof List<?> list) {
            SeqNode node = new SeqNode();
            list.forEach(item -> node.add(convert(item)));
            return node;
        }
        if (value instanceof Integer || value instanceof Long || value instanceof BigInteger) {
            return new ScalarNode(ScalarNode.Tag.INT, value.toString());
        }
        if (value instanceof Double || value instanceof Float) {
            return new ScalarNode(ScalarNode.Tag.FLOAT, value.toString());
        }
        if (value instanceof Boolean b) {
            return ScalarNode.bool(b);
        }
        return ScalarNode.str(String.valueOf(value));
    }
}
