package dev.verity.notifier;

import dev.verity.events.ApplyFailed;
import dev.verity.events.EventCodec;
import dev.verity.events.TargetKey;
import dev.verity.events.Topics;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.testkit.kafka.EmbeddedKafkaResource;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * One commit breaking 50 targets, with a short grouping window (3 s) on a real broker and the Slack stand-in's Web
 * API: one top-level message listing them all, each target's own detail a reply in its thread, the summary left as
 * it is; a later resolution of one of them goes into the same thread.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GroupedIncidentsIT.Sinks.class, restrictToAnnotatedClass = true)
class GroupedIncidentsIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String COMMIT = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";

    /** The Slack stand-in (Web API, #alerts), no e-mail, a 3 s grouping window. */
    public static class Sinks implements QuarkusTestResourceLifecycleManager {
        static volatile SlackRecorder slack;

        @Override
        public Map<String, String> start() {
            slack = SlackRecorder.start();
            return Map.of(
                    "verity.notifier.slack.bot-token", slack.botToken(),
                    "verity.notifier.slack.channel", "#alerts",
                    "verity.notifier.slack.api-url", slack.apiUrl(),
                    "verity.notifier.incidents.group-window", "3s");
        }

        @Override
        public void stop() {
            if (slack != null) slack.close();
        }
    }

    final EventCodec codec = new EventCodec();

    @Test
    void fiftyTargetsFailingFromOneCommitAreOneMessageWithEachTargetsDetailInItsThread() {
        List<TargetKey> targets = IntStream.range(0, 50)
                .mapToObj(i -> TargetKey.parse("prod-eu/app-" + String.format("%02d", i) + "/prod")).toList();
        for (TargetKey target : targets) {
            send(new ApplyFailed(target, SampleEvents.REPO, COMMIT, "sha256:" + target.app(), null,
                    "admission webhook \"policy.example.com\" denied the request: image tag latest is not allowed"));
        }

        SlackMessage summary = slack().awaitMessage(m -> !m.isReply() && m.readableText().contains("50 targets"), WAIT);
        for (TargetKey target : targets) assertThat(summary.readableText()).contains(target.toString());
        await().atMost(WAIT).until(() -> slack().replies(summary.ts()).size() >= 50);
        List<SlackMessage> replies = slack().replies(summary.ts());
        Set<String> detailed = replies.stream().map(SlackMessage::readableText)
                .flatMap(text -> targets.stream().map(TargetKey::toString).filter(t -> text.contains("`" + t + "`")))
                .collect(Collectors.toSet());
        assertThat(detailed).hasSize(50);
        assertThat(replies).allSatisfy(r -> assertThat(r.readableText()).contains("Apply failed: prod-eu/app-",
                "image tag latest is not allowed"));
        assertThat(slack().messages().stream().filter(m -> !m.isReply())).as("one top-level message").hasSize(1);

        // one target recovers: its resolution is a reply in the shared thread, and the summary is not replaced
        send(new dev.verity.events.Applied(targets.get(7), SampleEvents.REPO, COMMIT, "sha256:7", List.of()));
        slack().awaitMessage(m -> summary.ts().equals(m.threadTs())
                && m.readableText().contains("Resolved: Apply failed: prod-eu/app-07/prod"), WAIT);
        SlackMessage root = slack().messages().stream().filter(m -> m.ts().equals(summary.ts())).findFirst().orElseThrow();
        assertThat(root.edits()).isEmpty();
        assertThat(root.readableText()).contains("50 targets");
    }

    private void send(dev.verity.events.VerityEvent event) {
        EmbeddedKafkaResource.kafka().send(Topics.ROLLOUT, event.key(), codec.encode(event));
    }

    private static SlackRecorder slack() {
        return Sinks.slack;
    }
}
