package dev.verity.renderer.service;

import dev.verity.events.CommitPushed;
import dev.verity.events.EventFormatException;
import dev.verity.events.EventIntake;
import dev.verity.events.VerityEvent;
import dev.verity.renderer.git.RepoUrl;
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
 * its branch head rendered (never the SHA the event names). An event of a type this version does not know is skipped
 * and counted ({@link EventIntake}); a record that cannot be decoded, or another known event, throws, so it lands on
 * the dead-letter topic.
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

    @Incoming("commits")
    @Blocking
    public void onCommit(ConsumerRecord<String, String> record) {
        Optional<VerityEvent> event = intake.acceptEvent(record.topic(), record.partition(), record.offset(),
                record.value());
        if (event.isEmpty()) return; // a type this version does not know: skipped and counted
        if (!(event.get() instanceof CommitPushed commit)) {
            throw new EventFormatException("record " + record.topic() + "-" + record.partition() + "@" + record.offset()
                    + " is a " + event.get().type() + " event about " + event.get().describe() + ", which does not"
                    + " belong on the commits topic; sent to the dead-letter topic");
        }
        Optional<RepositoryReconciler> reconciler = repositories.find(commit.repo());
        if (reconciler.isEmpty()) {
            LOG.warnf("%s is not rendered: repository %s is not configured. To render it, add it to the renderer's "
                    + "configuration as verity.renderer.repositories[<n>].url=%s (and .branch=%s)", commit.describe(),
                    RepoUrl.redact(commit.repo()), RepoUrl.redact(commit.repo()), commit.branch());
            return;
        }
        if (!reconciler.get().branch().equals(commit.branch())) {
            LOG.debugf("%s is on branch %s; the renderer renders %s only", commit.describe(), commit.branch(),
                    reconciler.get().branch());
            return;
        }
        reconciliations.run(reconciler.get(), "push " + commit.describe() + " delivery " + commit.deliveryId());
    }
}
