package dev.verity.kustomize;

import java.util.ArrayList;
import java.util.List;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.ScalarNode;

/**
 * A resource during a build: its document and the history Kustomize keeps beside it (earlier ids, name prefixes and
 * suffixes applied, generator options), which the name-reference and hash steps need.
 */
final class Resource {

    final MapNode body;
    final List<ResourceId> previousIds = new ArrayList<>();
    final List<String> prefixes = new ArrayList<>();
    final List<String> suffixes = new ArrayList<>();
    /** Generated resources: whether the name gets a content hash at the end of the build. */
    boolean needsHash;
    /** Generated resources: create, merge or replace. */
    String behavior = "";
    final boolean generated;

    Resource(MapNode body, boolean generated) {
        this.body = body;
        this.generated = generated;
    }

    ResourceId id() {
        MapNode metadata = body.map("metadata");
        return ResourceId.of(body.string("apiVersion"), body.string("kind"),
                metadata == null ? null : metadata.string("name"),
                metadata == null ? null : metadata.string("namespace"));
    }

    /** The id before any transformation: the first previous id, or the current one. */
    ResourceId originalId() {
        return previousIds.isEmpty() ? id() : previousIds.get(0);
    }

    /** Previous ids and the current one. */
    List<ResourceId> allIds() {
        List<ResourceId> ids = new ArrayList<>(previousIds);
        ids.add(id());
        return ids;
    }

    /** Records the current id in the history, with its effective namespace, as Kustomize does before a rename. */
    void storePreviousId() {
        ResourceId current = id();
        previousIds.add(new ResourceId(current.group(), current.version(), current.kind(), current.name(),
                current.effectiveNamespace()));
    }

    String name() {
        return id().name();
    }

    String kind() {
        return body.string("kind") == null ? "" : body.string("kind");
    }

    String namespace() {
        return id().namespace();
    }

    void setName(String name) {
        body.mapOrCreate("metadata").put("name", ScalarNode.str(name));
    }
}
