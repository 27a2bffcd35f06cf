package dev.verity.kustomize;

import java.util.ArrayDeque;
import java.util.Deque;

/** '/'-separated absolute path arithmetic, without touching a file system. */
final class PathNames {

    private PathNames() {
    }

    static String join(String directory, String relative) {
        if (relative.startsWith("/")) {
            return normalize(relative);
        }
        return normalize(directory + "/" + relative);
    }

    static String normalize(String path) {
        Deque<String> parts = new ArrayDeque<>();
        for (String part : path.split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            if (part.equals("..")) {
                if (!parts.isEmpty()) {
                    parts.removeLast();
                }
                continue;
            }
            parts.addLast(part);
        }
        return "/" + String.join("/", parts);
    }

    /** Whether {@code relative}, joined to {@code directory}, climbs above {@code /} (which {@link #join} clamps). */
    static boolean climbsAboveRoot(String directory, String relative) {
        if (relative.startsWith("/")) {
            return false;
        }
        int depth = 0;
        for (String part : (directory + "/" + relative).split("/")) {
            if (part.isEmpty() || part.equals(".")) {
                continue;
            }
            depth += part.equals("..") ? -1 : 1;
            if (depth < 0) {
                return true;
            }
        }
        return false;
    }

    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash <= 0 ? "/" : path.substring(0, slash);
    }

    static String baseName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** Whether {@code path} is {@code directory} or lies below it. */
    static boolean isInOrBelow(String path, String directory) {
        return path.equals(directory) || directory.equals("/") || path.startsWith(directory + "/");
    }
}
