package dev.verity.kube.diff;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.events.ObjectRef;
import dev.verity.kube.DesiredYaml;

import java.util.ArrayList;
import java.util.List;

/**
 * One object of a desired state: what it is, and its content as the rendered document declares it.
 *
 * @param ref     the object's identity; its namespace is null when the document names none
 * @param content the parsed document; treat as read-only (the comparator never modifies it)
 */
public record DesiredObject(ObjectRef ref, ObjectNode content) {

    private static final ObjectMapper TREES = new ObjectMapper();

    /**
     * Parses one rendered document (YAML or JSON: one Kubernetes object) with {@link DesiredYaml}, the reader the
     * applier uses, so both see the same values. Only its first YAML document is read. Fails with a message that
     * names the document's position but never quotes it, since documents may be Secrets.
     *
     * @param position the 1-based position of the document in its desired state, for error messages
     */
    public static DesiredObject parse(String document, int position) {
        List<Object> yaml;
        try {
            yaml = DesiredYaml.loadAll(document);
        } catch (DesiredYaml.InvalidYaml e) {
            throw new IllegalArgumentException("document " + position + " is not valid YAML (line "
                    + (e.line() < 0 ? "?" : e.line()) + "); fix the rendered output", e);
        }
        JsonNode tree = yaml.isEmpty() || yaml.get(0) == null ? null : TREES.valueToTree(yaml.get(0));
        if (tree == null || !tree.isObject()) {
            throw new IllegalArgumentException("document " + position + " is not a YAML mapping (a Kubernetes object)");
        }
        ObjectNode object = (ObjectNode) tree;
        JsonNode metadata = object.path("metadata");
        try {
            ObjectRef ref = new ObjectRef(text(object.get("apiVersion")), text(object.get("kind")),
                    text(metadata.get("namespace")), text(metadata.get("name")));
            return new DesiredObject(ref, object);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("document " + position + ": " + e.getMessage(), e);
        }
    }

    /** Parses every document of a desired state, in order. */
    public static List<DesiredObject> parseAll(List<String> documents) {
        List<DesiredObject> objects = new ArrayList<>(documents.size());
        for (int i = 0; i < documents.size(); i++) {
            objects.add(parse(documents.get(i), i + 1));
        }
        return objects;
    }

    /** The same object placed in {@code namespace} (for a namespaced document that names no namespace). */
    public DesiredObject inNamespace(String namespace) {
        return new DesiredObject(new ObjectRef(ref.apiVersion(), ref.kind(), namespace, ref.name()), content);
    }

    private static String text(JsonNode node) {
        return node == null || node.isNull() || !node.isValueNode() ? null : node.asText();
    }
}
