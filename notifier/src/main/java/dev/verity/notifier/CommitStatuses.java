package dev.verity.notifier;

import dev.verity.events.Envelope;
import dev.verity.notifier.delivery.CommitStatusPoster;
import dev.verity.notifier.delivery.Delivery;
import dev.verity.notifier.delivery.DeliveryRetry;
import dev.verity.notifier.delivery.ForgeStatusApi;
import dev.verity.notifier.status.CommitStatus;
import dev.verity.notifier.status.ForgeRepository;
import dev.verity.notifier.status.StatusBook;
import jakarta.inject.Singleton;
import org.jboss.logging.Logger;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Commit statuses on the leading notifier: {@link IncidentLoop} gives it each event it reads from
 * {@code verity.commits} (pushes: pending while rendering) and {@code verity.rollout}; the {@link StatusBook} says which statuses that gives, and the {@link CommitStatusPoster}
 * posts them to the repository's forge ({@code verity.notifier.forges.<id>.*}), before the event's offset is committed.
 * Built at start (a wrong setting stops the service there), with one log line per forge (never the token).
 */
@Singleton
@io.quarkus.runtime.Startup
public class CommitStatuses {

    private static final Logger LOG = Logger.getLogger(CommitStatuses.class);

    private final StatusBook book;
    private final CommitStatusPoster poster;
    private final DeliveryMetrics metrics;

    CommitStatuses(NotifierConfig config, DeliveryRetry retry, UndeliveredPublisher undelivered, DeliveryMetrics metrics) {
        this.metrics = metrics;
        List<ForgeRepository> forges = new ArrayList<>();
        Map<String, String> branches = new TreeMap<>();
        for (Map.Entry<String, NotifierConfig.Forge> e : new TreeMap<>(config.forges()).entrySet()) {
            forges.add(forge(e.getKey(), e.getValue()));
            branches.put(e.getKey(), e.getValue().branch());
        }
        this.poster = new CommitStatusPoster(forges, new ForgeStatusApi(Clock.systemUTC()), retry, undelivered,
                Clock.systemUTC());
        this.book = new StatusBook((repo, branch) -> poster.forgeOf(repo)
                .map(f -> branch.equals(branches.get(f.id()))).orElse(false));
        metrics.registerForges(forges.stream().map(ForgeRepository::kind).toList());
        if (forges.isEmpty()) {
            LOG.info("Commit statuses: none posted, no verity.notifier.forges.<id>.* is configured");
        }
        forges.forEach(f -> LOG.infof("Commit statuses (%s): commits of %s (branch %s) get their statuses on the %s,"
                + " contexts verity/render and verity/<cluster>/<app>/<env>", CommitStatusPoster.destination(f),
                f.identity(), branches.get(f.id()), f.describe()));
    }

    private static ForgeRepository forge(String id, NotifierConfig.Forge f) {
        String key = "verity.notifier.forges." + id;
        String token;
        if (f.token().isPresent() && f.tokenFile().isPresent()) {
            throw new IllegalStateException(key + ".token and " + key + ".token-file are both set: give one");
        } else if (f.token().isPresent()) {
            token = f.token().get().strip();
        } else if (f.tokenFile().isPresent()) {
            try {
                token = Files.readString(f.tokenFile().get()).strip();
            } catch (IOException e) {
                throw new IllegalStateException(key + ".token-file: cannot read " + f.tokenFile().get() + " ("
                        + e.getClass().getSimpleName() + "); mount the token there or set " + key + ".token", e);
            }
        } else {
            throw new IllegalStateException(key + ": no token; set " + key + ".token (from the environment: VERITY_NOTIFIER_FORGES_"
                    + id.toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + "_TOKEN) or " + key + ".token-file");
        }
        try {
            return ForgeRepository.of(id, f.url(), f.forge(), f.apiUrl().orElse(null), f.project().orElse(null), token,
                    f.targetUrl().orElse(null), f.timeout());
        } catch (IllegalArgumentException e) {
            throw new IllegalStateException(key + ": " + e.getMessage(), e);
        }
    }

    /** Whether any repository is configured. */
    boolean enabled() {
        return !poster.forges().isEmpty();
    }

    /**
     * Posts the statuses the event gives, and returns when each is on its forge or reported undelivered (throws when
     * neither: the event must not be committed).
     */
    void on(Envelope envelope) {
        if (!enabled()) return;
        List<CommitStatus> statuses = book.on(envelope.id(), envelope.event(), envelope.time(), Instant.now());
        List<CommitStatus> mine = statuses.stream().filter(s -> poster.forgeOf(s.repo()).isPresent()).toList();
        if (mine.isEmpty()) return;
        List<Delivery> deliveries;
        try {
            deliveries = poster.post(mine);
        } catch (RuntimeException e) {
            book.retract(mine); // not handled: the event is read again and must give them again
            throw e;
        }
        Instant now = Instant.now();
        for (int i = 0; i < deliveries.size(); i++) {
            Delivery d = deliveries.get(i);
            CommitStatus s = mine.get(i);
            metrics.record(d, envelope.time(), now);
            metrics.recordStatus(poster.forgeOf(s.repo()).orElseThrow().kind(), s.state(), d);
            if (d.outcome() == Delivery.Outcome.DELIVERED) {
                LOG.infof("%s: commit status %s \"%s\" via %s (%d attempt(s))", s.where(), s.state(), s.description(),
                        d.destination(), d.attempts());
            }
        }
    }
}
