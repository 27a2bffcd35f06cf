package dev.verity.renderer.git;

import dev.verity.events.Digests;
import dev.verity.events.RepoIdentity;

/** Where a repository's mirror lives on disk; which repository a URL names is {@link RepoIdentity}'s to say. */
public final class RepoUrl {

    private RepoUrl() {
    }

    /**
     * A name safe for a directory, readable, and one per repository: every URL of one {@link RepoIdentity} gives the
     * same name, so switching a repository from its https to its ssh URL keeps its mirror.
     */
    public static String directoryName(String url) {
        String identity = RepoIdentity.of(url);
        String readable = identity.replaceAll("^[a-z]+://", "").replaceAll("[^A-Za-z0-9._-]+", "_")
                .replaceAll("^_+|_+$", "");
        if (readable.length() > 60) readable = readable.substring(readable.length() - 60);
        return readable + "-" + Digests.hex(identity).substring(0, 10);
    }
}
