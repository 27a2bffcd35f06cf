package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.config.VerityConfig;
import dev.verity.renderer.config.VerityConfigException;
import dev.verity.renderer.config.VerityConfigParser;
import dev.verity.renderer.git.SourceTree;
import dev.verity.renderer.render.KustomizeCli.Built;
import dev.verity.renderer.render.KustomizeCli.Failed;
import dev.verity.renderer.render.KustomizeCli.TimedOut;
import dev.verity.renderer.render.TargetDiscovery.Discovery;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Renders one commit of one repository: {@code read verity.yaml → discover targets → check out → build each
 * overlay once → split documents → one DesiredState per target}, or a {@code RenderFailed} naming the target,
 * overlay and Kustomize's error. A failure of one overlay does not stop the others; a bad {@code verity.yaml}
 * (unknown key, wrong type, {@code dependsOn} cycle) stops everything (nothing but its {@code RenderFailed} is
 * produced); a target whose {@code dependsOn} names an app absent from its environment gets a {@code RenderFailed}
 * instead of being rendered, and stays one of the commit's targets (so it is not taken as removed).
 */
public final class Renderer {

    private static final int STDERR_LINES = 6;

    private final KustomizeCli kustomize;
    private final Path scratch;
    private final int maxEventBytes;
    private final EventCodec codec = new EventCodec();

    /**
     * @param kustomize     how to build an overlay
     * @param scratch       where commits are checked out (one temporary folder per render, deleted after)
     * @param maxEventBytes the largest encoded DesiredState the desired-state topics accept
     */
    public Renderer(KustomizeCli kustomize, Path scratch, int maxEventBytes) {
        this.kustomize = kustomize;
        this.scratch = scratch;
        this.maxEventBytes = maxEventBytes;
    }

    public RenderResult render(SourceTree tree) {
        String repo = tree.repo();
        String commit = tree.commit();

        VerityConfig config;
        try {
            config = tree.read(VerityConfig.FILE).map(VerityConfigParser::parse).orElse(VerityConfig.NONE);
        } catch (VerityConfigException e) {
            return new RenderResult(repo, commit, List.of(new RenderFailed(null, repo, commit, VerityConfig.FILE,
                    e.getMessage() + " Nothing was rendered for " + TargetKey.shortSha(commit)
                            + "; every cluster keeps its last good state.")), List.of(), false, Optional.empty());
        }

        Discovery discovery = TargetDiscovery.discover(tree.paths(), config);
        List<VerityEvent> events = new ArrayList<>();
        Set<TargetKey> blocked = new HashSet<>();
        for (TargetDiscovery.Problem p : discovery.problems()) {
            if (p.target() == null) {
                events.add(new RenderFailed(null, repo, commit, p.path(), p.error()));
            } else {
                blocked.add(p.target());
                events.add(new RenderFailed(p.target(), repo, commit, p.path(), p.target().at(commit) + ": " + p.error()
                        + " Nothing was rendered for this target; " + p.target().cluster() + " keeps its last good state."));
            }
        }
        List<String> notes = new ArrayList<>(discovery.notes());
        if (discovery.targets().isEmpty()) {
            if (discovery.problems().isEmpty()) notes.add("no targets: no apps/<app>/overlays/<env>/kustomization.yaml in " + repo + "@" + TargetKey.shortSha(commit));
            return new RenderResult(repo, commit, events, notes, false, Optional.of(List.of()), config.allowMassRemoval());
        }

        Map<String, List<Target>> byOverlay = discovery.targets().stream().filter(t -> !blocked.contains(t.key()))
                .collect(Collectors.groupingBy(Target::overlayPath, LinkedHashMap::new, Collectors.toList()));
        boolean retryable = false;
        Path checkout = checkout(tree);
        try {
            for (Map.Entry<String, List<Target>> overlay : byOverlay.entrySet()) {
                KustomizeCli.Result result = kustomize.build(checkout, overlay.getKey());
                for (Target target : overlay.getValue()) {
                    events.add(outcome(target, repo, commit, tree.committedAt().orElse(null), result, checkout));
                }
                retryable |= result instanceof TimedOut;
            }
        } finally {
            deleteTree(checkout);
        }
        events.sort(Comparator.comparing((VerityEvent e) -> e.targetKey().map(Object::toString).orElse(""))
                .thenComparing(e -> e instanceof RenderFailed f && f.path() != null ? f.path() : ""));
        return new RenderResult(repo, commit, events, notes, retryable,
                Optional.of(discovery.targets().stream().map(Target::key).toList()), config.allowMassRemoval());
    }

    private VerityEvent outcome(Target target, String repo, String commit, java.time.Instant committedAt,
            KustomizeCli.Result result, Path checkout) {
        String overlay = target.overlayPath();
        String where = target.key().at(commit);
        String command = String.join(" ", kustomize.command().stream().map(c -> Path.of(c).getFileName().toString()).toList());
        if (result instanceof Failed f) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": " + command + " " + overlay
                    + " failed (exit " + f.exitCode() + "): " + firstLines(f.stderr().replace(checkout + "/", ""))
                    + " — fix " + overlay + " (reproduce with `" + command + " " + overlay + "`) and push again; "
                    + target.key().cluster() + " keeps its last good state.");
        }
        if (result instanceof TimedOut t) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": " + command + " " + overlay
                    + " did not finish within " + t.timeout().toSeconds() + "s and was stopped; it will be retried."
                    + " Check the overlay for remote bases or generators that hang, or raise the render timeout.");
        }
        List<String> documents = YamlDocuments.split(((Built) result).yaml());
        if (documents.isEmpty() && !target.policy().allowEmpty()) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": " + overlay
                    + " renders no objects. Add resources to it, or set allowEmpty: true in verity.yaml (apps."
                    + target.key().app() + ".policy or apps." + target.key().app() + ".overrides."
                    + target.key().env() + ") if the target should really delete everything it deployed.");
        }
        DesiredState state = DesiredState.of(target.key(), repo, commit, overlay, target.policy(), documents)
                .withCommittedAt(committedAt);
        int size = codec.encode(state).getBytes(StandardCharsets.UTF_8).length;
        if (size > maxEventBytes) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": the rendered desired state is "
                    + mib(size) + " encoded (" + documents.size() + " documents), over the " + mib(maxEventBytes)
                    + " limit of the desired-state topics. Split the app into smaller apps, or move large data "
                    + "(ConfigMaps, CRDs) out of " + overlay + ".");
        }
        return state;
    }

    private Path checkout(SourceTree tree) {
        try {
            Files.createDirectories(scratch);
            Path dir = Files.createTempDirectory(scratch, TargetKey.shortSha(tree.commit()) + "-");
            tree.checkoutTo(dir);
            return dir.toRealPath();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot check out " + tree.repo() + "@" + tree.commit() + " under " + scratch
                    + ": " + e.getMessage() + ". Check that the renderer's work dir is writable and has space.", e);
        }
    }

    /** kubectl wraps Kustomize's error in a klog line: {@code E1125 10:39:54.65 30314 run.go:72] "command failed" err="…"}. */
    private static final Pattern KLOG = Pattern.compile("^[EWIF]\\d{4} [\\d:.]+\\s+\\d+ [^\\]]+\\] (?:\"command failed\" err=\"(.*)\"|(.*))$");

    private static String firstLines(String stderr) {
        List<String> lines = stderr.lines().map(String::strip).filter(l -> !l.isEmpty()).map(Renderer::unwrapKlog).toList();
        if (lines.isEmpty()) return "(no error output)";
        String text = String.join(" | ", lines.subList(0, Math.min(STDERR_LINES, lines.size())));
        return lines.size() > STDERR_LINES ? text + " | …" : text;
    }

    private static String unwrapKlog(String line) {
        Matcher m = KLOG.matcher(line);
        if (!m.matches()) return line;
        return m.group(1) != null ? m.group(1).replace("\\\"", "\"").replace("\\\\", "\\") : m.group(2);
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }

    private static void deleteTree(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // leftovers under the scratch dir are removed on the next start
                }
            });
        } catch (IOException ignored) {
            // as above
        }
    }
}
