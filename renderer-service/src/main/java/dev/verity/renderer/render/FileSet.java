package dev.verity.renderer.render;

import dev.verity.kustomize.BuildResult;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;

/**
 * The repository paths one target's render depended on: what the engine read, probed (present or absent) and listed,
 * and the symbolic links it went through. A commit that changes a path at or below one of them may change the
 * target's documents; a commit that changes none of them cannot (the build is a function of those paths), so the
 * target need not be rendered again. Paths are repository-relative; {@code .} stands for the whole repository. A path
 * below another one of the set is left out (the one above covers it), which keeps the set small: typically the overlay
 * and base folders.
 */
public record FileSet(List<String> paths) {

    public static final String WHOLE_REPOSITORY = ".";

    public FileSet {
        paths = compact(paths);
    }

    /** The file set of a build from a tree mounted at {@code /}, plus the {@code extra} repository-relative paths. */
    public static FileSet of(BuildResult build, Collection<String> extra) {
        List<String> all = new ArrayList<>(extra);
        for (Collection<String> absolute : List.of(build.readFiles(), build.probedPaths(), build.listedDirectories())) {
            for (String path : absolute) all.add(relative(path));
        }
        return new FileSet(all);
    }

    /** Whether a change to any of {@code changed} (repository-relative paths) may change the render. */
    public boolean touchedBy(Collection<String> changed) {
        for (String source : paths) {
            if (source.equals(WHOLE_REPOSITORY)) return !changed.isEmpty();
            String below = source + "/";
            for (String path : changed) {
                if (path.equals(source) || path.startsWith(below)) return true;
            }
        }
        return false;
    }

    private static String relative(String absolute) {
        String p = absolute.startsWith("/") ? absolute.substring(1) : absolute;
        return p.isEmpty() ? WHOLE_REPOSITORY : p;
    }

    private static List<String> compact(Collection<String> paths) {
        TreeSet<String> sorted = new TreeSet<>();
        for (String p : paths) sorted.add(p.isEmpty() ? WHOLE_REPOSITORY : p);
        if (sorted.contains(WHOLE_REPOSITORY)) return List.of(WHOLE_REPOSITORY);
        List<String> kept = new ArrayList<>();
        for (String p : sorted) {
            boolean covered = false;
            for (String k : kept) {
                if (p.startsWith(k + "/")) {
                    covered = true;
                    break;
                }
            }
            if (!covered) kept.add(p);
        }
        return List.copyOf(kept);
    }
}
