package dev.verity.notifier;

import dev.verity.events.DriftDetected;
import dev.verity.events.DriftKind;
import dev.verity.events.DriftResolved;
import dev.verity.events.EventCodec;
import dev.verity.events.ObjectRef;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.events.VerityEvent;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The notifier with a Slack bot token: one thread per incident, its first message edited to show where it stands. */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = AlertSinksResource.class, restrictToAnnotatedClass = true,
        initArgs = @ResourceArg(name = "slack", value = "web-api"))
class SlackThreadsIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    final EventCodec codec = new EventCodec();

    @Test
    void anIncidentIsOneThreadWhoseFirstMessageShowsItsCurrentState() {
        TargetKey target = TargetKey.parse("local/threads/prod");
        ObjectRef web = new ObjectRef("apps/v1", "Deployment", "threads-prod", "web");
        ObjectRef settings = new ObjectRef("v1", "ConfigMap", "threads-prod", "settings");
        send(new DriftDetected(target, SampleEvents.REPO, SampleEvents.COMMIT, web, DriftKind.MODIFIED,
                List.of("spec.replicas"), "1"));
        SlackMessage root = slack().awaitMessage(m -> m.readableText().contains("`local/threads/prod`"), WAIT);
        assertThat(root.via()).isEqualTo(SlackMessage.Via.CHAT_POST_MESSAGE);
        assertThat(root.isReply()).isFalse();

        send(new DriftDetected(target, SampleEvents.REPO, SampleEvents.COMMIT, settings, DriftKind.MODIFIED,
                List.of("data.mode"), "2"));
        SlackMessage update = slack().awaitMessage(m -> root.ts().equals(m.threadTs())
                && m.readableText().contains("Update: Drift: ConfigMap threads-prod/settings"), WAIT);
        assertThat(update.channel()).isEqualTo(root.channel());

        send(new DriftResolved(target, SampleEvents.REPO, SampleEvents.COMMIT, web, "3"));
        send(new DriftResolved(target, SampleEvents.REPO, SampleEvents.COMMIT, settings, "4"));
        slack().awaitMessage(m -> root.ts().equals(m.threadTs()) && m.readableText().startsWith(":white_check_mark:"),
                WAIT);
        await().atMost(WAIT).untilAsserted(() -> {
            SlackMessage first = current(root);
            assertThat(first.readableText()).contains("Resolved: ");
            assertThat(first.edits()).hasSize(3); // after the update, the object resolved, the resolution
        });
        assertThat(slack().messages().stream().filter(m -> m.readableText().contains("`local/threads/prod`"))
                .filter(m -> !m.isReply())).as("one top-level message for the incident").hasSize(1);
    }

    @Test
    void aRateLimitedPostIsSentAgainAfterRetryAfterAndOnce() {
        TargetKey target = TargetKey.parse("local/limited/prod");
        slack().failNextPosts(1, 429);
        send(new DriftDetected(target, SampleEvents.REPO, SampleEvents.COMMIT,
                new ObjectRef("v1", "ConfigMap", "limited-prod", "flags"), DriftKind.MODIFIED, List.of("data.beta"), "1"));
        slack().awaitMessage(m -> m.readableText().contains("`local/limited/prod`"), WAIT);
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5)).until(() -> slack().messages().stream()
                .filter(m -> m.readableText().contains("`local/limited/prod`")).count() == 1);
    }

    private static SlackMessage current(SlackMessage message) {
        return slack().messages().stream().filter(m -> m.ts().equals(message.ts())).findFirst().orElseThrow();
    }

    private void send(VerityEvent event) {
        EmbeddedKafkaResource.kafka().send(Topics.DRIFT, event.key(), codec.encode(event));
    }

    private static SlackRecorder slack() {
        return AlertSinksResource.slack();
    }
}
