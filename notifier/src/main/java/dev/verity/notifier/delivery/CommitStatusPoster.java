package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.Severity;
import dev.verity.notifier.status.CommitStatus;
import dev.verity.notifier.status.ForgeRepository;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Posts commit statuses to the forge of their repository ({@link ForgeRepository}, matched on the repository's
 * identity), each retried as the {@link DeliveryRetry} says; a status that still fails (or fails for good) is
 * reported to the {@link UndeliveredSink} — as an alert naming the status — and counts as handled once the sink took
 * it, as alerts do. A status of a repository with no forge configured is not posted.
 */
public final class CommitStatusPoster {

    /** The channel of every forge destination (a metrics tag, {@code verity.undelivered}'s {@code channel}). */
    public static final String CHANNEL = "forge";

    private final List<ForgeRepository> forges;
    private final ForgeStatusApi api;
    private final DeliveryRetry retry;
    private final UndeliveredSink undelivered;
    private final Clock clock;

    public CommitStatusPoster(List<ForgeRepository> forges, ForgeStatusApi api, DeliveryRetry retry,
            UndeliveredSink undelivered, Clock clock) {
        this.forges = List.copyOf(forges);
        this.api = api;
        this.retry = retry;
        this.undelivered = undelivered;
        this.clock = clock;
    }

    public List<ForgeRepository> forges() {
        return forges;
    }

    /** The configured forge of a repository URL, if any. */
    public Optional<ForgeRepository> forgeOf(String repoUrl) {
        return forges.stream().filter(f -> f.hosts(repoUrl)).findFirst();
    }

    /** The destination name of a forge: {@code forge@<id>}. */
    public static String destination(ForgeRepository forge) {
        return CHANNEL + "@" + forge.id();
    }

    /** Posts each status in order; says what became of each one that has a forge. */
    public List<Delivery> post(List<CommitStatus> statuses) {
        List<Delivery> result = new ArrayList<>();
        for (CommitStatus status : statuses) {
            Optional<ForgeRepository> forge = forgeOf(status.repo());
            if (forge.isEmpty()) continue;
            result.add(post(forge.get(), status));
        }
        return result;
    }

    private Delivery post(ForgeRepository forge, CommitStatus status) {
        String name = destination(forge);
        AtomicInteger attempts = new AtomicInteger();
        String error;
        try {
            retry.run(name, () -> {
                attempts.incrementAndGet();
                api.post(forge, status);
                return null;
            });
            return new Delivery(name, CHANNEL, Delivery.Outcome.DELIVERED, attempts.get(), null, null);
        } catch (DeliveryException e) {
            error = e.getMessage() + (!e.isTransient() ? " (permanent; not retried)"
                    : " (gave up after " + attempts.get() + " attempt" + (attempts.get() == 1 ? "" : "s") + ")");
        } catch (RuntimeException e) {
            error = "unexpected failure posting to " + forge.describe() + ": " + e;
        }
        undelivered.report(new Undelivered(asAlert(forge, status), name, CHANNEL, forge.describe(), attempts.get(),
                error, clock.instant()));
        return new Delivery(name, CHANNEL, Delivery.Outcome.UNDELIVERED, attempts.get(), error, null);
    }

    /** The status as an alert, for {@code verity.undelivered}: its id is the event's and the context. */
    static Alert asAlert(ForgeRepository forge, CommitStatus status) {
        Severity severity = switch (status.state()) {
            case SUCCESS -> Severity.RESOLVED;
            case PENDING, ERROR -> Severity.WARNING;
            case FAILURE -> Severity.ERROR;
        };
        return new Alert(status.eventId() + "/" + status.context(), status.eventType(), severity,
                "Commit status " + forge.kind().state(status.state()) + " (" + status.context() + ")",
                List.of(status.description()), List.of(), status.target(), status.repo(), status.commit(), null,
                List.of(), null, "Check the forge's token and access (verity.notifier.forges." + forge.id()
                        + ".*); until a later status is posted, the forge shows the commit's previous one", null);
    }
}
