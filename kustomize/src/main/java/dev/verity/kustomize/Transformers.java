package dev.verity.kustomize;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;
import dev.verity.kustomize.yaml.SeqNode;

/**
 * The built-in transformers of a kustomization, run in Kustomize's order: patches (strategic merge, then
 * {@code patches}), namespace, name prefix, name suffix, labels, annotations, JSON 6902 patches, replicas, images,
 * replacements.
 */
final class Transformers {

    private Transformers() {
    }

    static void run(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        Patches.patchesStrategicMerge(build, k, resources);
        Patches.patches(build, k, resources);
        namespace(build, k, resources);
        namePrefixSuffix(build, k, resources);
        labels(build, k, resources);
        annotations(build, k, resources);
        Patches.patchesJson6902(build, k, resources);
        replicas(build, k, resources);
        images(build, k, resources);
        Replacements.run(build, k, resources);
    }

    // ---- namespace ----

    private static void namespace(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        String namespace = k.string("namespace");
        if (namespace.isEmpty()) {
            return;
        }
        for (Resource resource : resources) {
            build.deadline.check("setting namespaces in " + k.file);
            if (resource.body.size() == 0) {
                continue;
            }
            resource.storePreviousId();
            ResourceId id = resource.id();
            if (!id.clusterScoped()) {
                resource.body.mapOrCreate("metadata").put("namespace", namespace);
            }
            if (id.kind().equals("RoleBinding") || id.kind().equals("ClusterRoleBinding")) {
                SeqNode subjects = resource.body.seq("subjects");
                if (subjects != null) {
                    for (Node subject : subjects.items()) {
                        if (subject instanceof MapNode s && "default".equals(s.string("name"))) {
                            s.put("namespace", namespace);
                        }
                    }
                }
            }
            for (FieldSpec spec : BuiltinConfig.NAMESPACE) {
                if (spec.path().equals("metadata/namespace")) {
                    continue;
                }
                if (spec.path().equals("metadata/name") && !"v1".equals(resource.body.string("apiVersion"))) {
                    continue;
                }
                if (!spec.selects(id)) {
                    continue;
                }
                spec.apply(resource.body, () -> ScalarNode.str(namespace), node -> ScalarNode.str(namespace));
            }
        }
        java.util.Set<String> ids = new java.util.HashSet<>();
        for (Resource resource : resources) {
            ResourceId id = resource.id();
            if (!ids.add(id.gvkString() + "|" + id.name() + "|" + id.effectiveNamespace())) {
                throw new KustomizeException("namespace transformation in " + k.file
                        + " produces ID conflict: more than one resource is now " + id);
            }
        }
    }

    // ---- namePrefix / nameSuffix ----

    private static void namePrefixSuffix(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        String prefix = k.string("namePrefix");
        String suffix = k.string("nameSuffix");
        if (!prefix.isEmpty()) {
            rename(build, k, resources, prefix, true);
        }
        if (!suffix.isEmpty()) {
            rename(build, k, resources, suffix, false);
        }
    }

    private static void rename(Kustomizer.Build build, Kustomization k, List<Resource> resources, String affix,
            boolean prefix) {
        for (Resource resource : resources) {
            build.deadline.check("adding name prefixes and suffixes in " + k.file);
            ResourceId original = resource.originalId();
            if (skipsRename(original)) {
                continue;
            }
            if (prefix) {
                resource.prefixes.add(affix);
            } else {
                resource.suffixes.add(affix);
            }
            resource.storePreviousId();
            String name = resource.name();
            resource.setName(prefix ? affix + name : name + affix);
        }
    }

    /** Kinds whose names Kustomize never prefixes or suffixes. */
    private static boolean skipsRename(ResourceId id) {
        return (id.kind().equals("CustomResourceDefinition") && id.group().equals("apiextensions.k8s.io"))
                || (id.kind().equals("APIService") && id.group().equals("apiregistration.k8s.io"))
                || id.kind().equals("Namespace");
    }

    // ---- labels and commonLabels, commonAnnotations ----

    private static void labels(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        for (MapNode label : k.maps("labels")) {
            Map<String, String> pairs = k.stringMap(label.get("pairs"), "labels.pairs");
            List<FieldSpec> specs = new ArrayList<>(BuiltinConfig.specs(label.seq("fields")));
            if ("true".equals(label.string("includeSelectors"))) {
                specs.addAll(BuiltinConfig.COMMON_LABELS);
            } else {
                if ("true".equals(label.string("includeTemplates"))) {
                    specs.addAll(BuiltinConfig.TEMPLATE_LABELS);
                }
                specs.add(new FieldSpec("", "", "", "metadata/labels", true));
            }
            applyPairs(build, k, resources, pairs, mergeSpecs(specs), "labels");
        }
        Map<String, String> common = k.stringMap("commonLabels");
        if (!common.isEmpty()) {
            applyPairs(build, k, resources, common, BuiltinConfig.COMMON_LABELS, "commonLabels");
        }
    }

    /** Field specs with the same kind selector and path count once (the first wins), as Kustomize merges them. */
    private static List<FieldSpec> mergeSpecs(List<FieldSpec> specs) {
        List<FieldSpec> merged = new ArrayList<>();
        for (FieldSpec spec : specs) {
            boolean duplicate = merged.stream().anyMatch(m -> m.path().equals(spec.path())
                    && m.group().equals(spec.group()) && m.version().equals(spec.version())
                    && m.kind().equals(spec.kind()));
            if (!duplicate) {
                merged.add(spec);
            }
        }
        return merged;
    }

    private static void annotations(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        Map<String, String> annotations = k.stringMap("commonAnnotations");
        if (!annotations.isEmpty()) {
            applyPairs(build, k, resources, annotations, BuiltinConfig.COMMON_ANNOTATIONS, "commonAnnotations");
        }
    }

    private static void applyPairs(Kustomizer.Build build, Kustomization k, List<Resource> resources,
            Map<String, String> pairs, List<FieldSpec> specs, String field) {
        if (pairs.isEmpty()) {
            return;
        }
        for (Resource resource : resources) {
            build.deadline.check("applying " + field + " of " + k.file);
            ResourceId id = resource.id();
            for (FieldSpec spec : specs) {
                if (!spec.selects(id)) {
                    continue;
                }
                spec.apply(resource.body, MapNode::new, node -> {
                    if (!(node instanceof MapNode map)) {
                        throw new KustomizeException(field + " in " + k.file + ": '" + spec.path() + "' of "
                                + id + " is not a mapping");
                    }
                    pairs.forEach(map::put);
                    return map;
                });
            }
        }
    }

    // ---- replicas ----

    private static void replicas(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        for (MapNode replica : k.maps("replicas")) {
            String name = replica.string("name");
            Node countNode = replica.get("count");
            if (name == null || !(countNode instanceof ScalarNode count) || count.tag() != ScalarNode.Tag.INT) {
                throw new KustomizeException("replicas in " + k.file + ": each entry needs a name and an integer"
                        + " count");
            }
            boolean found = false;
            for (FieldSpec spec : BuiltinConfig.REPLICAS) {
                for (Resource resource : resources) {
                    build.deadline.check("setting replicas in " + k.file);
                    boolean matches = resource.allIds().stream()
                            .anyMatch(id -> id.name().equals(name) && spec.selects(id));
                    if (!matches) {
                        continue;
                    }
                    found = true;
                    spec.apply(resource.body, () -> count, node -> count);
                }
            }
            if (!found) {
                List<String> gvks = BuiltinConfig.REPLICAS.stream()
                        .map(s -> new ResourceId(s.group(), s.version(), s.kind(), "", "").gvkString()).toList();
                throw new KustomizeException("replicas in " + k.file + ": resource with name " + name
                        + " does not match a config with the following GVK " + gvks);
            }
        }
    }

    // ---- images ----

    private static void images(Kustomizer.Build build, Kustomization k, List<Resource> resources) {
        List<MapNode> images = new ArrayList<>(k.maps("images"));
        images.addAll(k.maps("imageTags"));
        for (MapNode image : images) {
            String name = image.string("name");
            if (name == null || name.isEmpty()) {
                throw new KustomizeException("images in " + k.file + ": each entry needs a name");
            }
            ImageRule rule = new ImageRule(name, nz(image.string("newName")), nz(image.string("newTag")),
                    nz(image.string("digest")), nz(image.string("tagSuffix")));
            for (Resource resource : resources) {
                build.deadline.check("setting images in " + k.file);
                updateContainers(resource.body, rule);
                ResourceId id = resource.id();
                for (FieldSpec spec : BuiltinConfig.IMAGES) {
                    if (spec.selects(id)) {
                        new FieldSpec(spec.group(), spec.version(), spec.kind(), spec.path(), false)
                                .apply(resource.body, () -> null, rule::update);
                    }
                }
            }
        }
    }

    private static String nz(String s) {
        return s == null ? "" : s;
    }

    /** Kustomize's legacy image filter: every containers / initContainers list anywhere in the resource. */
    private static void updateContainers(Node node, ImageRule rule) {
        if (node instanceof MapNode map) {
            for (Map.Entry<String, Node> entry : map.entries().entrySet()) {
                if ((entry.getKey().equals("containers") || entry.getKey().equals("initContainers"))
                        && entry.getValue() instanceof SeqNode containers) {
                    for (Node container : containers.items()) {
                        if (container instanceof MapNode c && c.get("image") instanceof ScalarNode) {
                            c.put("image", rule.update(c.get("image")));
                        }
                    }
                } else {
                    updateContainers(entry.getValue(), rule);
                }
            }
        } else if (node instanceof SeqNode seq) {
            for (Node item : seq.items()) {
                updateContainers(item, rule);
            }
        }
    }

    /** One {@code images} entry. */
    record ImageRule(String name, String newName, String newTag, String digest, String tagSuffix) {

        Node update(Node node) {
            if (!(node instanceof ScalarNode scalar) || scalar.tag() != ScalarNode.Tag.STR) {
                return node;
            }
            String value = scalar.value();
            try {
                if (!Pattern.compile("^" + name + "(:[a-zA-Z0-9_.{}-]*)?(@sha256:[a-zA-Z0-9_.{}-]*)?$").matcher(value)
                        .find()) {
                    return node;
                }
            } catch (java.util.regex.PatternSyntaxException e) {
                return node;
            }
            String[] parts = split(value);
            String imageName = parts[0];
            String tag = parts[1];
            String imageDigest = parts[2];
            if (!newName.isEmpty()) {
                imageName = newName;
            }
            if (!newTag.isEmpty() && !digest.isEmpty()) {
                tag = newTag;
                imageDigest = digest;
            } else if (!newTag.isEmpty()) {
                tag = newTag;
                imageDigest = "";
            } else if (!digest.isEmpty()) {
                imageDigest = digest;
                tag = "";
            } else if (!tagSuffix.isEmpty()) {
                tag = tag + tagSuffix;
                imageDigest = "";
            }
            String result = imageName + (tag.isEmpty() ? "" : ":" + tag)
                    + (imageDigest.isEmpty() ? "" : "@" + imageDigest);
            return ScalarNode.str(result);
        }

        /** Name, tag and digest of an image reference; a registry port is not a tag. */
        static String[] split(String image) {
            int slash = image.indexOf('/');
            int offset = slash > 0 ? slash : 0;
            String search = image.substring(offset);
            int at = search.indexOf('@');
            int colon = search.indexOf(':');
            if (colon < 0 && at < 0) {
                return new String[] {image, "", ""};
            }
            if (at >= 0 && (at < colon || colon < 0)) {
                return new String[] {image.substring(0, at + offset), "", image.substring(at + offset + 1)};
            }
            if (at >= 0) {
                return new String[] {image.substring(0, colon + offset),
                    image.substring(colon + offset + 1, at + offset), image.substring(at + offset + 1)};
            }
            return new String[] {image.substring(0, colon + offset), image.substring(colon + offset + 1), ""};
        }
    }
}
