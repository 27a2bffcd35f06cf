package dev.verity.kustomize;

import java.io.IOException;
import java.util.List;

/**
 * The files a build reads, so that the engine can build from disk or from a Git tree. Paths are absolute,
 * '/'-separated and normalised (no {@code .} or {@code ..} segments).
 */
public interface KustomizeFileSystem {

    /** What a path is, following symbolic links. */
    enum Kind { FILE, DIRECTORY, MISSING }

    Kind kind(String path);

    byte[] read(String path) throws IOException;

    /** The names in a directory, sorted. */
    List<String> list(String directory) throws IOException;

    /** The path with every symbolic link resolved; the path must exist. */
    String realPath(String path) throws IOException;

    /**
     * Why {@code path}, which is {@link Kind#MISSING}, is missing when that is more than absence: e.g. a symbolic
     * link on the way points outside what the build may read ({@code "the symbolic link apps/x/cm.yaml points to
     * '/etc/passwd', ..."}). Empty when it is simply absent. Used in the engine's errors.
     */
    default java.util.Optional<String> whyMissing(String path) {
        return java.util.Optional.empty();
    }
}
