/**
 * The patch algorithms of the engine, exact to Kustomize v5.5, on the {@link dev.verity.kustomize.yaml.Node} tree:
 * strategic merge ({@link dev.verity.kustomize.patch.StrategicMerge}, outcome {@link
 * dev.verity.kustomize.patch.MergeOutcome}) with the merge keys of {@link dev.verity.kustomize.patch.PatchSchema}
 * (generated from Kustomize's embedded Kubernetes v1.21.2 schema by {@code kustomize/schema/generate-patch-schema.py}),
 * JSON 6902 ({@link dev.verity.kustomize.patch.JsonPatch}), and target selection ({@link
 * dev.verity.kustomize.patch.PatchTarget}, {@link dev.verity.kustomize.patch.LabelSelector}) over the engine's
 * resources seen as {@link dev.verity.kustomize.patch.SelectableResource}. Failures are {@link
 * dev.verity.kustomize.patch.PatchException}s with Kustomize's wording; the engine adds the file and resource.
 */
package dev.verity.kustomize.patch;
