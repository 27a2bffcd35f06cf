package dev.verity.renderer.service;

import dev.verity.events.RepoIdentity;
import dev.verity.events.CommitPushed;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.RefDeleted;
import dev.verity.events.RenderFailed;
import dev.verity.events.Envelope;
import dev.verity.events.VerityEvent;
import dev.verity.events.trace.SpanAttributes;
import dev.verity.events.trace.TraceCause;
import dev.verity.service.EventTracing;
import dev.verity.renderer.render.RepositoryReconciler;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.jboss.logging.Logger;

import java.util.Optional;

/**
 * Consumes {@code CommitPushed} from the {@code commits} channel as a hint: the named repository is fetched and
 * its branch head rendered (never the SHA the event names). A {@code RefDeleted} of the branch a repository is
 * rendered from is alerted on as a repository-wide {@link RenderFailed} on the rollout topic (which the notifier
 * alerts on) and changes nothing: no render, no removal, no tombstone. An event of a type this version does not know is skipped
 * and counted ({@link EventIntake}); a record that cannot be decoded, or another known event, throws, so it lands on
 * the dead-letter topic. A commit of a repository this replica does not own ({@link Ownership}: a record read just
 * before its partition was revoked, or keyed by URL before commits were keyed by repository identity) is skipped: its
 * owner renders the head.
 * The work runs in a span that continues the event's trace ({@code render commit}, {@code alert
 * branch deleted}), so what it publishes carries the commit's trace on to the applier.
 */
@ApplicationScoped
public class CommitListener {

    private static final Logger LOG = Logger.getLogger(CommitListener.class);

    /** The service's one intake ({@code dev.verity.service.ServiceIntake}). */
    @Inject
    EventIntake intake;


    @Inject
    Repositories repositories;

    @Inject
    Reconciliations reconciliations;

    @Inject
    KafkaEventSink sink;

    @Inject
    EventTracing tracing;

    @Incoming("commits")
    @Blocking(ordered = false) // commits of different repositories in parallel; one repository's run one at a time
    public void onCommit(ConsumerRecord<String, String> record) {
        Optional<Envelope> envelope = intake.accept(record.topic(), record.partition(), record.offset(),
                record.value());
        if (envelope.isEmpty()) return; // a type this version does not know: skipped and counted
        Optional<VerityEvent> event = envelope.map(Envelope::event);
        // the commits topic is never replayed: every record read is new, so its span continues the event's trace
        TraceCause cause = TraceCause.of(envelope.get().traceparent(), false);
        if (event.get() instanceof RefDeleted deleted) {
            tracing.inSpan("alert branch deleted", cause, SpanAttributes.of(deleted), () -> onBranchDeleted(deleted));
            return;
        }
        if (!(event.get() instanceof CommitPushed commit)) {
            throw new EventFormatException("record " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " is a " + event.get().type() + " event about " + event.get().describe() + ", which does not"
                    + " belong on the commits topic; sent to the dead-letter topic");
        }
        Optional<RepositoryReconciler> reconciler = repositories.find(commit.repo());
        if (reconciler.isEmpty()) {
            LOG.warnf("%s is not rendered: repository %s is not configured. To render it, add it to the renderer's "
                    + "configuration as verity.renderer.repositories[<n>].url=%s (and .branch=%s)", commit.describe(),
                    RepoIdentity.redact(commit.repo()), RepoIdentity.redact(commit.repo()), commit.branch());
            return;
        }
        if (!reconciler.get().branch().equals(commit.branch())) {
            LOG.debugf("%s is on branch %s; the renderer renders %s only", commit.describe(), commit.branch(),
                    reconciler.get().branch());
            return;
        }
        tracing.inSpan("render commit", cause, SpanAttributes.of(commit), () -> {
            reconciliations.run(reconciler.get(), "push " + commit.describe() + " delivery " + commit.deliveryId());
        });
    }

    /** Alerts when the rendered branch is deleted; the clusters keep what the last render published. */
    private void onBranchDeleted(RefDeleted deleted) {
        Optional<RepositoryReconciler> reconciler = repositories.find(deleted.repo());
        if (reconciler.isEmpty() || !reconciler.get().branch().equals(deleted.branch())) {
            LOG.debugf("branch %s of %s was deleted; the renderer does not render it", deleted.branch(),
                    RepoIdentity.redact(deleted.repo()));
            return;
        }
        String repo = RepoIdentity.redact(deleted.repo());
        // Gitea and Forgejo name no commit in their delete event (40 zeros): the last head Verity rendered is the one
        String lastHead = deleted.before().matches("0{40}") ? reconciler.get().renderedHead() : deleted.before();
        String restore = lastHead == null ? "push it again" : "git push origin " + lastHead + ":refs/heads/" + deleted.branch();
        String error = "branch " + deleted.branch() + " of " + repo + ", which Verity renders, was deleted"
                + (deleted.pusher() != null ? " by " + deleted.pusher() : "") + " (" + deleted.forge() + " delivery "
                + deleted.deliveryId() + (lastHead == null ? "" : "; its last head was " + lastHead) + "). Nothing was"
                + " removed from the clusters: they keep what the last render published. Restore the branch (" + restore
                + ") or point the renderer's repository at another branch (verity.renderer.repositories[<n>].branch)";
        LOG.warnf("%s", error);
        sink.publish(new RenderFailed(null, deleted.repo(), lastHead == null ? deleted.before() : lastHead, null, error));
    }
}
