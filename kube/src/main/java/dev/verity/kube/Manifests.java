package dev.verity.kube;

import dev.verity.events.ObjectRef;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The objects of a desired state, parsed from its YAML documents, with every problem that makes them unfit to
 * apply. Problems name the document by position and the object by kind and name, and never quote a document
 * (it may be a Secret).
 *
 * <p>YAML is read by {@link DesiredYaml} (the YAML 1.2 core schema, as Kustomize writes it): {@code yes}, {@code on}
 * and timestamps stay strings.
 */
public final class Manifests {

    private final List<Manifest> manifests;
    private final List<Problem> problems;

    private Manifests(List<Manifest> manifests, List<Problem> problems) {
        this.manifests = List.copyOf(manifests);
        this.problems = List.copyOf(problems);
    }

    /** Parses every document; a document may hold several YAML documents, empty ones are skipped. */
    public static Manifests parse(List<String> documents) {
        List<Manifest> manifests = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        Map<String, Manifest> seen = new HashMap<>();
        for (int i = 0; i < documents.size(); i++) {
            int document = i + 1;
            List<Object> objects;
            try {
                objects = DesiredYaml.loadAll(documents.get(i));
            } catch (DesiredYaml.InvalidYaml e) {
                problems.add(new Problem(document, null, "document " + document + " is not valid YAML: " + e.getMessage()));
                continue;
            }
            for (Object object : objects) {
                if (object == null) continue;
                Manifest manifest = toManifest(document, object, problems);
                if (manifest == null) continue;
                String identity = manifest.group() + "/" + manifest.ref().kind() + "/" + manifest.ref().namespace()
                        + "/" + manifest.ref().name();
                Manifest earlier = seen.putIfAbsent(identity, manifest);
                if (earlier != null) {
                    problems.add(new Problem(document, manifest.ref(), manifest.describe() + " declares the same object as"
                            + " document " + earlier.document() + "; each object may appear once in a target"));
                    continue;
                }
                manifests.add(manifest);
            }
        }
        return new Manifests(manifests, problems);
    }

    /** The objects that parsed, in document order. */
    public List<Manifest> manifests() {
        return manifests;
    }

    /** Why the documents cannot be applied; empty when they can. */
    public List<Problem> problems() {
        return problems;
    }

    public boolean valid() {
        return problems.isEmpty();
    }

    @SuppressWarnings("unchecked")
    private static Manifest toManifest(int document, Object object, List<Problem> problems) {
        if (!(object instanceof Map<?, ?> map)) {
            problems.add(new Problem(document, null, "document " + document + " is not a Kubernetes object (a YAML"
                    + " mapping with apiVersion, kind and metadata)"));
            return null;
        }
        Map<String, Object> content = (Map<String, Object>) map;
        String apiVersion = text(content.get("apiVersion"));
        String kind = text(content.get("kind"));
        Object metadata = content.get("metadata");
        String name = metadata instanceof Map<?, ?> m ? text(m.get("name")) : null;
        Object namespaceValue = metadata instanceof Map<?, ?> m ? m.get("namespace") : null;
        String namespace = text(namespaceValue);

        String what = "document " + document + (kind != null ? " (" + kind + (name != null ? " " + name : "") + ")" : "");
        List<String> missing = new ArrayList<>();
        if (apiVersion == null) missing.add("apiVersion");
        if (kind == null) missing.add("kind");
        if (!(metadata instanceof Map<?, ?>)) missing.add("metadata");
        else if (name == null) missing.add("metadata.name");
        if (!missing.isEmpty()) {
            problems.add(new Problem(document, null, what + " has no " + String.join(", ", missing)
                    + "; every object needs apiVersion, kind and metadata.name"));
            return null;
        }
        if (namespaceValue != null && namespace == null) {
            problems.add(new Problem(document, null, what + " has a metadata.namespace that is not a non-empty string"));
            return null;
        }
        if (kind.endsWith("List") && content.get("items") instanceof List<?>) {
            problems.add(new Problem(document, null, what + " is a list; publish one object per document"));
            return null;
        }
        return new Manifest(document, new ObjectRef(apiVersion, kind, namespace, name), content);
    }

    private static String text(Object value) {
        return value instanceof String s && !s.isBlank() ? s : null;
    }
}
