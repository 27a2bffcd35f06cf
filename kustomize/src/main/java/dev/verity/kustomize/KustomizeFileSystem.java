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
}
