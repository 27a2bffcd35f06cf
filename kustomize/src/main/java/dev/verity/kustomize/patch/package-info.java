/**
 * The patch algorithms of the engine, exact to Kustomize v5.5: strategic merge ({@link
 * dev.verity.kustomize.patch.StrategicMerge}) with the merge keys of {@link dev.verity.kustomize.patch.PatchSchema},
 * JSON 6902 ({@link dev.verity.kustomize.patch.JsonPatch}) and patch target selection ({@link
 * dev.verity.kustomize.patch.PatchTarget}). All work on the {@link dev.verity.kustomize.yaml.Node} tree.
 */
package dev.verity.kustomize.patch;
