package dev.verity.kustomize;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Files held in memory (a Git tree read into a map, or a test's input): path to content. Directories are implied by
 * the files below them; there are no symbolic links.
 */
public final class MapFileSystem implements KustomizeFileSystem {

    private final TreeMap<String, byte[]> files = new TreeMap<>();

    public MapFileSystem() {
    }

    public MapFileSystem(Map<String, byte[]> files) {
        files.forEach(this::put);
    }

    /** Adds or replaces a file; {@code path} is absolute. */
    public MapFileSystem put(String path, byte[] content) {
        files.put(PathNames.normalize(path), content.clone());
        return this;
    }

    public MapFileSystem put(String path, String content) {
        return put(path, content.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    @Override
    public Kind kind(String path) {
        String normalized = PathNames.normalize(path);
        if (files.containsKey(normalized)) {
            return Kind.FILE;
        }
        String prefix = normalized.equals("/") ? "/" : normalized + "/";
        String next = files.ceilingKey(prefix);
        return next != null && next.startsWith(prefix) ? Kind.DIRECTORY : Kind.MISSING;
    }

    @Override
    public byte[] read(String path) throws IOException {
        byte[] content = files.get(PathNames.normalize(path));
        if (content == null) {
            throw new FileNotFoundException(path);
        }
        return content.clone();
    }

    @Override
    public java.util.List<String> list(String directory) throws IOException {
        String prefix = PathNames.normalize(directory).equals("/") ? "/" : PathNames.normalize(directory) + "/";
        TreeSet<String> names = new TreeSet<>();
        for (String path : files.tailMap(prefix).keySet()) {
            if (!path.startsWith(prefix)) {
                break;
            }
            String rest = path.substring(prefix.length());
            int slash = rest.indexOf('/');
            names.add(slash < 0 ? rest : rest.substring(0, slash));
        }
        if (names.isEmpty()) {
            throw new FileNotFoundException(directory);
        }
        return java.util.List.copyOf(names);
    }

    @Override
    public String realPath(String path) throws IOException {
        String normalized = PathNames.normalize(path);
        if (kind(normalized) == Kind.MISSING) {
            throw new FileNotFoundException(path);
        }
        return normalized;
    }
}
