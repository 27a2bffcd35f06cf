package dev.verity.renderer.render;

import dev.verity.events.DesiredState;
import dev.verity.events.EventCodec;
import dev.verity.events.RenderFailed;
import dev.verity.events.TargetKey;
import dev.verity.events.VerityEvent;
import dev.verity.kustomize.BuildResult;
import dev.verity.kustomize.DeadlineExceededException;
import dev.verity.kustomize.KustomizeException;
import dev.verity.kustomize.Kustomizer;
import dev.verity.renderer.config.VerityConfig;
import dev.verity.renderer.config.VerityConfigException;
import dev.verity.renderer.config.VerityConfigParser;
import dev.verity.renderer.git.GitTreeFileSystem;
import dev.verity.renderer.git.SourceTree;
import dev.verity.renderer.render.TargetDiscovery.Discovery;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Renders one commit of one repository: {@code read verity.yaml → discover targets → build each overlay that needs
 * it once, in process (the {@code kustomize} module, reading the commit's Git tree directly, no checkout) → split
 * documents → one DesiredState per target}, or a {@code RenderFailed} naming the target, overlay and the engine's
 * error (which names the file). Overlays are built in parallel on the given pool, each within the render deadline.
 * A failure of one overlay does not stop the others; a bad {@code verity.yaml} (unknown key, wrong type,
 * {@code dependsOn} cycle) stops everything (nothing but its {@code RenderFailed} is produced); a target whose
 * {@code dependsOn} names an app absent from its environment gets a {@code RenderFailed} instead of being rendered,
 * and stays one of the commit's targets (so it is not taken as removed). A target the caller says needs no render
 * (its files did not change) is listed as skipped and stays one of the commit's targets.
 */
public final class Renderer {

    private final Executor pool;
    private final Duration deadline;
    private final int maxEventBytes;
    private final EventCodec codec = new EventCodec();

    /**
     * @param pool          where overlays are built (bounded: it is the renderer's concurrency)
     * @param deadline      how long one overlay's build may take before it fails (and is retried)
     * @param maxEventBytes the largest encoded DesiredState (uncompressed, as the producer checks it) to publish
     */
    public Renderer(Executor pool, Duration deadline, int maxEventBytes) {
        this.pool = pool;
        this.deadline = deadline;
        this.maxEventBytes = maxEventBytes;
    }

    /** Renders every target of the commit. */
    public RenderResult render(SourceTree tree) {
        return render(tree, t -> true);
    }

    /** Renders the targets {@code needsRender} accepts; the others are reported as skipped. */
    public RenderResult render(SourceTree tree, Predicate<Target> needsRender) {
        String repo = tree.repo();
        String commit = tree.commit();

        VerityConfig config;
        try {
            config = tree.read(VerityConfig.FILE).map(VerityConfigParser::parse).orElse(VerityConfig.NONE);
        } catch (VerityConfigException e) {
            return RenderResult.unknownTargets(repo, commit, new RenderFailed(null, repo, commit, VerityConfig.FILE,
                    e.getMessage() + " Nothing was rendered for " + TargetKey.shortSha(commit)
                            + "; every cluster keeps its last good state."));
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
        List<TargetKey> all = discovery.targets().stream().map(Target::key).toList();
        if (discovery.targets().isEmpty()) {
            if (discovery.problems().isEmpty()) notes.add("no targets: no apps/<app>/overlays/<env>/kustomization.yaml in " + repo + "@" + TargetKey.shortSha(commit));
            return new RenderResult(repo, commit, events, notes, false, Optional.of(List.of()), config.allowMassRemoval(),
                    List.of(), List.of(), List.of());
        }

        List<TargetKey> skipped = new ArrayList<>();
        Map<String, List<Target>> byOverlay = new LinkedHashMap<>();
        for (Target t : discovery.targets()) {
            if (blocked.contains(t.key())) continue;
            if (!needsRender.test(t)) {
                skipped.add(t.key());
                continue;
            }
            byOverlay.computeIfAbsent(t.overlayPath(), o -> new ArrayList<>()).add(t);
        }
        GitTreeFileSystem files = tree.files();
        Map<String, CompletableFuture<Build>> builds = new LinkedHashMap<>();
        for (String overlay : byOverlay.keySet()) {
            builds.put(overlay, CompletableFuture.supplyAsync(() -> build(files, overlay), pool));
        }
        boolean retryable = false;
        List<TargetKey> rendered = new ArrayList<>();
        List<Duration> buildTimes = new ArrayList<>();
        for (Map.Entry<String, List<Target>> overlay : byOverlay.entrySet()) {
            Build build = join(builds.get(overlay.getKey()));
            buildTimes.add(build.took());
            for (Target target : overlay.getValue()) {
                events.add(outcome(target, repo, commit, tree.committedAt().orElse(null), build));
                rendered.add(target.key());
            }
            retryable |= build.timedOut();
        }
        events.sort(Comparator.comparing((VerityEvent e) -> e.targetKey().map(Object::toString).orElse(""))
                .thenComparing(e -> e instanceof RenderFailed f && f.path() != null ? f.path() : ""));
        return new RenderResult(repo, commit, events, notes, retryable, Optional.of(all), config.allowMassRemoval(),
                rendered, skipped, buildTimes);
    }

    /**
     * One overlay's build: its documents and file set, or the engine's error.
     *
     * @param error    null when the build succeeded
     * @param timedOut the build ran past the deadline (worth retrying)
     */
    private record Build(List<String> documents, FileSet files, String error, boolean timedOut, Duration took) {
    }

    private Build build(GitTreeFileSystem files, String overlay) {
        long start = System.nanoTime();
        GitTreeFileSystem.Recording view = files.recording();
        try {
            BuildResult result = new Kustomizer(view).build("/" + overlay, deadline);
            return new Build(YamlDocuments.split(result.yaml()), FileSet.of(result, view.linkPaths()), null, false,
                    since(start));
        } catch (DeadlineExceededException e) {
            return new Build(List.of(), null, e.getMessage(), true, since(start));
        } catch (KustomizeException e) {
            return new Build(List.of(), null, e.getMessage(), false, since(start));
        } catch (RuntimeException e) {
            // the Git tree could not be read (a corrupt mirror), or an engine bug: this overlay fails, the rest go on
            return new Build(List.of(), null, e.getClass().getSimpleName() + ": " + e.getMessage(), false, since(start));
        }
    }

    private static Build join(CompletableFuture<Build> future) {
        try {
            return future.join();
        } catch (CompletionException e) {
            throw e.getCause() instanceof RuntimeException r ? r : e;
        }
    }

    private static Duration since(long startNanos) {
        return Duration.ofNanos(System.nanoTime() - startNanos);
    }

    private VerityEvent outcome(Target target, String repo, String commit, java.time.Instant committedAt, Build build) {
        String overlay = target.overlayPath();
        String where = target.key().at(commit);
        if (build.timedOut()) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": " + build.error()
                    + " (verity.renderer.render-timeout). It will be retried; " + target.key().cluster() + " keeps its last good state.");
        }
        if (build.error() != null) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": kustomize build of " + overlay
                    + " failed: " + build.error() + " — fix " + overlay + " and push again; "
                    + target.key().cluster() + " keeps its last good state.");
        }
        List<String> documents = build.documents();
        if (documents.isEmpty() && !target.policy().allowEmpty()) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": " + overlay
                    + " renders no objects. Add resources to it, or set allowEmpty: true in verity.yaml (apps."
                    + target.key().app() + ".policy or apps." + target.key().app() + ".overrides."
                    + target.key().env() + ") if the target should really delete everything it deployed.");
        }
        DesiredState state = DesiredState.of(target.key(), repo, commit, overlay, target.policy(), documents)
                .withCommittedAt(committedAt).withSources(build.files().paths());
        int size = codec.encode(state).getBytes(StandardCharsets.UTF_8).length;
        if (size > maxEventBytes) {
            return new RenderFailed(target.key(), repo, commit, overlay, where + ": the rendered desired state is "
                    + mib(size) + " serialized, uncompressed (" + documents.size() + " documents), over the "
                    + mib(maxEventBytes) + " limit (verity.renderer.max-desired-state-size). Split the app into smaller"
                    + " apps, or move large data (ConfigMaps, CRDs) out of " + overlay + ".");
        }
        return state;
    }

    private static String mib(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024.0));
    }
}
