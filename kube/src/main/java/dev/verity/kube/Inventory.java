package dev.verity.kube;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The objects Verity applied for one target, as it keeps them in the cluster ({@link InventoryStore}): what it
 * owns and may prune. The annotation on an object only says which target wrote it last; the inventory is the record
 * of ownership, so a prune never depends on reading every object of the cluster.
 *
 * @param commit          the commit of the desired state the inventory was last written for (null when never)
 * @param repo            the repository of that desired state (null when never, or written before it was kept)
 * @param prunePolicy     how that desired state's policy treats objects leaving the target: what a removal of the
 *                        whole target does when no desired state is left to ask (the default when not recorded)
 * @param resourceVersion the version of the stored inventory this was read as, null when none is stored: the next
 *                        write must find it unchanged (two appliers never both write one target)
 */
public record Inventory(TargetKey target, List<Entry> entries, String commit, String resourceVersion, String repo,
        PrunePolicy prunePolicy) {

    private static final ObjectMapper JSON = new ObjectMapper();

    public Inventory {
        Objects.requireNonNull(target, "target");
        entries = List.copyOf(entries);
        prunePolicy = prunePolicy == null ? PrunePolicy.DEFAULT : prunePolicy;
    }

    public Inventory(TargetKey target, List<Entry> entries, String commit, String resourceVersion) {
        this(target, entries, commit, resourceVersion, null, PrunePolicy.DEFAULT);
    }

    /**
     * One object: the resource type it was applied as (to address it again without discovery), where it is, its
     * uid once the cluster has given one (the precondition of its deletion) and its apply stage.
     */
    public record Entry(ResourceType type, String namespace, String name, String uid, Stage stage) {

        public Entry {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(stage, "stage");
            namespace = namespace == null || namespace.isBlank() ? null : namespace;
            uid = uid == null || uid.isBlank() ? null : uid;
        }

        public ObjectRef ref() {
            return new ObjectRef(type.apiVersion(), type.kind(), namespace, name);
        }

        /**
         * The object whatever API version it is addressed in: group, kind, namespace and name (an HPA moved from
         * autoscaling/v1 to v2 in Git is the same object, not one to prune).
         */
        public String identity() {
            return identity(type.group(), type.kind(), namespace, name);
        }

        static String identity(String group, String kind, String namespace, String name) {
            return group + "/" + kind + "/" + (namespace == null ? "" : namespace) + "/" + name;
        }
    }

    public static Inventory empty(TargetKey target) {
        return new Inventory(target, List.of(), null, null);
    }

    /** The entry of a planned object, with the uid of its live object when it exists. */
    static Entry entryOf(PlannedObject object, String uid) {
        return new Entry(object.type(), object.ref().namespace(), object.ref().name(), uid, object.stage());
    }

    /** The identity of a planned object, as {@link Entry#identity()}. */
    static String identityOf(PlannedObject object) {
        return Entry.identity(object.type().group(), object.type().kind(), object.ref().namespace(), object.ref().name());
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    /** The same target and stored version with other entries, written for {@code commit}. */
    public Inventory with(List<Entry> newEntries, String forCommit) {
        return new Inventory(target, newEntries, forCommit, resourceVersion, repo, prunePolicy);
    }

    /** The same target and stored version with other entries, written for a desired state of {@code repo}. */
    public Inventory with(List<Entry> newEntries, String forRepo, String forCommit, PrunePolicy policy) {
        return new Inventory(target, newEntries, forCommit, resourceVersion, forRepo, policy);
    }

    /** This inventory as stored at {@code version}. */
    public Inventory storedAs(String version) {
        return new Inventory(target, entries, commit, version, repo, prunePolicy);
    }

    /**
     * These entries and {@code more}, one per object: an entry of {@code more} replaces one of the same identity
     * (its type and uid are the newer), but keeps the older uid when it has none yet.
     */
    public List<Entry> union(List<Entry> more) {
        Map<String, Entry> byIdentity = new LinkedHashMap<>();
        entries.forEach(e -> byIdentity.put(e.identity(), e));
        for (Entry e : more) {
            Entry old = byIdentity.get(e.identity());
            byIdentity.put(e.identity(), e.uid() == null && old != null
                    ? new Entry(e.type(), e.namespace(), e.name(), old.uid(), e.stage()) : e);
        }
        return List.copyOf(byIdentity.values());
    }

    /** The stored form (JSON): target, commit and the entries. */
    public String toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("target", target.toString());
        if (commit != null) root.put("commit", commit);
        if (repo != null) root.put("repo", repo);
        root.put("prune", prunePolicy.prune());
        ArrayNode pruneAlso = root.putArray("pruneAlso");
        prunePolicy.alsoKinds().stream().sorted().forEach(pruneAlso::add);
        ArrayNode objects = root.putArray("objects");
        for (Entry e : entries) {
            ObjectNode o = objects.addObject();
            o.put("apiVersion", e.type().apiVersion());
            o.put("kind", e.type().kind());
            if (e.namespace() != null) o.put("namespace", e.namespace());
            o.put("name", e.name());
            o.put("resource", e.type().plural());
            o.put("namespaced", e.type().namespaced());
            o.put("stage", e.stage().name());
            if (e.uid() != null) o.put("uid", e.uid());
        }
        return root.toString();
    }

    /**
     * Reads the stored form.
     *
     * @throws IllegalArgumentException naming what is wrong, when the text is not an inventory of {@code target}
     */
    public static Inventory fromJson(TargetKey target, String json, String resourceVersion) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("the inventory of " + target + " is not JSON: " + e.getMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("the inventory of " + target + " is not a JSON object");
        }
        if (!target.toString().equals(root.path("target").asText())) {
            throw new IllegalArgumentException("the stored inventory names target '" + root.path("target").asText()
                    + "', not " + target);
        }
        List<Entry> entries = new ArrayList<>();
        for (JsonNode o : root.path("objects")) {
            String apiVersion = o.path("apiVersion").asText();
            ResourceType type = new ResourceType(Manifest.groupOf(apiVersion), Manifest.versionOf(apiVersion),
                    o.path("kind").asText(), o.path("resource").asText(), o.path("namespaced").asBoolean());
            Stage stage;
            try {
                stage = Stage.valueOf(o.path("stage").asText());
            } catch (IllegalArgumentException unknown) {
                stage = Stage.RESOURCES;
            }
            entries.add(new Entry(type, o.path("namespace").asText(null), o.path("name").asText(), o.path("uid").asText(null), stage));
        }
        java.util.Set<String> pruneAlso = new java.util.TreeSet<>();
        root.path("pruneAlso").forEach(k -> pruneAlso.add(k.asText()));
        PrunePolicy policy = new PrunePolicy(root.path("prune").asBoolean(true), pruneAlso);
        return new Inventory(target, entries, root.path("commit").asText(null), resourceVersion,
                root.path("repo").asText(null), policy);
    }
}
