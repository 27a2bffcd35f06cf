package dev.verity.stack;

import java.nio.file.Files;
import java.nio.file.Path;

/** Finds the Verity checkout (the folder holding the parent pom and the {@code verity} launcher). */
final class RepoRoot {
    private RepoRoot() {
    }

    static Path find() {
        String configured = System.getProperty("verity.root", System.getenv("VERITY_ROOT"));
        if (configured != null && !configured.isBlank()) return Path.of(configured).toAbsolutePath();
        Path dir = Path.of(System.getProperty("user.dir")).toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("verity")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && Files.isDirectory(p.resolve("examples"))) {
                return p;
            }
        }
        throw new IllegalStateException("cannot find the Verity checkout above " + dir
                + "; run from inside it or set VERITY_ROOT");
    }
}
