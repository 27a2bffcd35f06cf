package dev.verity.renderer.service;

import dev.verity.events.RepoIdentity;
import dev.verity.renderer.git.GitMirror;
import dev.verity.renderer.git.RepoUrl;
import dev.verity.events.DesiredState;
import dev.verity.renderer.render.PublishLedger;
import dev.verity.renderer.render.PublishedStates;
import dev.verity.renderer.render.Renderer;
import dev.verity.renderer.render.RepositoryLease;
import dev.verity.renderer.render.RepositoryReconciler;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The configured repositories, each with its mirror and reconciler, built once when the bean is created (before
 * the first commit event or poll can use it), sharing one bounded render pool ({@code render-concurrency} overlay
 * builds at once, in process). Each reconciler publishes only while this replica owns its repository
 * ({@link RepositoryLease}, granted and revoked by {@link Ownership}); when it gains one, {@link #lastPublished}
 * seeds it with what was last published, read back from the desired-state topics. Before anything is rendered,
 * {@link #restored()} has read those topics once, so that every repository's targets are known (a target defined by
 * two repositories is refused, whichever replica owns the other).
 */
@ApplicationScoped
public class Repositories {

    private static final Logger LOG = Logger.getLogger(Repositories.class);
    /** Room for the record key, headers and batch overhead under the producer's max.request.size. */
    static final int RECORD_OVERHEAD = 64 * 1024;
    static final String MAX_REQUEST_SIZE = "mp.messaging.outgoing.desired.max.request.size";

    @Inject
    RendererConfig config;

    @Inject
    KafkaEventSink sink;

    @Inject
    DesiredStateLog desiredStateLog;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = MAX_REQUEST_SIZE, defaultValue = "1048576")
    int maxRequestSize;

    private ExecutorService pool;
    private PublishLedger ledger;
    private volatile boolean restored;

    private final Map<String, RepositoryReconciler> byUrl = new LinkedHashMap<>();
    private final List<GitMirror> mirrors = new ArrayList<>();

    /** Also forced at start-up (below), so a missing Kustomize or a bad repository list stops the service at once. */
    @PostConstruct
    void init() {
        sizeLimitProblem(config.maxDesiredStateSize(), maxRequestSize).ifPresent(problem -> {
            throw new IllegalStateException(problem);
        });
        int threads = config.renderConcurrency().orElse(Runtime.getRuntime().availableProcessors());
        if (threads < 1) throw new IllegalStateException("verity.renderer.render-concurrency is " + threads + ": set it to at least 1");
        AtomicInteger n = new AtomicInteger();
        pool = Executors.newFixedThreadPool(threads, r -> {
            Thread t = new Thread(r, "verity-render-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        Path work = config.workDir();
        deleteTree(work.resolve("scratch")); // checkouts of earlier versions; nothing is checked out any more
        Renderer renderer = new Renderer(pool, config.renderTimeout(), config.maxDesiredStateSize());
        ledger = new PublishLedger();
        List<RendererConfig.Repository> repos = config.repositories().orElse(List.of());
        for (int i = 0; i < repos.size(); i++) {
            RendererConfig.Repository repo = repos.get(i);
            String key = RepoIdentity.of(repo.url());
            if (byUrl.containsKey(key)) {
                throw new IllegalStateException("verity.renderer.repositories[" + i + "].url " + RepoIdentity.redact(repo.url())
                        + " is configured twice (" + RepoIdentity.of(repo.url()) + " whatever the scheme, user, host case, default port, trailing '/' or '.git'); remove one");
            }
            String mirrorName = RepoUrl.directoryName(repo.url());
            GitMirror mirror = GitMirror.open(repo.url(), repo.branch(), work.resolve("mirrors").resolve(mirrorName),
                    config.fetchTimeout(), RepositoryCredentials.of(i, repo, work.resolve("ssh").resolve(mirrorName)));
            mirrors.add(mirror);
            byUrl.put(key, new RepositoryReconciler(mirror, renderer, sink, ledger, RepositoryLease.unheld()));
        }
        if (byUrl.isEmpty()) {
            LOG.warn("no repositories configured: the renderer renders nothing. Set verity.renderer.repositories[0].url "
                    + "(and .branch, default main) to the GitOps repository");
        } else {
            LOG.infof("rendering %s in process (%d at once, %s deadline each), polling every %s", byUrl.values().stream()
                    .map(r -> r.url() + "#" + r.branch()).toList(), threads, config.renderTimeout(), config.pollInterval());
        }
    }

    /**
     * Why a desired state of {@code maxDesiredStateSize} bytes could not be sent with the producer's
     * {@code max.request.size} (which Kafka checks on the uncompressed record: value, key and headers), if it could not.
     */
    static Optional<String> sizeLimitProblem(int maxDesiredStateSize, int maxRequestSize) {
        if (maxDesiredStateSize < 1024) {
            return Optional.of("verity.renderer.max-desired-state-size is " + maxDesiredStateSize + " bytes: set at least"
                    + " 1024 (default 16777216, 16 MiB)");
        }
        if ((long) maxDesiredStateSize + RECORD_OVERHEAD <= maxRequestSize) return Optional.empty();
        return Optional.of("verity.renderer.max-desired-state-size is " + maxDesiredStateSize + " bytes, but "
                + MAX_REQUEST_SIZE + " is " + maxRequestSize + ": the producer would refuse such a record. Set "
                + MAX_REQUEST_SIZE + " to at least " + ((long) maxDesiredStateSize + RECORD_OVERHEAD) + " (the size plus "
                + RECORD_OVERHEAD + " for key and headers), or lower the size");
    }

    void start(@Observes StartupEvent ignored) {
        LOG.debugf("%d repositories configured", all().size());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (pool != null) pool.shutdownNow();
        mirrors.forEach(GitMirror::close);
    }

    /**
     * Reads, once, what was last published for every configured repository from the desired-state topics, and tells
     * the publish ledger which repository publishes each target; until that succeeds nothing is rendered (a
     * reconciliation throws, and the next poll tries again). The reconcilers themselves are seeded when their
     * repository is assigned to this replica ({@link #lastPublished}).
     */
    public synchronized void restored() {
        if (restored) return;
        PublishedStates states = desiredStateLog.read();
        Map<String, List<DesiredState>> byRepo = states.byRepository(RepoIdentity::of);
        for (Map.Entry<String, RepositoryReconciler> repo : byUrl.entrySet()) {
            List<DesiredState> mine = byRepo.getOrDefault(repo.getKey(), List.of());
            mine.forEach(ledger::published);
            if (!mine.isEmpty()) LOG.infof("%s: %d target(s) published before this start", repo.getValue().url(), mine.size());
        }
        restored = true;
    }

    /**
     * What was last published per configured repository (by {@link RepoIdentity}), read from the desired-state
     * topics now: each call reads them to their end, so it sees every record acknowledged before it.
     */
    public Map<String, List<DesiredState>> lastPublished() {
        return desiredStateLog.read().byRepository(RepoIdentity::of);
    }

    /** The states of {@code reconciler}'s repository in {@code byRepository} ({@link #lastPublished}). */
    public static List<DesiredState> of(RepositoryReconciler reconciler, Map<String, List<DesiredState>> byRepository) {
        return byRepository.getOrDefault(RepoIdentity.of(reconciler.url()), List.of());
    }

    /** The reconciler of the repository {@code url} names ({@link RepoIdentity}); empty when it names none configured. */
    public Optional<RepositoryReconciler> find(String url) {
        try {
            return Optional.ofNullable(byUrl.get(RepoIdentity.of(url)));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    public Collection<RepositoryReconciler> all() {
        return byUrl.values();
    }

    private static void deleteTree(Path dir) {
        if (!Files.exists(dir)) return;
        try (Stream<Path> walk = Files.walk(dir)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot clean " + dir + ": " + e.getMessage()
                    + ". Check the permissions of verity.renderer.work-dir", e);
        }
    }
}
