package dev.verity.kube.schema;

import java.util.List;

/**
 * What a table was derived from.
 *
 * @param kubernetes the Kubernetes release, e.g. {@code 1.32}
 * @param sources    the source repositories read, each at a tag and commit
 * @param curated    the curated inputs merged (defaults, immutable fields), empty when there were none
 * @param rules      how list/map semantics and zero values were derived, in words
 */
public record Header(String kubernetes, List<Source> sources, List<Curated> curated, String rules) {

    /** One source repository: {@code github.com/kubernetes/api} at {@code v0.32.0}, commit, packages read. */
    public record Source(String repository, String tag, String commit, List<String> packages) {
    }

    /** One curated input file, with how many entries it had and the SHA-256 of its text. */
    public record Curated(String file, int entries, String sha256) {
    }
}
