package dev.verity.kustomize;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The local disk as a {@link KustomizeFileSystem}. */
public final class DiskFileSystem implements KustomizeFileSystem {

    @Override
    public Kind kind(String path) {
        Path p = Path.of(path);
        if (Files.isDirectory(p)) {
            return Kind.DIRECTORY;
        }
        return Files.exists(p) ? Kind.FILE : Kind.MISSING;
    }

    @Override
    public byte[] read(String path) throws IOException {
        return Files.readAllBytes(Path.of(path));
    }

    @Override
    public List<String> list(String directory) throws IOException {
        try (Stream<Path> entries = Files.list(Path.of(directory))) {
            return entries.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Override
    public String realPath(String path) throws IOException {
        return Path.of(path).toRealPath().toString();
    }
}
