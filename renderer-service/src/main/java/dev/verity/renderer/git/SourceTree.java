package dev.verity.renderer.git;

import java.util.List;
import java.util.Optional;

/** The files of one commit of one repository, read without a working tree. */
public interface SourceTree {

    /** The repository URL (without credentials). */
    String repo();

    /** The commit SHA. */
    String commit();

    /** When the commit was made (its committer time), when known. */
    default Optional<java.time.Instant> committedAt() {
        return Optional.empty();
    }

    /** Every file path in the commit, sorted, with {@code /} separators. */
    List<String> paths();

    /** A file's content as UTF-8, if the commit has it. */
    Optional<String> read(String path);

    /** The commit's tree as a file system rooted at {@code /}, for the Kustomize engine. */
    GitTreeFileSystem files();
}
