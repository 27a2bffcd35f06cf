package dev.verity.kustomize.patch;

import dev.verity.kustomize.yaml.MapNode;

/** What a strategic merge patch did to a resource: merged it, or deleted it ({@code $patch: delete} at the top). */
public sealed interface MergeOutcome {

    /** The resource after the patch (the tree given to {@link StrategicMerge#apply} is not changed). */
    record Merged(MapNode resource) implements MergeOutcome {
    }

    /** The patch's top level says {@code $patch: delete}: the resource leaves the build. */
    record Deleted() implements MergeOutcome {
    }
}
