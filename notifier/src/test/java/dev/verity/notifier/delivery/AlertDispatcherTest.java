package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.notifier.alert.SlackMessageFormatter;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;

/** Delivery to a real HTTP server that answers as Slack does. */
class AlertDispatcherTest {

    private static final RetryPolicy FAST = new RetryPolicy(3, Duration.ofMillis(10), Duration.ofMillis(40));

    private final SlackRecorder slack = SlackRecorder.start();
    private final List<Undelivered> undelivered = new CopyOnWriteArrayList<>();
    private final Alert drift = new AlertComposer().compose(SampleEvents.replicasChanged("1234")).orElseThrow();

    @AfterEach
    void stop() {
        slack.close();
    }

    @Test
    void deliversTheBlockKitMessageToTheWebhook() {
        List<Delivery> result = dispatcher(webhook(slack.webhookUrl())).dispatch(drift);

        assertThat(result).containsExactly(new Delivery("slack", Delivery.Outcome.DELIVERED, 1, null));
        SlackMessage message = slack.awaitMessages(1, Duration.ofSeconds(5)).get(0);
        assertThat(message.readableText()).contains("Deployment shop-prod/web", "spec.replicas", "local/shop/prod",
                "3f2c1e9a7b6d");
        assertThat(message.blocks()).contains("\"type\":\"header\"");
    }

    @Test
    void theSameEventIsDeliveredOncePerDestination() {
        AlertDispatcher dispatcher = dispatcher(webhook(slack.webhookUrl()),
                new SlackWebhook("slack-oncall", URI.create(slack.webhook("oncall")), Duration.ofSeconds(5), new SlackMessageFormatter()));
        dispatcher.dispatch(drift);
        List<Delivery> again = dispatcher.dispatch(drift);

        assertThat(again).extracting(Delivery::outcome).containsExactly(Delivery.Outcome.DUPLICATE, Delivery.Outcome.DUPLICATE);
        assertThat(slack.messages("alerts")).hasSize(1);
        assertThat(slack.messages("oncall")).hasSize(1);
        Alert later = new AlertComposer().compose(SampleEvents.replicasChanged("1300")).orElseThrow();
        assertThat(dispatcher.dispatch(later)).extracting(Delivery::outcome).containsOnly(Delivery.Outcome.DELIVERED);
    }

    @Test
    void transientFailuresAreRetriedUntilSlackAcceptsTheMessage() {
        slack.failNextPosts(2, 503);
        List<Delivery> result = dispatcher(webhook(slack.webhookUrl())).dispatch(drift);

        assertThat(result).containsExactly(new Delivery("slack", Delivery.Outcome.DELIVERED, 3, null));
        assertThat(slack.messages()).hasSize(1);
        assertThat(undelivered).isEmpty();
    }

    @Test
    void aDeliveryThatKeepsFailingIsReportedWithoutTheWebhookSecretAndTriedAgainWhenRedelivered() {
        slack.failNextPosts(3, 429);
        AlertDispatcher dispatcher = dispatcher(webhook(slack.webhookUrl()));
        List<Delivery> result = dispatcher.dispatch(drift);

        assertThat(result.get(0).outcome()).isEqualTo(Delivery.Outcome.UNDELIVERED);
        assertThat(result.get(0).attempts()).isEqualTo(3);
        assertThat(undelivered).singleElement().satisfies(u -> {
            assertThat(u.destination()).isEqualTo("slack");
            assertThat(u.error()).contains("answered 429 rate_limited", "gave up after 3 attempts");
            assertThat(u.toJson()).contains("\"eventId\":\"" + drift.eventId() + "\"", "\"destination\":\"slack\"",
                    "Deployment shop-prod/web", "local/shop/prod@3f2c1e9a7b6d", "Slack incoming webhook on 127.0.0.1:")
                    .doesNotContain("/services/");
        });
        assertThat(slack.messages()).isEmpty();

        assertThat(dispatcher.dispatch(drift)).extracting(Delivery::outcome).containsExactly(Delivery.Outcome.DELIVERED);
        assertThat(slack.messages()).hasSize(1);
    }

    @Test
    void aRevokedWebhookIsAPermanentFailureAndDoesNotKeepTheAlertFromOtherDestinations() {
        String revoked = slack.url() + "/services/T0VERITY0/B0GONE/s3cr3t";
        List<Delivery> result = dispatcher(new SlackWebhook("slack-old", URI.create(revoked), Duration.ofSeconds(5),
                new SlackMessageFormatter()), webhook(slack.webhookUrl())).dispatch(drift);

        assertThat(result).extracting(Delivery::outcome).containsExactly(Delivery.Outcome.UNDELIVERED, Delivery.Outcome.DELIVERED);
        assertThat(result.get(0).attempts()).isEqualTo(1);
        assertThat(result.get(0).error()).contains("answered 404 no_service", "check verity.notifier.slack.webhook-url",
                "permanent").doesNotContain("s3cr3t");
        assertThat(slack.messages("alerts")).hasSize(1);
    }

    @Test
    void anUnreachableSlackIsTransient() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        List<Delivery> result = dispatcher(webhook("http://127.0.0.1:" + closedPort + "/services/T/B/x")).dispatch(drift);

        assertThat(result.get(0).attempts()).isEqualTo(3);
        assertThat(result.get(0).error()).contains("cannot reach Slack incoming webhook on 127.0.0.1:" + closedPort);
    }

    @Test
    void destinationsNeedUniqueNames() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> dispatcher(webhook(slack.webhookUrl()), webhook(slack.webhookUrl())))
                .hasMessageContaining("destination names must be unique, got [slack, slack]");
    }

    @Test
    void retryWaitsDoubleUpToTheMaximum() {
        RetryPolicy policy = new RetryPolicy(6, Duration.ofSeconds(1), Duration.ofSeconds(5));
        assertThat(List.of(1, 2, 3, 4, 5)).map(policy::backoffAfter).containsExactly(Duration.ofSeconds(1),
                Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
    }

    @Test
    void recentIdsForgetTheOldestBeyondTheirCapacity() {
        RecentIds ids = new RecentIds(2);
        assertThat(ids.add("a")).isTrue();
        assertThat(ids.add("a")).isFalse();
        ids.add("b");
        ids.add("c");
        assertThat(ids.contains("a")).isFalse();
        assertThat(ids.contains("c")).isTrue();
        assertThat(ids.size()).isEqualTo(2);
    }

    private AlertDispatcher dispatcher(Destination... destinations) {
        return new AlertDispatcher(List.of(destinations), FAST, 100, undelivered::add, Clock.systemUTC());
    }

    private static SlackWebhook webhook(String url) {
        return new SlackWebhook(URI.create(url), Duration.ofSeconds(5), new SlackMessageFormatter());
    }
}
