package dev.verity.notifier.delivery;

import dev.verity.notifier.alert.Alert;
import dev.verity.notifier.alert.AlertComposer;
import dev.verity.notifier.alert.SampleEvents;
import dev.verity.notifier.alert.SlackMessageFormatter;
import dev.verity.testkit.slack.SlackMessage;
import dev.verity.testkit.slack.SlackRecorder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The dispatcher against a real HTTP server that answers as Slack does, one attempt per delivery
 * ({@link DeliveryRetry#ONCE}; the service's SmallRye retries are checked in {@code DeliveryFaultsIT}).
 */
class AlertDispatcherIT {

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

        assertThat(result).containsExactly(new Delivery("slack", "slack", Delivery.Outcome.DELIVERED, 1, null, null));
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
    void onlyTheNamedDestinationsGetTheAlert() {
        AlertDispatcher dispatcher = dispatcher(webhook(slack.webhookUrl()),
                new SlackWebhook("slack-oncall", URI.create(slack.webhook("oncall")), Duration.ofSeconds(5), new SlackMessageFormatter()));

        assertThat(dispatcher.dispatch(drift, Set.of("slack-oncall"), null, java.util.Map.of()))
                .extracting(Delivery::destination).containsExactly("slack-oncall");
        assertThat(slack.messages("oncall")).hasSize(1);
        assertThat(slack.messages("alerts")).isEmpty();
        assertThatThrownBy(() -> dispatcher.dispatch(drift, Set.of("pager"), null, java.util.Map.of()))
                .hasMessageContaining("no destination named pager");
    }

    @Test
    void aRefusedPostIsReportedWithoutTheWebhookSecretAndTriedAgainWhenRedelivered() {
        String gone = slack.webhook("retired");
        slack.deleteChannel("retired");
        AlertDispatcher dispatcher = dispatcher(new SlackWebhook(URI.create(gone), Duration.ofSeconds(5),
                new SlackMessageFormatter()));
        List<Delivery> result = dispatcher.dispatch(drift);

        assertThat(result.get(0).outcome()).isEqualTo(Delivery.Outcome.UNDELIVERED);
        assertThat(undelivered).singleElement().satisfies(u -> {
            assertThat(u.destination()).isEqualTo("slack");
            assertThat(u.error()).contains("answered 404 channel_not_found", "create a new webhook", "permanent");
            assertThat(u.toJson()).contains("\"eventId\":\"" + drift.eventId() + "\"", "\"channel\":\"slack\"",
                    "\"target\":\"local/shop/prod\"", "\"reason\":", "Deployment shop-prod/web",
                    "local/shop/prod@3f2c1e9a7b6d", "Slack incoming webhook on 127.0.0.1:")
                    .doesNotContain("/services/");
        });

        slack.restoreChannel("retired");
        assertThat(dispatcher.dispatch(drift)).extracting(Delivery::outcome).containsExactly(Delivery.Outcome.DELIVERED);
        assertThat(slack.messages("retired")).hasSize(1);
    }

    @Test
    void anArchivedChannelIsAPermanentFailureAndDoesNotKeepTheAlertFromOtherDestinations() {
        String archived = slack.webhook("old-alerts");
        slack.archiveChannel("old-alerts");
        List<Delivery> result = dispatcher(new SlackWebhook("slack-old", URI.create(archived), Duration.ofSeconds(5),
                new SlackMessageFormatter()), webhook(slack.webhookUrl())).dispatch(drift);

        assertThat(result).extracting(Delivery::outcome).containsExactly(Delivery.Outcome.UNDELIVERED, Delivery.Outcome.DELIVERED);
        assertThat(result.get(0).error()).contains("answered 410 channel_is_archived", "permanent");
        assertThat(slack.messages("alerts")).hasSize(1);
    }

    @Test
    void aDestinationThatHangsDoesNotDelayTheOthers() throws Exception {
        // a server that accepts connections and never answers
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            AlertDispatcher dispatcher = dispatcher(
                    new SlackWebhook("slack-silent", URI.create("http://127.0.0.1:" + silent.getLocalPort() + "/services/T/B/x"),
                            Duration.ofSeconds(4), new SlackMessageFormatter()),
                    webhook(slack.webhookUrl()));
            CompletableFuture<List<Delivery>> dispatch = CompletableFuture.supplyAsync(() -> dispatcher.dispatch(drift));

            slack.awaitMessages(1, Duration.ofSeconds(3));
            assertThat(dispatch).as("the silent destination still waits").isNotDone();
            List<Delivery> result = dispatch.get();
            assertThat(result).extracting(Delivery::outcome)
                    .containsExactly(Delivery.Outcome.UNDELIVERED, Delivery.Outcome.DELIVERED);
            assertThat(result.get(0).error()).contains("did not answer within PT4S");
        }
    }

    @Test
    void destinationsNeedUniqueNames() {
        assertThatThrownBy(() -> dispatcher(webhook(slack.webhookUrl()), webhook(slack.webhookUrl())))
                .hasMessageContaining("destination names must be unique, got [slack, slack]");
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
        return new AlertDispatcher(List.of(destinations), DeliveryRetry.ONCE, 100, undelivered::add, Clock.systemUTC());
    }

    private static SlackWebhook webhook(String url) {
        return new SlackWebhook(URI.create(url), Duration.ofSeconds(5), new SlackMessageFormatter());
    }
}
