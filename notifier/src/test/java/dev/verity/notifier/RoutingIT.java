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
import dev.verity.testkit.mail.ReceivedMail;
import dev.verity.testkit.mail.SmtpServer;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Routing with a real broker, the Slack stand-in's Web API and GreenMail: a route for the prod environment sends to
 * {@code #prod-alerts} and the prod on-call; everything else takes the default route ({@code #alerts}, the team).
 */
@QuarkusTest
@QuarkusTestResource(value = EmbeddedKafkaResource.class, restrictToAnnotatedClass = true)
@QuarkusTestResource(value = RoutingIT.Sinks.class, restrictToAnnotatedClass = true)
class RoutingIT {

    static final Duration WAIT = Duration.ofSeconds(60);
    static final String TEAM = "team@example.com";
    static final String PROD_ONCALL = "prod-oncall@example.com";

    /** The Slack stand-in with a {@code #prod-alerts} channel, GreenMail, and a route to them for prod. */
    public static class Sinks implements QuarkusTestResourceLifecycleManager {
        static volatile SlackRecorder slack;
        static volatile SmtpServer smtp;

        @Override
        public Map<String, String> start() {
            slack = SlackRecorder.start();
            slack.channel("prod-alerts");
            smtp = SmtpServer.start();
            return Map.ofEntries(
                    Map.entry("verity.notifier.slack.bot-token", slack.botToken()),
                    Map.entry("verity.notifier.slack.channel", "#alerts"),
                    Map.entry("verity.notifier.slack.api-url", slack.apiUrl()),
                    Map.entry("verity.notifier.email.to", TEAM),
                    Map.entry("verity.notifier.email.from", "verity@test.local"),
                    Map.entry("quarkus.mailer.host", smtp.host()),
                    Map.entry("quarkus.mailer.port", String.valueOf(smtp.port())),
                    Map.entry("verity.notifier.routes[0].name", "prod"),
                    Map.entry("verity.notifier.routes[0].match.environments", "prod"),
                    Map.entry("verity.notifier.routes[0].match.kinds", "drift,degraded,rollout-failure"),
                    Map.entry("verity.notifier.routes[0].slack.channel", "#prod-alerts"),
                    Map.entry("verity.notifier.routes[0].email.to", PROD_ONCALL));
        }

        @Override
        public void stop() {
            if (slack != null) slack.close();
            if (smtp != null) smtp.close();
        }
    }

    final EventCodec codec = new EventCodec();

    @Test
    void twoTargetsIncidentsReachDifferentChannelsAndRecipients() {
        ObjectRef web = new ObjectRef("apps/v1", "Deployment", "routed", "web");
        TargetKey prod = TargetKey.parse("local/routed/prod");
        TargetKey dev = TargetKey.parse("local/routed/dev");
        send(new DriftDetected(prod, SampleEvents.REPO, SampleEvents.COMMIT, web, DriftKind.MODIFIED,
                List.of("spec.replicas"), "11"));
        send(new DriftDetected(dev, SampleEvents.REPO, SampleEvents.COMMIT, web, DriftKind.MODIFIED,
                List.of("spec.replicas"), "12"));

        SlackMessage prodRoot = slack().awaitMessage(m -> m.readableText().contains("`local/routed/prod`"), WAIT);
        SlackMessage devRoot = slack().awaitMessage(m -> m.readableText().contains("`local/routed/dev`"), WAIT);
        assertThat(prodRoot.channel()).isEqualTo(slack().channel("prod-alerts"));
        assertThat(devRoot.channel()).isEqualTo(slack().channel("alerts"));
        smtp().awaitMessage(m -> m.subject().contains("local/routed/prod@"), WAIT);
        smtp().awaitMessage(m -> m.subject().contains("local/routed/dev@"), WAIT);
        assertThat(subjects(PROD_ONCALL)).anyMatch(s -> s.contains("local/routed/prod@"))
                .noneMatch(s -> s.contains("local/routed/dev@"));
        assertThat(subjects(TEAM)).anyMatch(s -> s.contains("local/routed/dev@"))
                .noneMatch(s -> s.contains("local/routed/prod@"));

        // the resolution follows its incident: into the prod thread, not to the default route
        send(new DriftResolved(prod, SampleEvents.REPO, SampleEvents.COMMIT, web, "13"));
        SlackMessage resolved = slack().awaitMessage(m -> prodRoot.ts().equals(m.threadTs())
                && m.readableText().contains("Resolved"), WAIT);
        assertThat(resolved.channel()).isEqualTo(prodRoot.channel());
        await().atMost(WAIT).until(() -> subjects(PROD_ONCALL).stream().filter(s -> s.contains("local/routed/prod@"))
                .count() == 2);
        assertThat(slack().messages("alerts")).noneMatch(m -> m.readableText().contains("local/routed/prod"));
    }

    private static List<String> subjects(String inbox) {
        return smtp().inbox(inbox).stream().map(ReceivedMail::subject).toList();
    }

    private void send(VerityEvent event) {
        EmbeddedKafkaResource.kafka().send(Topics.DRIFT, event.key(), codec.encode(event));
    }

    private static SlackRecorder slack() {
        return Sinks.slack;
    }

    private static SmtpServer smtp() {
        return Sinks.smtp;
    }
}
