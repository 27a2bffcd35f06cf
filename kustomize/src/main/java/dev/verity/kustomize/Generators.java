package dev.verity.kustomize;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.Node;
import dev.verity.kustomize.yaml.ScalarNode;

/** configMapGenerator and secretGenerator: ConfigMaps and Secrets from literals, files and env files. */
final class Generators {


    private Generators() {
    }

    static void run(Kustomizer.Build build, Kustomization k, List<Resource> accumulated) {
        MapNode globalOptions = k.fields.map("generatorOptions");
        for (MapNode generator : k.maps("configMapGenerator")) {
            build.deadline.check("generating ConfigMaps of " + k.file);
            absorb(build, k, accumulated, generate(build, k, generator, globalOptions, false));
        }
        for (MapNode generator : k.maps("secretGenerator")) {
            build.deadline.check("generating Secrets of " + k.file);
            absorb(build, k, accumulated, generate(build, k, generator, globalOptions, true));
        }
    }

    private static Resource generate(Kustomizer.Build build, Kustomization k, MapNode args, MapNode globalOptions,
            boolean secret) {
        String field = secret ? "secretGenerator" : "configMapGenerator";
        String name = args.string("name");
        if (name == null || name.isEmpty()) {
            throw new KustomizeException(field + " in " + k.file + ": a generator needs a 'name'");
        }
        String where = field + " '" + name + "' in " + k.file;
        Map<String, String> data = new LinkedHashMap<>();
        Map<String, String> binary = new LinkedHashMap<>();
        List<String> envs = new ArrayList<>(k.strings(args, "envs", where));
        String env = args.string("env");
        if (env != null && !env.isEmpty()) {
            envs.add(env);
        }
        for (String envFile : envs) {
            byte[] content = build.readRestricted(k, where, envFile);
            String text = new String(content, StandardCharsets.UTF_8);
            String[] lines = text.split("\n", -1);
            for (int i = 0; i < lines.length; i++) {
                build.deadline.check("reading env file " + envFile);
                String line = lines[i];
                if (line.endsWith("\r")) {
                    line = line.substring(0, line.length() - 1);
                }
                if (i == 0 && line.startsWith("\uFEFF")) {
                    line = line.substring(1);
                }
                line = line.stripLeading();
                if (line.isEmpty() || line.startsWith("#")) {
                    continue;
                }
                int eq = line.indexOf('=');
                if (eq < 0) {
                    throw new KustomizeException(where + ": line " + (i + 1) + " of env file '" + envFile
                            + "' has no '=': Kustomize would take the value of '" + line + "' from the environment"
                            + " of the build, which the in-process engine does not read; write KEY=VALUE");
                }
                String key = line.substring(0, eq);
                put(data, binary, key, line.substring(eq + 1), where);
            }
        }
        for (String literal : k.strings(args, "literals", where)) {
            int eq = literal.indexOf('=');
            if (eq < 0) {
                throw new KustomizeException(where + ": invalid literal source " + literal + ", expected key=value");
            }
            put(data, binary, literal.substring(0, eq), removeQuotes(literal.substring(eq + 1)), where);
        }
        for (String source : k.strings(args, "files", where)) {
            build.deadline.check("reading generator files of " + k.file);
            String key;
            String path;
            int eq = source.indexOf('=');
            if (eq >= 0) {
                key = source.substring(0, eq);
                path = source.substring(eq + 1);
                if (key.isEmpty() || path.isEmpty()) {
                    throw new KustomizeException(where + ": file source '" + source + "' must be key=path or path");
                }
            } else {
                path = source;
                key = PathNames.baseName(source);
            }
            byte[] content = build.readRestricted(k, where, path);
            String text = utf8(content);
            if (text != null || secret) {
                put(data, binary, key, text != null ? text : null, where, content);
            } else {
                if (data.containsKey(key) || binary.containsKey(key)) {
                    throw duplicate(where, key);
                }
                binary.put(key, encodeBase64(content));
            }
        }

        MapNode body = new MapNode();
        body.put("apiVersion", "v1");
        body.put("kind", secret ? "Secret" : "ConfigMap");
        MapNode metadata = body.mapOrCreate("metadata");
        metadata.put("name", name);
        String namespace = args.string("namespace");
        if (namespace != null && !namespace.isEmpty()) {
            metadata.put("namespace", namespace);
        }
        MapNode options = args.map("options");
        Map<String, String> labels = new LinkedHashMap<>();
        Map<String, String> annotations = new LinkedHashMap<>();
        boolean disableHash = false;
        boolean immutable = false;
        for (MapNode opts : new MapNode[] {globalOptions, options}) {
            if (opts == null) {
                continue;
            }
            labels.putAll(k.stringMap(opts.get("labels"), "generatorOptions.labels"));
            annotations.putAll(k.stringMap(opts.get("annotations"), "generatorOptions.annotations"));
            disableHash |= "true".equals(opts.string("disableNameSuffixHash"));
            immutable |= "true".equals(opts.string("immutable"));
        }
        if (!labels.isEmpty()) {
            MapNode labelMap = metadata.mapOrCreate("labels");
            labels.forEach(labelMap::put);
        }
        if (!annotations.isEmpty()) {
            MapNode annotationMap = metadata.mapOrCreate("annotations");
            annotations.forEach(annotationMap::put);
        }
        if (secret) {
            String type = args.string("type");
            body.put("type", type == null || type.isEmpty() ? "Opaque" : type);
            if (!data.isEmpty()) {
                MapNode dataMap = body.mapOrCreate("data");
                data.forEach(dataMap::put);
            }
        } else {
            if (!data.isEmpty()) {
                MapNode dataMap = body.mapOrCreate("data");
                data.forEach(dataMap::put);
            }
            if (!binary.isEmpty()) {
                MapNode binaryMap = body.mapOrCreate("binaryData");
                binary.forEach(binaryMap::put);
            }
        }
        if (immutable) {
            body.put("immutable", ScalarNode.bool(true));
        }
        Resource resource = new Resource(body, true);
        resource.needsHash = !disableHash;
        String behavior = args.string("behavior");
        resource.behavior = behavior == null || behavior.isEmpty() ? "create" : behavior;
        if (!List.of("create", "merge", "replace").contains(resource.behavior)) {
            throw new KustomizeException(where + ": behavior '" + behavior + "' must be create, merge or replace");
        }
        return resource;
    }

    private static void put(Map<String, String> data, Map<String, String> binary, String key, String value,
            String where) {
        put(data, binary, key, value, where, null);
    }

    /** Adds a key; Secrets (content != null or secret values) store base64, ConfigMaps the text. */
    private static void put(Map<String, String> data, Map<String, String> binary, String key, String value,
            String where, byte[] content) {
        if (data.containsKey(key) || binary.containsKey(key)) {
            throw duplicate(where, key);
        }
        data.put(key, value != null ? value : "\u0000binary:" + Base64.getEncoder().encodeToString(content));
    }

    private static KustomizeException duplicate(String where, String key) {
        return new KustomizeException(where + ": cannot add key " + key
                + ", another key by that name already exists in the generated data");
    }

    private static String removeQuotes(String value) {
        if (value.length() < 2 || value.charAt(0) != value.charAt(value.length() - 1)) {
            return value;
        }
        if (value.charAt(0) == '"' || value.charAt(0) == '\'') {
            return value.substring(1, value.length() - 1);
        }
        return value;
    }

    private static String utf8(byte[] content) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(content)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }

    /** Base64 as Kustomize writes generated data: lines of 70 characters, each ending in a newline when wrapped. */
    static String encodeBase64(byte[] content) {
        String encoded = Base64.getEncoder().encodeToString(content);
        if (encoded.length() <= 70) {
            return encoded;
        }
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < encoded.length(); i += 70) {
            out.append(encoded, i, Math.min(encoded.length(), i + 70)).append('\n');
        }
        return out.toString();
    }

    /** Adds a generated resource to the accumulated ones according to its behavior. */
    private static void absorb(Kustomizer.Build build, Kustomization k, List<Resource> accumulated,
            Resource generated) {
        finishSecret(generated);
        ResourceId id = generated.id();
        List<Resource> matches = new ArrayList<>();
        for (Resource existing : accumulated) {
            if (!existing.id().gvkEquals(id)) {
                continue;
            }
            boolean nameMatches = false;
            for (ResourceId any : existing.allIds()) {
                if (any.name().equals(id.name())
                        && (any.effectiveNamespace().equals(id.effectiveNamespace()))) {
                    nameMatches = true;
                }
            }
            if (nameMatches) {
                matches.add(existing);
            }
        }
        switch (generated.behavior) {
            case "create" -> {
                if (!matches.isEmpty()) {
                    throw new KustomizeException("generating in " + k.file
                            + ": may not add resource with an already registered id: " + id
                            + "; id exists; behavior must be merge or replace (to change a generated resource of a"
                            + " base)");
                }
                accumulated.add(generated);
            }
            case "merge", "replace" -> {
                if (matches.isEmpty()) {
                    throw new KustomizeException("generating in " + k.file + ": id " + id
                            + " does not exist; cannot merge or replace");
                }
                if (matches.size() > 1) {
                    throw new KustomizeException("generating in " + k.file + ": found multiple objects "
                            + matches.stream().map(r -> r.id().toString()).toList() + " that could be merged with "
                            + id);
                }
                Resource old = matches.get(0);
                MapNode oldMeta = old.body.mapOrCreate("metadata");
                MapNode newMeta = generated.body.mapOrCreate("metadata");
                if ("merge".equals(generated.behavior)) {
                    for (String field : List.of("data", "binaryData")) {
                        MapNode add = generated.body.map(field);
                        if (add != null) {
                            MapNode target = old.body.mapOrCreate(field);
                            add.entries().forEach(target::put);
                        }
                    }
                    if (generated.body.has("immutable")) {
                        old.body.put("immutable", generated.body.get("immutable"));
                    }
                } else {
                    for (String field : List.of("data", "binaryData", "immutable")) {
                        old.body.remove(field);
                        if (generated.body.has(field)) {
                            old.body.put(field, generated.body.get(field));
                        }
                    }
                }
                for (String field : List.of("labels", "annotations")) {
                    MapNode add = newMeta.map(field);
                    if (add != null) {
                        MapNode target = oldMeta.mapOrCreate(field);
                        add.entries().forEach(target::put);
                    }
                }
                old.needsHash = old.needsHash && generated.needsHash;
            }
            default -> throw new IllegalStateException(generated.behavior);
        }
    }

    /** Secret values are stored base64-encoded; file contents were marked while the key order was collected. */
    private static void finishSecret(Resource generated) {
        if (!"Secret".equals(generated.kind())) {
            return;
        }
        MapNode data = generated.body.map("data");
        if (data == null) {
            return;
        }
        for (Map.Entry<String, Node> entry : data.entries().entrySet()) {
            String value = ((ScalarNode) entry.getValue()).value();
            byte[] bytes = value.startsWith("\u0000binary:")
                    ? Base64.getDecoder().decode(value.substring("\u0000binary:".length()))
                    : value.getBytes(StandardCharsets.UTF_8);
            entry.setValue(ScalarNode.str(encodeBase64(bytes)));
        }
    }
}
