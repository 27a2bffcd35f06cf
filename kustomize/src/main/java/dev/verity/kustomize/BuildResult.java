package dev.verity.kustomize;

import java.util.List;
import java.util.Set;

import dev.verity.kustomize.yaml.MapNode;
import dev.verity.kustomize.yaml.YamlPrinter;

/**
 * What a build produced: the resources in output order, and every path it touched, so that a caller can tell whether
 * a change to a file could change the output.
 *
 * @param resources   the resources, in the order {@code kubectl kustomize} prints them
 * @param readFiles   every file the build read
 * @param probedPaths every path whose existence or kind the build checked, present or absent (including the
 *                    kustomization file names it looked for)
 * @param listedDirectories every directory whose entries the build listed
 */
public record BuildResult(List<MapNode> resources, Set<String> readFiles, Set<String> probedPaths,
        Set<String> listedDirectories) {

    /** The resources as {@code kubectl kustomize} prints them. */
    public String yaml() {
        return YamlPrinter.print(resources);
    }
}
