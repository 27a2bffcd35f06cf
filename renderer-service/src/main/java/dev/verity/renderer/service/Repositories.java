package dev.verity.renderer.service;

import dev.verity.events.RepoIdentity;
import dev.verity.events.Topics;
import dev.verity.renderer.git.GitMirror;
import dev.verity.renderer.git.RepoUrl;
import dev.verity.renderer.render.KustomizeCli;
import dev.verity.renderer.render.PublishLedger;
import dev.verity.renderer.render.Renderer;
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
import java.util.stream.Stream;

/**
 * The configured repositories, each with its mirror and reconciler, built once when the bean is created (before
 * the first commit event or poll can use it). Also where the Kustomize command is looked up, once: the service
 * does not start without one.
 */
@ApplicationScoped
public class Repositories {

    private static final Logger LOG = Logger.getLogger(Repositories.class);
    /** Room for the record key, headers and batch overhead under the topic's max.message.bytes. */
    private static final int RECORD_OVERHEAD = 64 * 1024;

    @Inject
    RendererConfig config;

    @Inject
    KafkaEventSink sink;

    private final Map<String, RepositoryReconciler> byUrl = new LinkedHashMap<>();
    private final List<GitMirror> mirrors = new ArrayList<>();

    /** Also forced at start-up (below), so a missing Kustomize or a bad repository list stops the service at once. */
    @PostConstruct
    void init() {
        KustomizeCli kustomize;
        try {
            kustomize = KustomizeCli.detect(config.kustomizeCommand(), System.getenv("PATH"), config.renderTimeout());
        } catch (IllegalStateException e) {
            throw new IllegalStateException(e.getMessage() + " (verity.renderer.kustomize-command)", e);
        }
        Path work = config.workDir();
        Path scratch = work.resolve("scratch");
        deleteTree(scratch);
        Renderer renderer = new Renderer(kustomize, scratch, Topics.DESIRED_MAX_MESSAGE_BYTES - RECORD_OVERHEAD);
        PublishLedger ledger = new PublishLedger();
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
            byUrl.put(key, new RepositoryReconciler(mirror, renderer, sink, ledger));
        }
        if (byUrl.isEmpty()) {
            LOG.warn("no repositories configured: the renderer renders nothing. Set verity.renderer.repositories[0].url "
                    + "(and .branch, default main) to the GitOps repository");
        } else {
            LOG.infof("rendering %s with %s, polling every %s", byUrl.values().stream()
                    .map(r -> r.url() + "#" + r.branch()).toList(), String.join(" ", kustomize.command()), config.pollInterval());
        }
    }

    void start(@Observes StartupEvent ignored) {
        LOG.debugf("%d repositories configured", all().size());
    }

    void stop(@Observes ShutdownEvent ignored) {
        mirrors.forEach(GitMirror::close);
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
