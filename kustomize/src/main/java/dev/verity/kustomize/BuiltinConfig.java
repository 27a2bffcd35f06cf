package dev.verity.kustomize;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.SeqNode;
import dev.verity.kustomize.yaml.YamlReader;

/** Kustomize's built-in field specs (builtin-fieldspecs.yaml, data from Kustomize v5.5.0). */
final class BuiltinConfig {

    /** A kind that others refer to by name, and the fields where they do. */
    record NameBackReference(String group, String version, String kind, List<FieldSpec> referrers) {
    }

    static final List<FieldSpec> COMMON_LABELS;
    static final List<FieldSpec> TEMPLATE_LABELS;
    static final List<FieldSpec> COMMON_ANNOTATIONS;
    static final List<FieldSpec> NAMESPACE;
    static final List<FieldSpec> IMAGES;
    static final List<FieldSpec> REPLICAS;
    static final List<NameBackReference> NAME_REFERENCES;

    static {
        MapNode root;
        try (InputStream in = BuiltinConfig.class.getResourceAsStream("builtin-fieldspecs.yaml")) {
            root = (MapNode) YamlReader.readOne(new String(in.readAllBytes(), StandardCharsets.UTF_8),
                    "builtin-fieldspecs.yaml");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        COMMON_LABELS = specs(root.seq("commonLabels"));
        TEMPLATE_LABELS = specs(root.seq("templateLabels"));
        COMMON_ANNOTATIONS = specs(root.seq("commonAnnotations"));
        NAMESPACE = specs(root.seq("namespace"));
        IMAGES = specs(root.seq("images"));
        REPLICAS = specs(root.seq("replicas"));
        List<NameBackReference> refs = new ArrayList<>();
        for (Node item : root.seq("nameReference").items()) {
            MapNode ref = (MapNode) item;
            refs.add(new NameBackReference(nz(ref.string("group")), nz(ref.string("version")),
                    nz(ref.string("kind")), specs(ref.seq("fieldSpecs"))));
        }
        NAME_REFERENCES = List.copyOf(refs);
    }

    private BuiltinConfig() {
    }

    static List<FieldSpec> specs(SeqNode seq) {
        List<FieldSpec> result = new ArrayList<>();
        if (seq != null) {
            for (Node item : seq.items()) {
                result.add(FieldSpec.parse((MapNode) item));
            }
        }
        return List.copyOf(result);
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }
}
