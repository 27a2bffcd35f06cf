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
 * API: per channel one top-level message listing the targets routed there (a route sends app-40…49 to
 * {@code #team-4}, the rest go to the default {@code #alerts}), each target's own detail a reply in its thread, the
 * summary left as it is; a later resolution of one of them goes into the same thread.
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = GroupedIncidentsIT.Sinks.class, restrictToAnnotatedClass = true)
class GroupedIncidentsIT {

    static final Duration WAIT = Duration.ofSeconds(90);
    static final String COMMIT = "9b8a7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b";

    /** The Slack stand-in (Web API, #alerts; #team-4 for app-4*), no e-mail, a 3 s grouping window. */
    public static class Sinks implements QuarkusTestResourceLifecycleManager {
        static volatile SlackRecorder slack;

        @Override
        public Map<String, String> start() {
            slack = SlackRecorder.start();
            slack.channel("team-4");
            return Map.of(
                    "verity.notifier.slack.bot-token", slack.botToken(),
                    "verity.notifier.slack.channel", "#alerts",
                    "verity.notifier.slack.api-url", slack.apiUrl(),
                    "verity.notifier.incidents.group-window", "3s",
                    "verity.notifier.routes[0].name", "team-4",
                    "verity.notifier.routes[0].match.apps", "app-4*",
                    "verity.notifier.routes[0].slack.channel", "#team-4");
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

        List<TargetKey> team4 = targets.subList(40, 50);
        List<TargetKey> rest = targets.subList(0, 40);
        SlackMessage summary = slack().awaitMessage(m -> !m.isReply() && m.readableText().contains("40 targets"), WAIT);
        SlackMessage teamSummary = slack().awaitMessage(m -> !m.isReply() && m.readableText().contains("10 targets"), WAIT);
        assertThat(summary.channel()).isEqualTo(slack().channel("alerts"));
        assertThat(teamSummary.channel()).isEqualTo(slack().channel("team-4"));
        for (TargetKey target : rest) assertThat(summary.readableText()).contains(target.toString());
        for (TargetKey target : team4) {
            assertThat(teamSummary.readableText()).contains(target.toString());
            assertThat(summary.readableText()).doesNotContain(target.toString());
        }
        assertThat(detailsIn(summary, targets)).isEqualTo(Set.copyOf(rest.stream().map(TargetKey::toString).toList()));
        assertThat(detailsIn(teamSummary, targets)).isEqualTo(Set.copyOf(team4.stream().map(TargetKey::toString).toList()));
        assertThat(slack().replies(summary.ts())).allSatisfy(r -> assertThat(r.readableText())
                .contains("Apply failed: prod-eu/app-", "image tag latest is not allowed"));
        assertThat(slack().messages().stream().filter(m -> !m.isReply())).as("one top-level message per channel")
                .hasSize(2);

        // one target recovers: its resolution is a reply in the shared thread, and the summary is not replaced
        send(new dev.verity.events.Applied(targets.get(7), SampleEvents.REPO, COMMIT, "sha256:7", List.of()));
        slack().awaitMessage(m -> summary.ts().equals(m.threadTs())
                && m.readableText().contains("Resolved: Apply failed: prod-eu/app-07/prod"), WAIT);
        SlackMessage root = slack().messages().stream().filter(m -> m.ts().equals(summary.ts())).findFirst().orElseThrow();
        assertThat(root.edits()).isEmpty();
        assertThat(root.readableText()).contains("40 targets");
    }

    /** The targets whose own announcement is a reply in the summary's thread, once all are there. */
    private static Set<String> detailsIn(SlackMessage summary, List<TargetKey> targets) {
        await().atMost(WAIT).until(() -> slack().replies(summary.ts()).size()
                >= targets.stream().filter(t -> summary.readableText().contains(t.toString())).count());
        return slack().replies(summary.ts()).stream().map(SlackMessage::readableText)
                .flatMap(text -> targets.stream().map(TargetKey::toString).filter(t -> text.contains("`" + t + "`")))
                .collect(Collectors.toSet());
    }

    private void send(dev.verity.events.VerityEvent event) {
        EmbeddedKafkaResource.kafka().send(Topics.ROLLOUT, event.key(), codec.encode(event));
    }

    private static SlackRecorder slack() {
        return Sinks.slack;
    }
}
